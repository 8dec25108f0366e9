/**
 * Engine faults in a real VS Code, injected from outside as a crash or a frozen machine would: the engine
 * process is killed while it loads the model, while it reads the document (prefill) and while it writes the
 * summary (decode); it is frozen (SIGSTOP) while loading and while decoding; it gets garbage on its stdout.
 * Each ends in one clear message (none when nothing was lost), the next summary works, and no engine process
 * is left over (the test counts the extension host's engine processes in /proc).
 *
 * Needs short deadlines (STEER_ENGINE_TIMEOUTS, set by scripts/test.sh for this suite): without them a
 * frozen engine takes the real watchdog's two minutes, so the suite skips itself.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SummaryView } from '../../../src/common/messages';
import type { SteerApi } from '../../../src/extension/main';

const EXTENSION_ID = 'steer-dev.steer';

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('steer').update(key, value, vscode.ConfigurationTarget.Global);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(ok: () => boolean, what: string, timeoutMs = 60_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(everyMs);
  }
}

/** /proc/PID/stat's fields after the command name (which may hold spaces), from field 3 (state) on. */
function stat(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone
  }
}

/** The engine processes this extension host started and that still exist (zombies included). */
function engineProcesses(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || Number(stat(pid)?.[1]) !== process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('engine-host.js')) pids.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** CPU time the process has used, in clock ticks (utime + stime). */
function cpuTicks(pid: number): number {
  const f = stat(pid);
  return f ? Number(f[11]) + Number(f[12]) : 0;
}

/**
 * Writes into another process's stdout from outside, as a stray library print would. The engine's stdout is
 * a socket, which /proc/PID/fd/1 cannot open; pidfd_getfd (Linux 5.6, syscall 438) copies the descriptor.
 */
function writeToStdoutOf(pid: number, data: Buffer): void {
  const script = [
    'import ctypes, os, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'fd = libc.syscall(438, os.pidfd_open(int(sys.argv[1])), 1, 0)',
    'assert fd >= 0, os.strerror(ctypes.get_errno())',
    'os.write(fd, sys.stdin.buffer.read())',
  ].join('\n');
  execFileSync('python3', ['-c', script, String(pid)], { input: data });
}

/** The newest side-panel summary document (its text grows while tokens stream in). */
function newestPanel(): vscode.TextDocument | undefined {
  const panels = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'steer-summary');
  return panels.sort((a, b) => Number(b.uri.query) - Number(a.uri.query))[0];
}

type Phase = 'load' | 'prefill' | 'decode';

describe('Steer engine faults', function () {
  let api: SteerApi;
  let longText = '';
  let shortText = '';
  let threads = 0;

  before(async function () {
    if (!process.env.STEER_ENGINE_TIMEOUTS) {
      console.log('engine faults skipped: run them with short deadlines (scripts/test.sh sets them)');
      this.skip();
    }
    const ext = vscode.extensions.getExtension<SteerApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    const article = readFileSync(join(ext.extensionPath, 'examples', 'article.txt'), 'utf8');
    shortText = article
      .split(/\n\s*\n/)
      .slice(0, 2)
      .join('\n\n');
    // three times the article (~1,500 tokens, one pass): a prefill long enough to be caught in the act
    longText = [article, article, article].join('\n\n');
    await setting('outputMode', 'sidePanel');
    await setting('maxSummaryTokens', 32);
  });

  after(async () => {
    for (const key of ['outputMode', 'maxSummaryTokens', 'threads']) await setting(key, undefined);
  });

  async function show(text: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  }

  const summarize = async () =>
    (await vscode.commands.executeCommand('steer.summarizeFile')) as SummaryView | undefined;

  /** Starts a summary of `text`; resolves once the engine is busy with it, as `phase` says. */
  async function startSummary(
    text: string,
    phase: Phase,
  ): Promise<{ pid: number; running: Promise<SummaryView | undefined> }> {
    if (phase === 'load' && api.enginePid() !== undefined) {
      // a new thread count restarts the engine on the next summary: a load to catch
      const old = api.enginePid()!;
      threads = threads === 1 ? 2 : 1;
      await setting('threads', threads);
      await until(() => api.enginePid() === undefined && stat(old) === null, 'the engine stopped');
    }
    await show(text);
    const warm = api.enginePid();
    const ticks = warm === undefined ? 0 : cpuTicks(warm);
    const panelsBefore = newestPanel()?.uri.query;
    const running = summarize();
    const panel = () => {
      const p = newestPanel();
      return p && p.uri.query !== panelsBefore ? p : undefined;
    };
    if (phase === 'load') {
      await until(() => api.engineState() === 'loading' && api.enginePid() !== undefined, 'loading');
    } else if (phase === 'prefill') {
      assert.ok(warm !== undefined && api.engineState() === 'ready', 'the engine was ready before');
      await until(() => cpuTicks(warm) >= ticks + 5, 'the engine works on the document');
      assert.equal(panel()?.getText(), '', 'no word of the summary yet: still reading the document');
    } else {
      await until(() => (panel()?.getText().length ?? 0) > 0, 'the summary is being written');
    }
    return { pid: api.enginePid()!, running };
  }

  /** After a fault: the messages it cost, the next summary works, and one engine process runs. */
  async function recovers(errorsBefore: number, expected: RegExp | null): Promise<void> {
    const errors = api.errorsShown().slice(errorsBefore);
    if (expected) {
      assert.equal(errors.length, 1, `one message, got ${JSON.stringify(errors)}`);
      assert.match(errors[0]!, expected);
    } else {
      assert.deepEqual(errors, [], 'no message: nothing was lost');
    }
    await show(shortText);
    const next = await summarize();
    assert.ok(next && next.tokens > 0, 'the next summary works');
    assert.deepEqual(engineProcesses(), [api.enginePid()], 'exactly one engine process, the current one');
  }

  const faults: { name: string; phase: Phase; signal: 'SIGKILL' | 'SIGSTOP'; says: RegExp }[] = [
    {
      name: 'a crash while the model loads',
      phase: 'load',
      signal: 'SIGKILL',
      says: /engine stopped unexpectedly \(signal SIGKILL\)/,
    },
    {
      name: 'a crash while the engine reads the document',
      phase: 'prefill',
      signal: 'SIGKILL',
      says: /engine stopped unexpectedly \(signal SIGKILL\).*summary in progress was lost/,
    },
    {
      name: 'a crash while the summary is being written',
      phase: 'decode',
      signal: 'SIGKILL',
      says: /engine stopped unexpectedly \(signal SIGKILL\)/,
    },
    {
      name: 'an engine that freezes while loading the model is stopped at the load deadline',
      phase: 'load',
      signal: 'SIGSTOP',
      says: /did not load the model within/,
    },
    {
      name: 'an engine that freezes while writing the summary is killed by the watchdog',
      phase: 'decode',
      signal: 'SIGSTOP',
      says: /stopped responding \(no answer for [\d.]+ s\) and was killed/,
    },
  ];
  for (const fault of faults) {
    it(fault.name, async () => {
      const errors = api.errorsShown().length;
      const { pid, running } = await startSummary(fault.phase === 'load' ? shortText : longText, fault.phase);
      process.kill(pid, fault.signal);
      assert.equal(await running, undefined, 'no summary');
      await until(() => stat(pid) === null, 'the engine process is gone', 10_000);
      await recovers(errors, fault.says);
    });
  }

  it('garbage on the engine output is ignored, and the summary is still written', async () => {
    const errors = api.errorsShown().length;
    const { pid, running } = await startSummary(longText, 'decode');
    // whole lines in one write: the engine's own lines stay whole
    const garbage = [
      'not json at all',
      '\u0000\u0001\u0002 binary \u00ff\u00fe',
      '{"id":"nobody"}',
      '[1,2,3]',
      '{"id":null,"error":{"code":"JUNK","message":"junk"}}',
      '{"id":987654,"result":{"summary":"not yours"}}',
      '{"event":"token","data":{"text":"stray"}}',
    ];
    const invalidUtf8 = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a]);
    writeToStdoutOf(pid, Buffer.concat([Buffer.from(garbage.map((l) => `${l}\n`).join('')), invalidUtf8]));
    const summary = await running;
    assert.ok(summary && summary.tokens > 0, 'the summary is written');
    assert.ok(!summary.text.includes('stray') && !summary.text.includes('not yours'));
    assert.ok(existsSync(`/proc/${pid}`) && api.enginePid() === pid, 'the same engine goes on');
    await recovers(errors, null);
  });
});
