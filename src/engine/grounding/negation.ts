/**
 * A summary that states what the document only ever denies. Grounded decoding keeps every word inside the
 * document, but not the "not" in front of it: "Diana says it's expensive too." of a chat that says "It's not
 * that expensive either", "Self-normalization models compute the partition function." of an abstract about
 * models that work "without having to compute the partition function", "Professor Burman's course is
 * challenging." of a student who "didn't find it challenging enough". A lower-case word the document writes
 * only after a negation (within `WINDOW` words of the same clause) is one the summary may use only under a
 * negation of its own; a sentence that uses it without any is dropped by the last check. Names are not
 * judged: a negation denies what is said of them, not them ("were no match for Benita Johnson"). Twin of
 * training/steer_train/grounding/negation.py; both run the golden cases in rules/negation-cases.json.
 */
import { wholeSentences } from '../sentences';
import { STOPWORDS } from '../words';

/** Words before a word, within its clause, where a negation turns it round ("was not planning to change"). */
const WINDOW = 3;
/** Shorter words (and stopwords) are never judged: "is", "has", "can". */
const MIN_LENGTH = 4;

/** Words that deny what follows them (contractions in n't too); the restatement rule counts them as well. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'no',
  'not',
  'never',
  'without',
  'nor',
  'neither',
  'cannot',
]);
/** Words that deny their whole clause when they open it ("Nothing is ever sent over a network."). */
const CLAUSE_NEGATORS = new Set(['nothing', 'nobody', 'never', 'neither', 'no']);
/** Negations that do not deny what follows them ("not only the salaries", "with and without a chosen attribute"). */
const NOT_DENYING =
  /(?<![\p{L}\p{N}_])(?:not\s+(?:only|just|necessarily)|with\s+(?:and|or)\s+without|no\s+matter)(?![\p{L}\p{N}_])/giu;
/** Where a clause ends: a negation before it does not reach the words after it. */
const CLAUSE_END = /[.,;:!?()[\]{}"“”\n]+/u;
const WORD = /\p{L}[\p{L}\p{N}_'’-]*/gu;

const isNegator = (word: string): boolean => NEGATORS.has(word.toLowerCase()) || /n['’]t$/iu.test(word);
/** Lower-case content words, as written: a name or a sentence's first word is not judged. */
const judged = (word: string): boolean =>
  /^\p{Ll}/u.test(word) && [...word].length >= MIN_LENGTH && !STOPWORDS.has(word) && !isNegator(word);

function clauses(text: string): string[][] {
  return text
    .replace(NOT_DENYING, ' , ')
    .split(CLAUSE_END)
    .map((clause) => clause.match(WORD) ?? []);
}

/** The lower-case words a document writes only after a negation. */
export function deniedWords(document: string): Set<string> {
  const denied = new Set<string>();
  const affirmed = new Set<string>();
  for (const words of clauses(document)) {
    const wholeClause = CLAUSE_NEGATORS.has(words[0]?.toLowerCase() ?? '');
    words.forEach((w, i) => {
      if (!judged(w)) return;
      const negated = wholeClause || words.slice(Math.max(0, i - WINDOW), i).some(isNegator);
      (negated ? denied : affirmed).add(w);
    });
  }
  for (const w of affirmed) denied.delete(w);
  return denied;
}

/** The word of `sentence` that states what the document only denies, when the sentence negates nothing itself. */
export function affirmsDenied(sentence: string, denied: ReadonlySet<string>): string | null {
  const words = sentence.match(WORD) ?? [];
  if (words.some(isNegator)) return null;
  return words.find((w) => judged(w) && denied.has(w)) ?? null;
}

/** The words with which the sentences of `summary` state what the document only denies (empty when none). */
export function affirmedDenials(summary: string, denied: ReadonlySet<string>): string[] {
  return wholeSentences(summary).flatMap((s) => {
    const word = affirmsDenied(s, denied);
    return word === null ? [] : [word];
  });
}

/** `summary` without the sentences that state what the document only denies, or '' when none is left. */
export function withoutAffirmedDenials(summary: string, denied: ReadonlySet<string>): string {
  return wholeSentences(summary)
    .filter((s) => affirmsDenied(s, denied) === null)
    .join(' ');
}
