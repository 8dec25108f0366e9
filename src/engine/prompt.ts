/**
 * Fills the manifest's prompt template with a document and, under prompt conditioning, the weights —
 * exactly as the trainer's `build_prompt` does.
 */
import type { Manifest } from './manifest';

/** A number with two decimals, rounded like Python's `f"{x:.2f}"` (ties to even on the binary value). */
export function fixed2(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isFinite(scaled)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** `weightsFormat` per objective (`{id}`, `{value}` with two decimals) joined by ", ". */
export function formatPromptWeights(
  format: string,
  ids: readonly string[],
  vector: readonly number[],
): string {
  return ids
    .map((id, i) => format.replaceAll('{id}', id).replaceAll('{value}', fixed2(vector[i] ?? 0)))
    .join(', ');
}

/** Whether the prompt text itself depends on the weights. */
export function promptDependsOnWeights(manifest: Manifest): boolean {
  return manifest.prompt.weightsFormat !== null;
}

/**
 * The prompt for a document (trimmed). Under prompt conditioning `{weights}` becomes
 * `weightsPrefix + formatted weights + weightsSuffix`; otherwise it is removed.
 */
export function buildPrompt(manifest: Manifest, document: string, vector: readonly number[]): string {
  const { template, weightsFormat, weightsPrefix, weightsSuffix } = manifest.prompt;
  const ids = manifest.objectives.map((o) => o.id);
  const weights =
    weightsFormat === null
      ? ''
      : weightsPrefix + formatPromptWeights(weightsFormat, ids, vector) + weightsSuffix;
  // Fill {weights} first so that a document containing "{weights}" is left alone.
  return template.replaceAll('{weights}', weights).split('{document}').join(document.trim());
}
