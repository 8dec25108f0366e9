/**
 * Prompt-lookup drafts (Saxena 2023; transformers' `prompt_lookup_num_tokens`, llama.cpp's lookup decoding):
 * a summary copies runs of its document's tokens, so the tokens that followed the summary's last few tokens
 * in the document are a good guess at what comes next. The generator checks such a draft in one forward
 * pass (logits for every drafted position) and keeps the drafted tokens that greedy decoding, with every
 * processor, would have chosen anyway: the output is greedy decoding's, only fewer runs of the graph make it.
 */

export interface DraftOptions {
  /** Longest n-gram of the sequence's end looked up in the source; shorter ones are tried after it. */
  maxNgram: number;
  /** Shortest n-gram looked up: a single token matches too often to be a good guess. */
  minNgram: number;
  /** Most tokens drafted at once. */
  maxDraft: number;
  /** Tokens drafted at first; then 2 more after a draft accepted whole, 1 fewer after a miss (at least 1). */
  firstDraft: number;
}

/**
 * A run of n tokens after the cache costs about (1 + 0.1·(n − 1)) runs of one on 2 CPU threads (20 ms, and
 * 2 ms per extra token: bench/prompt-lookup.md), so a draft pays when a tenth of its tokens are accepted;
 * the draft's length follows how well the last drafts went (as transformers' assisted generation does), so
 * a summary that stops copying wastes little.
 */
export const DEFAULT_DRAFT: DraftOptions = { maxNgram: 3, minNgram: 2, maxDraft: 8, firstDraft: 4 };

export class PromptLookup {
  private length: number;

  constructor(
    /** The tokens a continuation is looked up in (the document). */
    private readonly source: readonly number[],
    readonly options: DraftOptions = DEFAULT_DRAFT,
  ) {
    const { maxNgram, minNgram, maxDraft } = options;
    if (!(Number.isInteger(minNgram) && minNgram >= 1 && maxNgram >= minNgram && maxDraft >= 1))
      throw new RangeError('a draft needs 1 ≤ minNgram ≤ maxNgram and maxDraft ≥ 1');
    this.length = Math.max(1, Math.min(options.firstDraft, maxDraft));
  }

  /** How many of the last draft's tokens greedy decoding chose: sets the next draft's length. */
  feedback(drafted: number, accepted: number): void {
    this.length =
      accepted >= drafted ? Math.min(this.length + 2, this.options.maxDraft) : Math.max(1, this.length - 1);
  }

  /**
   * Up to `limit` tokens that followed the longest n-gram ending `sequence` where it first occurs in the
   * source, or else earlier in `sequence` itself; none when it occurs nowhere.
   */
  draft(sequence: readonly number[], limit = this.options.maxDraft): number[] {
    const count = Math.min(limit, this.length);
    if (count <= 0) return [];
    for (let n = Math.min(this.options.maxNgram, sequence.length); n >= this.options.minNgram; n--) {
      const tail = sequence.slice(sequence.length - n);
      const inSource = followerOf(this.source, tail, count);
      if (inSource.length > 0) return inSource;
      // earlier in the sequence (a name written again)
      const inSequence = followerOf(sequence, tail, count);
      if (inSequence.length > 0) return inSequence;
    }
    return [];
  }
}

/**
 * The tokens after the first occurrence of `tail` in `tokens` that has a token after it (so `tail` at the
 * very end of `tokens`, the sequence's own end, is no match).
 */
function followerOf(tokens: readonly number[], tail: readonly number[], count: number): number[] {
  const n = tail.length;
  for (let at = 0; at + n < tokens.length; at++) {
    let same = true;
    for (let i = 0; i < n && same; i++) same = tokens[at + i] === tail[i];
    if (same) return tokens.slice(at + n, at + n + count);
  }
  return [];
}
