/**
 * A load-time probe of the graph: whether batch rows are independent.
 */
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
