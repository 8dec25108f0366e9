/**
 * A number keeps the word it is bound to. Grounding alone lets a summary write any of the document's
 * numbers anywhere: "The farm will cost 15 million euros" passes when the document says "the farm will cost
 * 38 million euros, of which 15 million comes from a national climate fund". Here a number's word is the
 * nearest content word among the two terms before it, in the same clause ("cost" in "will cost 15", "add" in
 * "add another 20"). Where the document binds that word to numbers, the summary may bind it only to one of
 * them; where the document never puts a number right after it ("has", "power"), the summary is free.
 *
 * A word right after a number is that number's unit ("euros" in "250 euros and 1,900 people"), not the next
 * number's word, and a number ends the search, so lists and ranges stay free. Words are compared by stem
 * ("costs" binds as "cost"). A number is a term that starts with a digit ("38", "1,200", "3.9-3.12", "2nd");
 * it matches the document's as written, without thousands separators, or as one of the parts of a range
 * ("3.9" of "3.9-3.12"). Number words are left to the term rules.
 *
 * Twin: `training/steer_train/grounding/number_binding.py`; golden cases in `rules/grounding-cases.json`.
 */
import { withoutTrailingJoiners, type Term } from './terms';
import { MIN_CONTENT_LENGTH, STOPWORDS, stem } from '../words';

/** How many terms before a number its word may stand ("cost 38", "cost about 38"). */
export const NUMBER_REACH = 2;
/** Punctuation between two terms that ends a clause: a number is not bound across it. */
const CLAUSE_BREAK = /[.!?;:\n()]/u;
const WORD = /^\p{L}+(?:['’-]\p{L}+)*$/u;

const startsWithDigit = (t: string): boolean => /^\p{Nd}/u.test(t);

function isContentWord(term: string): boolean {
  const low = term.toLowerCase();
  return WORD.test(term) && !STOPWORDS.has(low) && [...low].length >= MIN_CONTENT_LENGTH;
}

/** The forms a number is matched in: as written (lower case), without thousands separators, and the parts of a range. */
function numberForms(n: string): string[] {
  const low = n.toLowerCase();
  const plain = /^\p{Nd}{1,3}(?:,\p{Nd}{3})+(?:\.\p{Nd}+)?$/u.test(low) ? low.replace(/,/g, '') : low;
  const parts = low.split(/[-/]/u).filter((p) => startsWithDigit(p));
  return [...new Set([low, plain, ...(parts.length > 1 ? parts : [])])];
}

/** Whether a clause break stands between `terms[j]` and the term after it. */
function breakAfter(text: string, terms: readonly Term[], j: number): boolean {
  return CLAUSE_BREAK.test(text.slice(terms[j]!.end, terms[j + 1]!.start));
}

/**
 * Adverbs in -ly say how, not what was counted: "improved 1% sequentially to $142 million" binds 142 to
 * "sequentially" (a summary's "1% sequentially to $15 million" is refused where the document never writes so).
 * These nouns in -ly are units all the same.
 */
const ADVERB = /^\p{Ll}{4,}ly$/u;
const NOUNS_IN_LY: ReadonlySet<string> = new Set([
  'family',
  'supply',
  'assembly',
  'anomaly',
  'monopoly',
  'butterfly',
]);

/** Whether `terms[j]` is a unit: a number stands among the two terms before it, in its clause, and it is no adverb. */
function isUnit(text: string, terms: readonly Term[], j: number): boolean {
  const t = terms[j]!.text;
  if (ADVERB.test(t) && !NOUNS_IN_LY.has(t)) return false;
  for (let k = j - 1; k >= Math.max(0, j - 2); k--) {
    if (breakAfter(text, terms, k)) return false;
    if (startsWithDigit(terms[k]!.text)) return true;
  }
  return false;
}

/** The words that may bind the number `terms[i]`, nearest first. */
function bindingTerms(text: string, terms: readonly Term[], i: number): Term[] {
  const out: Term[] = [];
  for (let j = i - 1; j >= Math.max(0, i - NUMBER_REACH); j--) {
    if (breakAfter(text, terms, j)) break;
    const t = terms[j]!.text;
    if (startsWithDigit(t)) break;
    if (!isContentWord(t)) continue;
    if (isUnit(text, terms, j)) break;
    out.push(terms[j]!);
  }
  return out;
}

/** For each word stem, the numbers the document writes right after it (all their forms, sorted). */
export class NumberBindings {
  private readonly bound = new Map<string, string[]>();

  /** `terms`: the document's terms (terms.ts `termsOf`). */
  constructor(document: string, terms: readonly Term[]) {
    const bound = new Map<string, Set<string>>();
    terms.forEach((t, i) => {
      if (!startsWithDigit(t.text)) return;
      for (const w of bindingTerms(document, terms, i)) {
        const numbers = bound.get(stem(w.text)) ?? new Set<string>();
        numberForms(t.text).forEach((f) => numbers.add(f));
        bound.set(stem(w.text), numbers);
      }
    });
    for (const [k, v] of bound) this.bound.set(k, [...v].sort());
  }

  /**
   * Whether the number `terms[i]` of `text` (finished, or still being written) keeps its word: its word is
   * bound to no number in the document, or to this one.
   */
  allows(text: string, terms: readonly Term[], i: number, finished: boolean): boolean {
    return this.refusal(text, terms, i, finished) === null;
  }

  /** The word that the number `terms[i]` of `text` does not keep (see `allows`), or null. */
  refusal(text: string, terms: readonly Term[], i: number, finished: boolean): Term | null {
    const n = terms[i]!.text.toLowerCase();
    if (!startsWithDigit(n)) return null;
    const word = bindingTerms(text, terms, i)[0];
    const numbers = word === undefined ? undefined : this.bound.get(stem(word.text));
    if (numbers === undefined) return null;
    const whole = (m: string): boolean => numberForms(m).some((f) => numbers.includes(f));
    // still being written, it may go on into a bound number, or end at a joiner ("250." ends a sentence)
    const kept = finished
      ? whole(n)
      : numbers.some((f) => f.startsWith(n)) || whole(withoutTrailingJoiners(n));
    return kept ? null : word!;
  }
}
