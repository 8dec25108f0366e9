/**
 * Load-time probes of the graph: whether batch rows are independent, and how many prompt tokens one
 * prefill run can take within the cancellation latency.
 */
import { performance } from 'node:perf_hooks';
import type { Runner } from './forward';
import { KvCache } from './kvcache';
import type { Manifest } from './manifest';

/**
 * Checks whether the graph computes each batch row independently of the others. Float graphs do; graphs
 * with dynamic activation quantization (DynamicQuantizeLinear: one scale over the whole tensor) do not,
 * so a row's tokens would depend on which other weightings share its batch.
 */

export async function probeBatchInvariance(runner: Runner, manifest: Manifest): Promise<boolean> {
  const m = manifest.objectives.length;
  const vocab = manifest.io.vocabSize;
  const token = (k: number): number => (k * 7919 + 13) % vocab;
  const rowA = [token(1), token(2), token(3)];
  const rowB = [token(4), token(5), token(6)];
  const wA = Array.from({ length: m }, () => 1 / m);
  const wB = Array.from({ length: m }, (_, i) => (i === m - 1 ? 1 : 0));
  const alone = await runner.step({
    ids: [rowA],
    weights: [wA],
    cache: KvCache.empty(manifest.io, 1),
    logits: true,
  });
  const pair = await runner.step({
    ids: [rowA, rowB],
    weights: [wA, wB],
    cache: KvCache.empty(manifest.io, 2),
    logits: true,
  });
  const a = alone.logits!;
  const b = pair.logits!.subarray(0, vocab);
  for (let i = 0; i < vocab; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Tokens per prefill run. The signal is checked between runs, so a run should take at most `targetMs`;
 * but a run also has a fixed cost (reading every weight once), and runs so short that this cost exceeds a
 * third of their time would slow the prefill down too much, so on slow machines throughput wins. Measured
 * on runs of 8 and 32 tokens; a multiple of 8 in [8, max].
 */
export async function calibratePrefillChunk(
  runner: Runner,
  manifest: Manifest,
  targetMs: number,
  max: number,
): Promise<number> {
  const m = manifest.objectives.length;
  const zeros = [Array.from({ length: m }, () => 0)];
  const time = async (n: number): Promise<number> => {
    const ids = [Array.from({ length: n }, (_, i) => (i * 31 + 7) % manifest.io.vocabSize)];
    const t0 = performance.now();
    await runner.step({ ids, weights: zeros, cache: KvCache.empty(manifest.io, 1), logits: false });
    return performance.now() - t0;
  };
  await time(8); // warm-up
  const t8 = await time(8);
  const t32 = await time(32);
  const perToken = Math.max((t32 - t8) / 24, 1e-3);
  const fixed = Math.max(t8 - 8 * perToken, 0);
  const forLatency = (targetMs - fixed) / perToken;
  const forThroughput = (2 * fixed) / perToken;
  const n = Math.floor(Math.max(forLatency, forThroughput) / 8) * 8;
  return Math.max(8, Math.min(max, n));
}
