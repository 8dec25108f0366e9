/**
 * Sentences as the training rewards cut them (the twin of `split_sentences` and `sentence_start_indices` in
 * training/steer_train/text_quality.py), so that the estimates score the same sentences and find the same
 * sentence-initial words; `rules/word-cases.json` holds golden cases both languages run.
 */
import { tokens, whitespaceWords } from './words';

const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof sr jr st vs etc e.g i.e fig figs eq eqs no nos al inc ltd co corp gen gov sen rep'.split(
    ' ',
  ),
);
/** A sentence ends at . ! ? (or …), optionally followed by closing quotes or brackets. */
const END_RE = /[.!?…]+["'”’)\]]*/gu;
/** Longer sentences (unpunctuated transcripts) are cut into chunks of about this many words. */
export const MAX_SENTENCE_WORDS = 60;

const isUpper = (ch: string): boolean => /^\p{Lu}$/u.test(ch);
const isDigit = (ch: string): boolean => /^\p{Nd}$/u.test(ch);

/** Whether the end of a sentence candidate at `m` in `line` (from `start`) really ends a sentence. */
function endsSentence(line: string, start: number, m: RegExpExecArray): boolean {
  const rest = line.slice(m.index + m[0].length);
  const next = rest.trimStart()[0];
  // The next sentence must start with an upper-case letter, digit, quote, bracket or speaker tag.
  if (next === undefined || !(isUpper(next) || isDigit(next) || `"'“‘(#[`.includes(next))) return false;
  if (m[0] !== '.') return true;
  const before = whitespaceWords(line.slice(start, m.index));
  const last = (before[before.length - 1] ?? '').toLowerCase().replace(/\.+$/u, '');
  if (ABBREVIATIONS.has(last) || (last.length === 1 && /\p{L}/u.test(last)) || last.includes('.'))
    return false; // "Mr. Smith", "U.S. officials"
  return rest.startsWith(' ') || isUpper(next) || `"'“‘`.includes(next); // not "3.5", "e.g.x"
}

/**
 * Sentences of `text`: lines, then sentence ends (also "end.Next" without a space). Abbreviations ("Mr.",
 * "e.g.") and decimals ("3.5") do not end sentences; pieces without a letter or digit are dropped; a longer
 * sentence than `maxWords` words is cut into chunks of about equal length.
 */
export function splitSentences(text: string, maxWords = MAX_SENTENCE_WORDS): string[] {
  const pieces: string[] = [];
  for (const rawLine of text.split(/\n+/u)) {
    const line = rawLine.trim();
    let start = 0;
    for (const m of line.matchAll(END_RE)) {
      if (!endsSentence(line, start, m)) continue;
      const end = m.index + m[0].length;
      pieces.push(line.slice(start, end).trim());
      start = end;
    }
    pieces.push(line.slice(start).trim());
  }
  const out: string[] = [];
  for (const s of pieces) {
    if (!/[\p{L}\p{N}]/u.test(s)) continue;
    const words = whitespaceWords(s);
    const size = Math.ceil(words.length / Math.ceil(words.length / maxWords));
    if (words.length <= maxWords) out.push(s);
    else for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(' '));
  }
  return out;
}

/**
 * A summary's sentences as the last check drops them: whole, however long (a rule that drops a sentence must
 * drop all of it), and an abbreviation does not end one ("Mr. David Hill ..." is one sentence, not "Mr.").
 */
export function wholeSentences(text: string): string[] {
  return splitSentences(text.trim(), Number.MAX_SAFE_INTEGER);
}

/** Tokens of `text` and the indices of those that start a sentence, a clause after a colon, or a quotation. */
export function sentenceStarts(text: string): { tokens: string[]; starts: Set<number> } {
  const toks: string[] = [];
  const starts = new Set<number>();
  for (const sentence of splitSentences(text, 10_000)) {
    for (const part of sentence.split(/(?<=:)\s+|["“]/u)) {
      const ts = tokens(part);
      if (ts.length > 0) starts.add(toks.length);
      toks.push(...ts);
    }
  }
  return { tokens: toks, starts };
}
