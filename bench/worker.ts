/**
 * One benchmark peer in its own process: `node dist/bench-worker.js PEER` reads one JSON request a line on
 * stdin ({op: 'load'|'cold'|'extra'|'rss'|'exit', config}) and answers one JSON line on stdout
 * ({result} or {error, unavailable}); log lines go to stderr.
 */
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { PeerUnavailable, type BenchPeer, type PeerConfig } from './peer';
import { LlamaCppPeer } from './peers/llamacpp';
import { LlamaCppClpPeer } from './peers/llamacpp-clp';
import { SteerPeer } from './peers/steer';
import { TransformersJsPeer } from './peers/transformers';
import type { PeerName } from './registry';

const PEERS: Record<PeerName, () => BenchPeer> = {
  steer: () => new SteerPeer(false),
  'steer-spin': () => new SteerPeer(true),
  transformers: () => new TransformersJsPeer(true),
  'transformers-nospin': () => new TransformersJsPeer(false),
  llamacpp: () => new LlamaCppPeer(null),
  'llamacpp-1thread': () => new LlamaCppPeer(1),
  'llamacpp-clp': () => new LlamaCppClpPeer(),
};

interface Request {
  op: 'load' | 'cold' | 'extra' | 'rss' | 'exit';
  config: PeerConfig;
}

async function serve(name: string): Promise<void> {
  const make = PEERS[name as PeerName];
  if (!make) throw new Error(`unknown peer ${name}`);
  const peer = make();
  const log = (line: string): void => void process.stderr.write(`${peer.name}: ${line}\n`);
  const reply = (msg: unknown): void => void process.stdout.write(`${JSON.stringify(msg)}\n`);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const req = JSON.parse(line) as Request;
    try {
      switch (req.op) {
        case 'load': {
          const t0 = performance.now();
          const runtime = await peer.load(req.config);
          reply({ result: { runtime, loadMs: performance.now() - t0 } });
          break;
        }
        case 'cold':
          reply({ result: await peer.coldRun(req.config) });
          break;
        case 'extra':
          reply({ result: await peer.extra(req.config, log) });
          break;
        case 'rss':
          reply({
            result: {
              peakRssMb: process.resourceUsage().maxRSS / 1024,
              rssMb: process.memoryUsage().rss / 2 ** 20,
            },
          });
          break;
        case 'exit':
          await peer.dispose();
          reply({ result: null });
          lines.close();
          return;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (process.env.STEER_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      reply({ error: message.split('\n')[0], unavailable: e instanceof PeerUnavailable });
    }
  }
}

void serve(process.argv[2] ?? '').then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench worker: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
