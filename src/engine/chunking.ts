/**
 * Token-aware splitting of a long document into overlapping chunks that each fit the model's context.
 * Splits at sentence boundaries (words, then characters, for sentences that are too long on their own);
 * a chunk is a contiguous slice of the original text.
 */

export type TokenCounter = (text: string) => number;

export interface ChunkOptions {
  /** Most tokens in one chunk. */
  maxTokens: number;
  /** Tokens of the previous chunk repeated at the start of the next (at sentence granularity). */
  overlapTokens: number;
}

interface Unit {
  text: string;
  tokens: number;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function sentences(text: string): string[] {
  return Array.from(sentenceSegmenter.segment(text), (s) => s.segment);
}

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

/** Splits a piece that is too long by characters, proportionally to its token count. */
function byCharacters(text: string, count: TokenCounter, maxTokens: number): Unit[] {
  const out: Unit[] = [];
  let rest = text;
  while (rest.length > 0) {
    const tokens = count(rest);
    if (tokens <= maxTokens) {
      out.push({ text: rest, tokens });
      break;
    }
    let len = Math.max(1, Math.floor((rest.length * maxTokens) / tokens));
    // Do not cut a surrogate pair.
    if (len < rest.length && /[\uDC00-\uDFFF]/.test(rest[len]!)) len--;
    while (len > 1 && count(rest.slice(0, len)) > maxTokens) len = Math.max(1, Math.floor(len * 0.8));
    out.push({ text: rest.slice(0, len), tokens: count(rest.slice(0, len)) });
    rest = rest.slice(len);
  }
  return out;
}

/** Sentence units, each at most `maxTokens` tokens. */
export function units(text: string, count: TokenCounter, maxTokens: number): Unit[] {
  const out: Unit[] = [];
  for (const s of sentences(text)) {
    const t = count(s);
    if (t <= maxTokens) {
      out.push({ text: s, tokens: t });
      continue;
    }
    for (const w of words(s)) {
      const wt = count(w);
      if (wt <= maxTokens) out.push({ text: w, tokens: wt });
      else out.push(...byCharacters(w, count, maxTokens));
    }
  }
  return out;
}

/**
 * Splits `text` into chunks of at most `maxTokens` tokens (as counted by `count` on each chunk), with
 * about `overlapTokens` tokens of overlap. A text that fits is returned whole.
 */
export function splitIntoChunks(text: string, count: TokenCounter, options: ChunkOptions): string[] {
  const { maxTokens } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1)
    throw new RangeError('maxTokens must be a positive integer');
  const overlap = Math.max(0, Math.min(options.overlapTokens, Math.floor(maxTokens / 2)));
  if (count(text) <= maxTokens) return [text];

  const all = units(text, count, maxTokens);
  const chunks: string[] = [];
  let start = 0;
  while (start < all.length) {
    let end = start;
    let tokens = 0;
    while (end < all.length && tokens + all[end]!.tokens <= maxTokens) {
      tokens += all[end]!.tokens;
      end++;
    }
    if (end === start) end = start + 1;
    // Token counts of units need not add up exactly; shrink until the joined text fits.
    let chunk = all
      .slice(start, end)
      .map((u) => u.text)
      .join('');
    while (end - start > 1 && count(chunk) > maxTokens) {
      end--;
      chunk = all
        .slice(start, end)
        .map((u) => u.text)
        .join('');
    }
    chunks.push(chunk);
    if (end >= all.length) break;
    // Step back over whole units to overlap with the chunk just made, always moving forward.
    let back = end;
    let overlapTokens = 0;
    while (back - 1 > start && overlapTokens + all[back - 1]!.tokens <= overlap) {
      back--;
      overlapTokens += all[back]!.tokens;
    }
    start = back;
  }
  return chunks.map((c) => c.trim()).filter((c) => c.length > 0);
}
