/**
 * Memory read bandwidth of this machine, measured in the same run as the peers: `threads` worker threads
 * each compare two equal 128 MiB buffers (memcmp reads both in full, vectorised, no writes) a few times; the
 * best round counts. Also a single-thread Float32Array copy for reference (read + write).
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface Bandwidth {
  /** GB/s (1e9 bytes) read by `threads` threads together. */
  readGBs: number;
  threads: number;
  /** GB/s of a single-thread copy, counting bytes read plus bytes written. */
  copyGBs: number;
  bufferMiB: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const n = workerData.bytes;
const a = Buffer.alloc(n, 7);
const b = Buffer.alloc(n, 7);
Buffer.compare(a, b); // touch
parentPort.on('message', (reps) => {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) if (Buffer.compare(a, b) !== 0) throw new Error('differ');
  parentPort.postMessage({ ms: performance.now() - t0, bytes: 2 * n * reps });
});
parentPort.postMessage('ready');
`;

async function readBandwidth(threads: number, bytes: number, rounds: number): Promise<number> {
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER, { eval: true, workerData: { bytes } }),
  );
  try {
    await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    let best = 0;
    for (let round = 0; round < rounds; round++) {
      const t0 = performance.now();
      const results = await Promise.all(
        workers.map(
          (w) =>
            new Promise<{ ms: number; bytes: number }>((r) => {
              w.once('message', r);
              w.postMessage(4);
            }),
        ),
      );
      const wall = performance.now() - t0;
      const total = results.reduce((s, r) => s + r.bytes, 0);
      best = Math.max(best, total / (wall / 1000) / 1e9);
    }
    return best;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function copyBandwidth(bytes: number, rounds: number): number {
  const src = new Float32Array(bytes / 4).fill(1);
  const dst = new Float32Array(bytes / 4);
  dst.set(src);
  let best = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    dst.set(src);
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, (2 * bytes) / s / 1e9);
  }
  return best;
}

export async function measureBandwidth(threads: number, bufferMiB = 128): Promise<Bandwidth> {
  const bytes = bufferMiB * 2 ** 20;
  const readGBs = await readBandwidth(threads, bytes, 4);
  const copyGBs = copyBandwidth(bytes * 2, 4);
  return { readGBs, threads, copyGBs, bufferMiB };
}
