/**
 * Sentences the model wrote without believing them. Grounded decoding refuses the name or number the model
 * wanted, and the model then writes on from a word it did not choose; or it runs out of things to say at the
 * complete end and strings the document's words together. Such a sentence reads as nonsense ("Apache License,
 * License (AS-LICENSE) shall be granted to licensor providers.", "LS (L's list) command uses options with
 * sed.", "This text summarizes Louis' mom.") and its tokens are ones the model itself found unlikely: their
 * mean log-probability, from the logits before grounding changed them, is low. The manifest's
 * `decoding.unsureBelow` sets the level, measured per model (training/reports/unsure-sentences).
 */
import { wholeSentences } from './sentences';

/** A sentence's letters and digits in lower case: the same sentence after the last check's rewrites of case and spacing. */
export function sentenceKey(sentence: string): string {
  return sentence.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The keys (`sentenceKey`) of the sentences of the text of `tokens` whose tokens have a mean log-probability
 * (`logprobs`, one per token; NaN for a token the model did not choose, which does not count) below `floor`.
 * `decode` turns token ids into text as the summary's text was made.
 */
export function unsureSentences(
  tokens: readonly number[],
  logprobs: readonly number[],
  decode: (ids: readonly number[]) => string,
  floor: number,
): Set<string> {
  const unsure = new Set<string>();
  if (tokens.length === 0 || logprobs.length !== tokens.length) return unsure;
  const text = decode(tokens);
  // where each token's text ends; a prefix that ends inside a character decodes to a replacement character,
  // which the whole text has as its full character: the prefix's length is still where that token ends
  const ends = tokens.map((_, i) =>
    i + 1 === tokens.length ? text.length : decode(tokens.slice(0, i + 1)).length,
  );
  let from = 0;
  let token = 0;
  for (const sentence of wholeSentences(text)) {
    const start = text.indexOf(sentence, from);
    if (start < 0) continue;
    const end = start + sentence.length;
    from = end;
    let sum = 0;
    let counted = 0;
    for (; token < tokens.length && ends[token]! <= end; token++) {
      const lp = logprobs[token]!;
      if (ends[token]! > start && !Number.isNaN(lp)) {
        sum += lp;
        counted++;
      }
    }
    if (counted > 0 && sum / counted < floor) unsure.add(sentenceKey(sentence));
  }
  return unsure;
}

/** Whether `summary` has a sentence among `unsure` (keys of `unsureSentences`). */
export function hasUnsureSentence(summary: string, unsure: ReadonlySet<string>): boolean {
  return unsure.size > 0 && wholeSentences(summary).some((s) => unsure.has(sentenceKey(s)));
}

/** `summary` without its sentences among `unsure`, or '' when none is left. */
export function withoutUnsureSentences(summary: string, unsure: ReadonlySet<string>): string {
  return wholeSentences(summary)
    .filter((s) => !unsure.has(sentenceKey(s)))
    .join(' ');
}
