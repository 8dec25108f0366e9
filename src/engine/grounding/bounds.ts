/**
 * Bounds on a number: a summary that writes "at most 8" or "at least 8" states a limit, and the document must
 * state the same one. `steer summarize src/engine/batch-probe.ts` gave "A run takes at most 8 tokens." of code
 * that makes 8 the least a run takes ("a multiple of 8 in [8, max]"); its "at most" belongs to `targetMs`.
 * Only the phrases that state a limit exactly are judged; "up to", "over" and "more than" are left be, as a
 * summary may round ("up to 6,000 homes" of "about 6,000 homes").
 */
import { normalizeNumber } from './terms';

export type Bound = 'at most' | 'at least';

const PHRASES: ReadonlyArray<[RegExp, Bound]> = [
  [/\b(?:at most|no more than|not more than|a maximum of|maximum of)$/iu, 'at most'],
  [
    /\b(?:at least|no less than|not less than|no fewer than|not fewer than|a minimum of|minimum of)$/iu,
    'at least',
  ],
];

/** A number written with digits ("8", "1,200", "3.5"), not a part of a longer term. */
const NUMBER = /(?<![\p{L}\p{N}.,])\d[\d,]*(?:\.\d+)?(?![\p{L}\p{N}])/gu;

/** Each number of `text` with the bounds written right before it, by the number's plain form. */
export function quantityBounds(text: string): Map<string, Set<Bound>> {
  const out = new Map<string, Set<Bound>>();
  for (const m of text.matchAll(NUMBER)) {
    const before = text.slice(Math.max(0, m.index - 24), m.index).trimEnd();
    for (const [phrase, bound] of PHRASES)
      if (phrase.test(before)) {
        const n = normalizeNumber(m[0]);
        out.set(n, (out.get(n) ?? new Set()).add(bound));
      }
  }
  return out;
}

/** Whether `text` puts a bound on a number that the document does not put on it. */
export function misstatesBound(text: string, document: ReadonlyMap<string, ReadonlySet<Bound>>): boolean {
  for (const [n, bounds] of quantityBounds(text))
    if ([...bounds].some((b) => !document.get(n)?.has(b))) return true;
  return false;
}
