/**
 * Grounded decoding as a logits processor: of the tokens in order of their logits, the first `keep` whose
 * text may follow the summary so far (grounding/continuation.ts) stay; every other token is forbidden. With
 * greedy decoding `keep` is 1 and the result is the best allowed token.
 *
 * Only the best tokens are checked, so a step costs a few string checks, not one per vocabulary entry.
 * Special tokens other than end-of-sequence are never written. If none of the best `MAX_CHECKED` tokens
 * passes, only end-of-sequence stays, and the processor records the dead end: the token that began the term
 * it was stuck in ("20" of "January 1, 20", a beginning of "2004" that the model wanted to go on as "2021").
 * Decoding again with that token refused at that point (`avoid`) is backtracking, from the cached prefill.
 *
 * A number refused because its word binds other numbers in the document ("will cost 15" where the document
 * says "will cost 38") ends the row there too, unless the next allowed token is a number as well (one the
 * word binds): what the model would write instead of its number is seldom prose ("will cost ers from"). The
 * dead end is the word, so a backtrack words the clause another way; the last check keeps the sentences
 * before it.
 */
import { Continuation, type StepContext } from '../grounding/continuation';
import type { LogitsProcessor } from './logits-processors';

/** Token texts, decoded one id at a time and cached; '' for special tokens. */
export interface PieceTable {
  piece(id: number): string;
  /** Text of a whole response. */
  text(ids: readonly number[]): string;
  /** Token ids of a text (no special tokens). */
  encode(text: string): number[];
}

/** Where grounded decoding was stuck: after the tokens `prefix`, `token` led nowhere. */
export interface DeadEnd {
  prefix: readonly number[];
  token: number;
}

/**
 * Candidates checked per step at most: when the model's best thousand tokens all break the rules, it is
 * lost, and the summary ends there (the last check in summarize.ts then decodes again another way).
 */
export const MAX_CHECKED = 1000;

export class GroundedDecodingProcessor implements LogitsProcessor {
  private readonly eos: Set<number>;
  private spellings?: number[][];
  /** Where this row got stuck, in order. */
  readonly deadEnds: DeadEnd[] = [];

  constructor(
    readonly continuation: Continuation,
    readonly pieces: PieceTable,
    eos: readonly number[],
    readonly keep = 1,
    /** Dead ends of earlier decodings of this row, refused here. */
    readonly avoid: readonly DeadEnd[] = [],
  ) {
    this.eos = new Set(eos);
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError('keep must be a positive integer');
  }

  /**
   * How the tokenizer spells each of the document's characters outside ASCII (alone and after a space): the
   * only byte sequences a summary may start a multi-byte character with.
   */
  private characterSpellings(): number[][] {
    this.spellings ??= [...this.continuation.doc.nonAscii].flatMap((ch) => [
      this.pieces.encode(ch),
      this.pieces.encode(` ${ch}`),
    ]);
    return this.spellings;
  }

  /** The tokens at the end of `generated` that spell a character not complete yet. */
  private incompleteTail(generated: readonly number[]): number[] {
    let k = generated.length;
    while (k > 0 && this.pieces.text(generated.slice(0, k)).endsWith('\uFFFD')) k--;
    return generated.slice(k);
  }

  /**
   * Whether token `id` may come next after the row's `generated` tokens, whose text is `ctx.text` and which
   * end in the bytes `pending` of a character not complete yet.
   */
  allows(ctx: StepContext, generated: readonly number[], pending: readonly number[], id: number): boolean {
    if (this.eos.has(id)) return pending.length === 0 && this.continuation.check(ctx, '', true) === null;
    let piece = this.pieces.piece(id);
    if (piece.length === 0) return false;
    if (pending.length > 0 || piece.includes('\uFFFD')) {
      // Bytes of a multi-byte character: they must spell the start of one of the document's characters.
      const seq = [...pending, id];
      const spelled = this.characterSpellings().some((s) => seq.every((t, i) => s[i] === t));
      const text = this.pieces.text([...generated, id]);
      if (!text.startsWith(ctx.text)) return false;
      piece = text.slice(ctx.text.length);
      if (piece.endsWith('\uFFFD')) return spelled && piece.replace(/\uFFFD+$/u, '').length === 0;
    }
    return this.continuation.check(ctx, piece) === null;
  }

  /** A dead end at the token that began the word starting at `wordStart` of the text. */
  private recordUnbound(generated: readonly number[], wordStart: number): void {
    let k = generated.length - 1;
    while (k > 0 && this.pieces.text(generated.slice(0, k)).length > wordStart) k--;
    if (k >= 0) this.deadEnds.push({ prefix: generated.slice(0, k), token: generated[k]! });
  }

  private recordDeadEnd(ctx: StepContext, generated: readonly number[]): void {
    const d = deadEndOf(this.pieces, ctx, generated);
    if (d) this.deadEnds.push(d);
  }

  process(logits: Float32Array, generated: readonly number[]): void {
    for (const d of this.avoid)
      if (d.prefix.length === generated.length && d.prefix.every((t, i) => t === generated[i]))
        logits[d.token] = -Infinity;
    const ctx = this.continuation.prepare(this.pieces.text(generated).replace(/\uFFFD+$/u, ''));
    const pending = this.incompleteTail(generated);
    const kept: number[] = [];
    let checked = 0;
    let unboundAt = -1; // where the word starts whose number the model wanted and the document binds otherwise
    for (const id of candidatesInOrder(logits)) {
      if (this.allows(ctx, generated, pending, id)) {
        if (unboundAt >= 0 && kept.length === 0 && !/^\s?\p{Nd}/u.test(this.pieces.piece(id))) {
          this.recordUnbound(generated, unboundAt);
          break;
        }
        kept.push(id);
      } else if (checked === 0 && !this.eos.has(id)) {
        unboundAt = this.continuation.unboundWordStart(ctx, this.pieces.piece(id));
      }
      if (kept.length >= this.keep || ++checked >= MAX_CHECKED) break;
    }
    if (kept.length === 0) {
      if (unboundAt < 0) this.recordDeadEnd(ctx, generated);
      for (const id of this.eos) kept.push(id);
    }
    const values = kept.map((id) => logits[id]!);
    logits.fill(-Infinity);
    kept.forEach((id, i) => (logits[id] = Number.isFinite(values[i]!) ? values[i]! : 0));
  }
}

/**
 * The token that began the term the row is stuck in (or its last token, when it is stuck between terms).
 */
function deadEndOf(pieces: PieceTable, ctx: StepContext, generated: readonly number[]): DeadEnd | null {
  if (generated.length === 0) return null;
  let k = generated.length - 1;
  if (ctx.tailStart < ctx.text.length)
    while (k > 0 && pieces.text(generated.slice(0, k)).length > ctx.tailStart) k--;
  return { prefix: generated.slice(0, k), token: generated[k]! };
}

/**
 * Token ids by descending logit (ties: lower id first), skipping -Infinity; lazily, widening a threshold
 * below the maximum so that usually only a few dozen tokens are ever sorted.
 */
export function* candidatesInOrder(logits: Float32Array): Generator<number> {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) return;
  let upper = Infinity;
  for (let margin = 2; ; margin *= 4) {
    const lower = max - margin;
    const batch: number[] = [];
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (v < upper && v >= lower && v > -Infinity) batch.push(i);
    }
    batch.sort((a, b) => logits[b]! - logits[a]! || a - b);
    yield* batch;
    if (!Number.isFinite(lower)) return;
    upper = lower;
    if (margin > 1e6) {
      // Whatever is left, in one go.
      const rest: number[] = [];
      for (let i = 0; i < logits.length; i++) if (logits[i]! < upper && logits[i]! > -Infinity) rest.push(i);
      rest.sort((a, b) => logits[b]! - logits[a]! || a - b);
      yield* rest;
      return;
    }
  }
}
