/**
 * Load-time probes of the graph: whether batch rows are independent, and how many prompt tokens one
 * prefill run can take within the cancellation latency.
 */
import { performance } from 'node:perf_hooks';
import type { Runner } from './forward';
import type { Manifest } from './manifest';

/**
 * Checks whether the graph computes each batch row independently of the other rows' content: row A's logits
 * must be bit-identical whichever other row shares its batch. Float graphs and weight-only quantized graphs
 * (MatMulNBits: 4-bit weights, float activations) pass; graphs with dynamic activation quantization
 * (DynamicQuantizeLinear: one scale over the whole tensor) do not, so a row's tokens would depend on which
 * other weightings share its batch. Checked at both shapes the engine runs: a run of several tokens
 * (prefill) and a single token (decode).
 *
 * The batch size itself may change the last bits (kernels pick other code paths for other row counts, as
 * they do for other prefill run lengths): that is rounding, not coupling, and is not checked here.
 */
export async function probeBatchInvariance(
  runner: Pick<Runner, 'step' | 'emptyCache'>,
  manifest: Manifest,
): Promise<boolean> {
  const m = manifest.objectives.length;
  const vocab = manifest.io.vocabSize;
  const token = (k: number): number => (k * 7919 + 13) % vocab;
  const wA = Array.from({ length: m }, () => 1 / m);
  const wB = Array.from({ length: m }, (_, i) => (i === m - 1 ? 1 : 0));
  const wC = Array.from({ length: m }, (_, i) => (i === 0 ? 1 : 0));
  for (const seq of [3, 1]) {
    const row = (offset: number): number[] => Array.from({ length: seq }, (_, t) => token(t + offset));
    const rowA = row(1);
    const withB = await runner.step({
      ids: [row(11), rowA],
      weights: [wB, wA],
      cache: runner.emptyCache(2),
      logits: true,
    });
    const withC = await runner.step({
      ids: [row(23), rowA],
      weights: [wC, wA],
      cache: runner.emptyCache(2),
      logits: true,
    });
    const a = withB.logits!.subarray(vocab, 2 * vocab);
    const b = withC.logits!.subarray(vocab, 2 * vocab);
    for (let i = 0; i < vocab; i++) if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * Tokens per prefill run. The signal is checked between runs, so a run should take at most `targetMs`;
 * but a run also has a fixed cost (reading every weight once, ~60 ms for the 135M model on a busy 2-core
 * machine), and runs so short that this cost exceeds an eighth of their time slow the prefill down too much
 * (runs of 24 tokens made a 470-token prefill twice as slow as one run), so on slow machines throughput wins.
 * Measured on runs of 8 and 64 tokens; a multiple of 8 in [8, max].
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
    await runner.step({ ids, weights: zeros, cache: runner.emptyCache(1), logits: false });
    return performance.now() - t0;
  };
  await time(8); // warm-up
  const t8 = await time(8);
  const t64 = await time(64);
  const perToken = Math.max((t64 - t8) / 56, 1e-3);
  const fixed = Math.max(t8 - 8 * perToken, 0);
  const forLatency = (targetMs - fixed) / perToken;
  const forThroughput = (7 * fixed) / perToken;
  const n = Math.floor(Math.max(forLatency, forThroughput) / 8) * 8;
  return Math.max(8, Math.min(max, n));
}
