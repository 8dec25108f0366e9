/**
 * The engine's help to a brevity slider: a row weighted towards concise ends at an earlier sentence end.
 *
 * The CLP model shortens its summaries as the concise weight rises, but not reliably: at the concise vertex it
 * often wrote a second sentence, and that sentence was where it invented ("You may accept support ... by mailing
 * them legally compliant documents like posters etcetera." after a good first sentence about a licence). Raising
 * the end-of-sequence logit by an amount that grows with the row's concise weight makes the model take the
 * sentence end it already considered. Grounded decoding allows the end only where a sentence ends, so the bias
 * never cuts a sentence; at and below the default weight it is zero, so the balanced summary is the model's own.
 */
import type { LogitsProcessor } from './logits-processors';

/** Adds `bias` to the end-of-sequence logits. */
export class EndBiasProcessor implements LogitsProcessor {
  constructor(
    readonly eos: readonly number[],
    readonly bias: number,
  ) {}

  process(logits: Float32Array): void {
    for (const id of this.eos) {
      const v = logits[id];
      if (v !== undefined) logits[id] = v + this.bias;
    }
  }
}

/**
 * The bias for a row whose weight on the brevity objective is `weight`: 0 at or below `defaultWeight`, `logit`
 * at 1, linear in between.
 */
export function endBiasFor(weight: number, defaultWeight: number, logit: number): number {
  if (logit <= 0 || !(weight > defaultWeight) || defaultWeight >= 1) return 0;
  return logit * Math.min(1, (weight - defaultWeight) / (1 - defaultWeight));
}
