/**
 * Logits processors: small pieces that change one row's next-token logits in place, composed in order
 * (as in transformers.js generation/). `generated` holds the row's response tokens so far.
 */

export interface LogitsProcessor {
  process(logits: Float32Array, generated: readonly number[]): void;
}

/** Runs processors in order. */
export class LogitsProcessorList implements LogitsProcessor {
  constructor(readonly processors: readonly LogitsProcessor[] = []) {}

  process(logits: Float32Array, generated: readonly number[]): void {
    for (const p of this.processors) p.process(logits, generated);
  }
}

/** Divides the logits by a temperature > 0. */
export class TemperatureProcessor implements LogitsProcessor {
  constructor(readonly temperature: number) {
    if (!(temperature > 0)) throw new RangeError('temperature must be > 0');
  }

  process(logits: Float32Array): void {
    if (this.temperature === 1) return;
    for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! / this.temperature;
  }
}

/** Penalises tokens already generated (CTRL-style: positive logits divided, negative multiplied). */
export class RepetitionPenaltyProcessor implements LogitsProcessor {
  constructor(readonly penalty: number) {
    if (!(penalty > 0)) throw new RangeError('repetition penalty must be > 0');
  }

  process(logits: Float32Array, generated: readonly number[]): void {
    if (this.penalty === 1) return;
    for (const id of new Set(generated)) {
      const v = logits[id];
      if (v === undefined) continue;
      logits[id] = v > 0 ? v / this.penalty : v * this.penalty;
    }
  }
}

/** Forbids any token that would repeat an n-gram already in the generated tokens. */
export class NoRepeatNgramProcessor implements LogitsProcessor {
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('n-gram size must be a positive integer');
  }

  /** Tokens that would complete an n-gram seen before. */
  banned(generated: readonly number[]): Set<number> {
    const n = this.size;
    const out = new Set<number>();
    const len = generated.length;
    if (len + 1 < n) return out;
    const prefixStart = len - (n - 1);
    for (let start = 0; start + n <= len; start++) {
      let same = true;
      for (let j = 0; j < n - 1; j++) {
        if (generated[start + j] !== generated[prefixStart + j]) {
          same = false;
          break;
        }
      }
      if (same) out.add(generated[start + n - 1]!);
    }
    return out;
  }

  process(logits: Float32Array, generated: readonly number[]): void {
    for (const id of this.banned(generated)) if (id < logits.length) logits[id] = -Infinity;
  }
}

/** Keeps the k highest logits. */
export class TopKProcessor implements LogitsProcessor {
  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError('top-k must be a positive integer');
  }

  process(logits: Float32Array): void {
    if (this.k >= logits.length) return;
    const sorted = Float32Array.from(logits).sort();
    const threshold = sorted[sorted.length - this.k]!;
    let kept = 0;
    // Keep ties at the threshold only up to k tokens, lowest ids first.
    for (let i = 0; i < logits.length; i++) if (logits[i]! > threshold) kept++;
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (v > threshold) continue;
      if (v === threshold && kept < this.k) kept++;
      else logits[i] = -Infinity;
    }
  }
}

/** Nucleus filtering: keeps the smallest set of tokens whose probability reaches p. */
export class TopPProcessor implements LogitsProcessor {
  constructor(
    readonly p: number,
    readonly minKeep = 1,
  ) {
    if (!(p > 0 && p <= 1)) throw new RangeError('top-p must be in (0, 1]');
  }

  process(logits: Float32Array): void {
    if (this.p >= 1) return;
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
    if (max === -Infinity) return;
    let total = 0;
    for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i]! - max);
    // The nucleus is made of the best tokens; sort only those above a threshold whose mass reaches p
    // (lowering the threshold until it does), not the whole vocabulary.
    let candidates: number[];
    for (let margin = 8; ; margin *= 2) {
      const threshold = max - margin;
      candidates = [];
      let mass = 0;
      for (let i = 0; i < logits.length; i++) {
        if (logits[i]! >= threshold) {
          candidates.push(i);
          mass += Math.exp(logits[i]! - max);
        }
      }
      if (
        (mass / total >= this.p && candidates.length >= this.minKeep) ||
        candidates.length === logits.length ||
        !isFinite(threshold)
      )
        break;
    }
    candidates.sort((a, b) => logits[b]! - logits[a]! || a - b);
    let cumulative = 0;
    let keep = 0;
    while (keep < candidates.length) {
      cumulative += Math.exp(logits[candidates[keep]!]! - max) / total;
      keep++;
      if (cumulative >= this.p && keep >= this.minKeep) break;
    }
    const kept = new Set(candidates.slice(0, keep));
    for (let i = 0; i < logits.length; i++) if (!kept.has(i)) logits[i] = -Infinity;
  }
}

/** Forbids the end-of-sequence tokens until `minNewTokens` tokens have been generated. */
export class MinNewTokensProcessor implements LogitsProcessor {
  constructor(
    readonly minNewTokens: number,
    readonly eos: readonly number[],
  ) {}

  process(logits: Float32Array, generated: readonly number[]): void {
    if (generated.length >= this.minNewTokens) return;
    for (const id of this.eos) if (id < logits.length) logits[id] = -Infinity;
  }
}

/**
 * The response opens with given tokens, each the only choice at its step: a retry that starts a summary in
 * prose ("This function ...") when the model's own first words were code. Later processors still judge the
 * forced token (grounded decoding may refuse it, leaving only end-of-sequence).
 */
export class ForcedStartProcessor implements LogitsProcessor {
  constructor(readonly start: readonly number[]) {}

  process(logits: Float32Array, generated: readonly number[]): void {
    if (generated.length >= this.start.length) return;
    const id = this.start[generated.length]!;
    const value = logits[id]!;
    logits.fill(-Infinity);
    logits[id] = Number.isFinite(value) ? value : 0;
  }
}
