/**
 * The word rules the engine shares with the Python training code, read from `rules/`: the word tokenizer
 * and stemmer (`rules/words.json`), stopwords (`rules/stopwords.txt`), number words
 * (`rules/number-words.txt`) and words that say when (`rules/time-words.txt`). The estimates reproduce the training rewards on these rules, and grounded
 * decoding restricts the same number words; `rules/word-cases.json` holds golden cases both languages run.
 * The Python twin is `training/steer_train/rule_data.py` and `text_quality.py`.
 */
import wordRules from '../../rules/words.json';
import numberWordsText from '../../rules/number-words.txt';
import stopwordsText from '../../rules/stopwords.txt';
import timeWordsText from '../../rules/time-words.txt';

/** The non-blank lines of a rules file that are not `#` comments, trimmed. */
function ruleLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

type StemSuffix = readonly [suffix: string, replacement: string, minLength: number];

function stemSuffixes(rows: readonly (readonly (string | number)[])[]): StemSuffix[] {
  return rows.map((row) => {
    const [suffix, replacement, minLength] = row;
    if (typeof suffix !== 'string' || typeof replacement !== 'string' || typeof minLength !== 'number')
      throw new Error(
        `rules/words.json: a stem suffix must be [suffix, replacement, length], not ${String(row)}`,
      );
    return [suffix, replacement, minLength];
  });
}

const TOKEN_RE = new RegExp(wordRules.token, 'gu');
const STEM_SUFFIXES = stemSuffixes(wordRules.stemSuffixes);
const KEEP_FINAL_S: readonly string[] = wordRules.keepFinalS;
/** Shorter words are never content words (key terms, novelty). */
export const MIN_CONTENT_LENGTH: number = wordRules.minContentLength;

/** Words that say when ("tomorrow", "weekly"): grounding restricts them as it does numbers. */
export const TIME_WORDS: ReadonlySet<string> = new Set(ruleLines(timeWordsText));

/** Function words and chat filler, lower case. */
export const STOPWORDS: ReadonlySet<string> = new Set(ruleLines(stopwordsText));

const NUMBER_WORD_ROWS = ruleLines(numberWordsText).map((line) => line.split(/\s+/));

/** Every number word and its number as digits, an ordinal as its cardinal ("second" → "2"), as the rewards read them. */
export const NUMBER_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  NUMBER_WORD_ROWS.map(([word, digits]) => [word!, digits!.replace(/(?<=\d)(?:st|nd|rd|th)$/u, '')]),
);

/** The number words grounding restricts (not those marked "free"), ordinals as ordinals ("second" → "2nd"). */
export const RESTRICTED_NUMBER_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  NUMBER_WORD_ROWS.filter((row) => !row.slice(2).includes('free')).map(([word, digits]) => [word!, digits!]),
);

/** Word, number and speaker-tag tokens, case kept. */
export function tokens(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

/** The words of `text` as whitespace separates them, punctuation attached. */
export const whitespaceWords = (text: string): string[] => text.split(/\s+/u).filter((w) => w.length > 0);

/** How many tokens (words, numbers, speaker tags) `text` has: the length the concise reward measures. */
export function tokenCount(text: string): number {
  return tokens(text).length;
}

/** Python's `str.isdigit` on a token's first character, as far as the tokenizer's numbers go. */
export const startsWithDigit = (token: string): boolean => /^\p{Nd}/u.test(token);

/** Lengths in code points, as Python counts them. */
const length = (s: string): number => [...s].length;

/** A crude, consistent English stemmer (lower case; possessive, plural and common suffixes removed). */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'");
  if (w.endsWith("'s")) w = w.slice(0, -2);
  w = w.replace(/'+$/u, '');
  for (const [suffix, replacement, minLength] of STEM_SUFFIXES) {
    if (!w.endsWith(suffix) || length(w) < minLength) continue;
    if (suffix === 's' && KEEP_FINAL_S.some((end) => w.endsWith(end))) continue;
    w = w.slice(0, w.length - suffix.length) + replacement;
    break;
  }
  const chars = [...w];
  const last = chars[chars.length - 1] ?? '';
  if (chars.length > 4 && last === chars[chars.length - 2] && !'lsz'.includes(last)) chars.pop(); // running → run
  if (chars.length > 4 && chars[chars.length - 1] === 'e') chars.pop(); // make/making, agree/agreed
  return chars.join('');
}

/** Stems of the content words of `text`: neither stopwords, numbers, speaker tags nor shorter than the minimum. */
export function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const t of tokens(text)) {
    const low = t.toLowerCase();
    if (startsWithDigit(t) || t.startsWith('#') || STOPWORDS.has(low) || length(low) < MIN_CONTENT_LENGTH)
      continue;
    out.push(stem(low));
  }
  return out;
}
