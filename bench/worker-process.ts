/**
 * A benchmark peer's worker process (dist/bench-worker.js, one per peer so that each has its own load time
 * and peak memory), driven by JSON lines over stdio.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { packageRoot } from '../src/shared/paths';
import type { PeerConfig } from './peer';

interface Reply {
  result?: unknown;
  error?: string;
  unavailable?: boolean;
}

class PeerError extends Error {
  constructor(
    message: string,
    readonly unavailable: boolean,
  ) {
    super(message);
  }
}

/** A peer's worker process. */
export class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((r: Reply) => void)[] = [];
  private exited: string | null = null;

  constructor(
    readonly name: string,
    log: (line: string) => void,
  ) {
    const script = join(packageRoot(__dirname), 'dist', 'bench-worker.js');
    this.child = spawn(process.execPath, [script, name], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        log(`${name} (stdout): ${line}`);
        return;
      }
      this.pending.shift()?.(reply);
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => log(line));
    this.child.on('exit', (code, signal) => {
      this.exited = `the ${name} worker exited (${signal ?? code})`;
      for (const p of this.pending.splice(0)) p({ error: this.exited });
    });
  }

  async call<T>(op: string, config: PeerConfig): Promise<T> {
    if (this.exited) throw new PeerError(this.exited, false);
    const reply = await new Promise<Reply>((resolveReply) => {
      this.pending.push(resolveReply);
      this.child.stdin.write(`${JSON.stringify({ op, config })}\n`);
    });
    if (reply.error !== undefined) throw new PeerError(reply.error, reply.unavailable === true);
    return reply.result as T;
  }

  async close(config: PeerConfig): Promise<void> {
    if (!this.exited) await this.call('exit', config).catch(() => undefined);
    this.child.kill();
  }
}
