/**
 * The last check before a summary is shown: an output that is empty, looping or markup only is never shown
 * as it is. The rules are those of the training's `text_quality.degeneracy` ("empty", "looping"); the
 * engine's last check (last-check.ts) adds rules of its own, such as a sentence that runs on (`runsOn`).
 */
import { ABBREVIATIONS, endsSentence } from './continuation';
import { INITIALISM, termsOf, type DocumentTerms } from './terms';
import { STOPWORDS, tokens } from '../words';

export type Unusable =
  | 'empty'
  | 'looping'
  | 'markup'
  | 'unfinished'
  | 'list'
  | 'transcript'
  | 'misstated'
  | 'runon'
  | 'fragment'
  | 'unsupported'
  | 'misrelated'
  | 'denied'
  | 'vacuous'
  | 'speech'
  | 'voice'
  | 'novel'
  | 'unsure';

/**
 * Words a finished sentence or title never ends with: articles, prepositions, conjunctions, auxiliaries.
 * A summary ending in one stopped mid-clause ("The package can be installed with").
 */
const DANGLING = new Set(
  'a an the and or but nor of to in on at by for with from into as than that which who whose whom its their our your his her this these those is are was were be been being has have had will would can could should may might must not'.split(
    ' ',
  ),
);

const MIN_WORDS = 3;
/**
 * Source code written as a summary: a declaration with its parameter list, an import, an export, an
 * assignment, a signature, or a summary that opens with a keyword or decorator as code does. Prose about code
 * ("This function returns True ...") is not code: an English keyword only counts with the syntax that
 * follows it in code; `def` is not English.
 */
const CODE =
  /\b(async function|function \w* ?\(|import \w+ from|from [\w.]+ import \w|export (default|const|function|class)|(const|let|var) \w+ =|def \w+|class \w+ extends)|\w+ ?\((\w+, )+\w+\)|^\s*(@\w|(function|import|return|const|let|var|fn|func|pub|public|private)\b)/u;
const MIN_LETTER_FRACTION = 0.5;
/** A list of words, not sentences: this many comma-separated items or more, of at most two words each on average. */
const LIST_ITEMS = 6;
const LIST_ITEM_WORDS = 2;
const LOOP_REPEATED_TRIGRAMS = 0.5;
/**
 * Two sentences of at least this many words whose smaller word set is mostly in the other say one thing
 * twice in other words ("Splits a piece that fits by tokens. Splits a piece that matches by tokens."), unless
 * the later one has more than `maxRatio` times the words of the earlier: then it goes on to say more than it
 * repeats ("She wrote science fiction novels. Annabella C. Flowers was author of a list of science fiction
 * novels, but she packed her carpet bag and hopped a liner for Craterville."). A short sentence after a long
 * one it repeats is still a loop ("Blinker provides a fast dispatching system that allows ... Blinker
 * provides a quick dispatching system.").
 */
const NEAR_DUPLICATE = { minWords: 5, share: 0.8, maxRatio: 2 } as const;
/**
 * Words English doubles on purpose ("had had", "that that", "very very"); two other words of three letters or
 * more each written twice in a row ("provide provide define define") are a model stuttering. Numbers and
 * short words are left out: scores ("6-3 6-3") and initials double in ordinary text.
 */
const INTENDED_DOUBLES = new Set(['had', 'that', 'was', 'very', 'really', 'bye']);
const STUTTERED_WORDS = 2;
/** A word written twice with only spaces between ("Saylor. Saylor" and "start: start" are not doubles). */
const DOUBLED_WORD = /(?<![\p{L}\p{N}])(\p{L}{3,})\s+\1(?![\p{L}\p{N}])/giu;
/**
 * A list that repeats one word with something else between ("sed - neu, sed - m, sed - r, sed - t, sed - n,
 * ..." of a shell script): a word that is no stopword, every 2 to 4 words, this many times running. No
 * reference summary of the evaluation sets does it in prose (what does is a signature, "Tensor input, Tensor
 * weight, ..."); "Python 3.9, Python 3.10 and Python 3.11" stops at three.
 */
const STRIDED_TIMES = 5;
const STRIDES = [2, 3, 4] as const;
/**
 * A list that names someone twice ("Grad G, Grad C, Undergrad D, Grad G, Grad B ..." of a meeting; "Arsen
 * Kitch, ..., Mike Murphy, Chief Financial Officer, and Mike Murphy, chief financial officer ..." of an
 * earnings call): among at least three items that are names, one comes back. 6 of 11,029 summaries of this
 * project's evaluation runs.
 */
const MIN_LIST_NAMES = 3;
/** A word of a name: capitalised, or a speaker tag ("#Person1#"). */
const NAME_WORD = /^[#\p{Lu}][\p{L}\p{N}#'’.-]*$/u;

function namesListedTwice(text: string): boolean {
  // a sentence also ends at a full stop glued to the next one's capital ("... to win.Dudek, Finnan, ...")
  for (const sentence of text.split(/(?<=[.!?])\s+|(?<=\p{Ll}[.!?])(?=\p{Lu})/u)) {
    const names = sentence
      .split(/,|\band\b/u)
      .map((item) => item.trim())
      .filter((item) => {
        const ws = item.split(/\s+/u);
        // a name's first word has two letters at least: "(B, T, H, D)" lists no names
        return [...ws[0]!].length >= 2 && ws.length <= 3 && ws.every((w) => NAME_WORD.test(w));
      });
    if (names.length >= MIN_LIST_NAMES && new Set(names).size < names.length) return true;
  }
  return false;
}

/** Lower-case tokens as training's `text_quality.words` counts them (rules/words.json: "Q1" is two, "q" and "1"). */
function words(text: string): string[] {
  return tokens(text).map((t) => t.toLowerCase());
}

/** Whether `ws[i]`, a content word, comes back every `p` words STRIDED_TIMES times from `i`. */
function stridedRun(ws: readonly string[], i: number, p: number): boolean {
  const w = ws[i]!;
  if (!/^\p{L}{2,}$/u.test(w) || STOPWORDS.has(w)) return false;
  for (let k = 1; k < STRIDED_TIMES; k++) if (ws[i + k * p] !== w) return false;
  return true;
}

function sameRun(ws: readonly string[], i: number, p: number): boolean {
  for (let j = 0; j < p; j++)
    if (ws[i + j] !== ws[i + p + j] || ws[i + j] !== ws[i + 2 * p + j]) return false;
  return true;
}

/** A run-on "sentence" longer than this is cut into even chunks, so one that says a thing twice is caught. */
const MAX_SENTENCE_WORDS = 60;

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/u)
    .flatMap((s) => evenChunks(s.trim().split(/\s+/u), MAX_SENTENCE_WORDS))
    .map((chunk) => words(chunk.join(' ')))
    .filter((ws) => ws.length >= 4)
    .map((ws) => ws.join(' '));
}

function evenChunks(ws: string[], max: number): string[][] {
  if (ws.length <= max) return [ws];
  const size = Math.ceil(ws.length / Math.ceil(ws.length / max));
  const out: string[][] = [];
  for (let i = 0; i < ws.length; i += size) out.push(ws.slice(i, i + size));
  return out;
}

function saysTwice(sents: readonly string[]): boolean {
  const sets = sents.map((s) => new Set(s.split(' '))).filter((set) => set.size >= NEAR_DUPLICATE.minWords);
  for (let i = 0; i < sets.length; i++)
    for (let j = i + 1; j < sets.length; j++) {
      if (sets[j]!.size > NEAR_DUPLICATE.maxRatio * sets[i]!.size) continue;
      const [a, b] = sets[i]!.size <= sets[j]!.size ? [sets[i]!, sets[j]!] : [sets[j]!, sets[i]!];
      const shared = [...a].filter((w) => b.has(w)).length;
      if (shared >= NEAR_DUPLICATE.share * a.size) return true;
    }
  return false;
}

/**
 * Whether the words repeat: a word or phrase of up to 6 words three times in a row, one word every 2 to 4
 * words five times running, a name twice in one list, two words each twice in a row, a sentence twice (also
 * in other words), mostly recycled 3-grams. The twin of training's `text_quality._is_looping`.
 */
export function isLooping(text: string): boolean {
  const ws = words(text);
  const n = ws.length;
  for (let p = 1; p <= 6; p++) for (let i = 0; i + 3 * p <= n; i++) if (sameRun(ws, i, p)) return true;
  for (const p of STRIDES)
    for (let i = 0; i + (STRIDED_TIMES - 1) * p < n; i++) if (stridedRun(ws, i, p)) return true;
  const doubled = new Set(
    [...text.matchAll(DOUBLED_WORD)].map((m) => m[1]!.toLowerCase()).filter((w) => !INTENDED_DOUBLES.has(w)),
  );
  if (doubled.size >= STUTTERED_WORDS || namesListedTwice(text)) return true;
  const sents = sentences(text);
  if (new Set(sents).size < sents.length || saysTwice(sents)) return true;
  if (n >= 12) {
    const tri = ws.slice(0, n - 2).map((w, i) => `${w} ${ws[i + 1]} ${ws[i + 2]}`);
    if ((tri.length - new Set(tri).size) / tri.length > LOOP_REPEATED_TRIGRAMS) return true;
  }
  return false;
}

/** The sentences of a summary as written, split after . ! ? (and a closing quote or bracket). */
export function sentenceSpans(text: string): string[] {
  return text.split(/(?<=[.!?]["'’”)]*)\s+/u);
}

/**
 * `text`'s sentences before the first that is `faulty`, or '' when the first one is; an initial's or an
 * abbreviation's full stop ends no sentence ("Annabella C." is never what is left).
 */
export function beforeFirstSentence(text: string, faulty: (sentence: string) => boolean): string {
  const kept: string[] = [];
  for (const sentence of sentencesAfterAbbreviations(text)) {
    if (faulty(sentence)) break;
    kept.push(sentence);
  }
  return kept.join(' ');
}

/**
 * A looping summary cut before its first sentence that repeats what came before ("... It starts with a stack
 * of training examples. It loads the per-objective deltas. It starts training with a stack." keeps the first
 * three sentences), or '' when the first sentence loops already. A full stop after an initial or an
 * abbreviation ends no sentence here: cut there, "... She wrote science fiction novels. Annabella C. Flowers
 * was author of ..." kept "Annabella C." as its last sentence.
 */
export function beforeFirstRepeat(text: string): string {
  const spans = sentencesAfterAbbreviations(text);
  let kept = '';
  for (const span of spans) {
    const next = kept === '' ? span : `${kept} ${span}`;
    if (isLooping(next)) return kept;
    kept = next;
  }
  return kept;
}

/** Where a clause may end: a semicolon, a dash, or a comma before a coordinating word (", and Kristin"). */
const CLAUSE_BOUNDARY = /\s*(?:;|\s[—–-]\s|,\s+(?:and|but|or|so|while|whereas|which|as)\b)/gu;
/** Words a clause ends with that leave it saying something else than was meant ("The board did not"). */
const NEGATING = new Set(['not', 'no', 'never', 'nor', 'without', 'cannot']);
const MIN_CLAUSE_WORDS = 5;

/**
 * A fragment that stopped mid-sentence ("This code generates a stack of responses per row; with a") ended at
 * its last whole clause ("This code generates a stack of responses per row."), or '' when it has none of
 * MIN_CLAUSE_WORDS words. Only before a semicolon, a dash or a comma and a coordinating word: a clause cut at
 * any comma may say the opposite of its sentence.
 */
export function beforeLastClause(text: string): string {
  const ends = [...text.matchAll(CLAUSE_BOUNDARY)].map((m) => m.index);
  for (let k = ends.length - 1; k >= 0; k--) {
    const clause = text.slice(0, ends[k]).trim();
    const ws = words(clause);
    const last = ws.at(-1) ?? '';
    if (ws.length < MIN_CLAUSE_WORDS) return '';
    if (DANGLING.has(last) || NEGATING.has(last)) continue;
    return endsSentence(clause) ? clause : `${clause.replace(/[,:]$/u, '')}.`;
  }
  return '';
}

/**
 * Whether a sentence after the first opens with a lower-case closed-class word ("It uses subprocess. and
 * ..."); a full stop after an abbreviation, an initial or a dotted word ("the U.S. and China") ends none.
 */
function opensSentenceMidClause(text: string): boolean {
  for (const m of text.matchAll(/([\p{L}\p{N}_.]*)[.!?]["'’”)]*\s+([a-z]+)\b/gu)) {
    const before = m[1]!.toLowerCase();
    const notAnEnd = ABBREVIATIONS.has(before) || before.length <= 1 || before.includes('.');
    if (!notAnEnd && DANGLING.has(m[2]!)) return true;
  }
  return false;
}

/** Whether `text` is mostly a comma-separated list of names ("src, engine, src, editor, cutter, ..."). */
export function isWordList(text: string): boolean {
  const items = text.split(/[,;]/u).map((item) => words(item).length);
  return items.length >= LIST_ITEMS && items.reduce((a, b) => a + b, 0) <= LIST_ITEM_WORDS * items.length;
}

/** Why `summary` must not be shown as it is (markup includes broken characters and punctuation runs), or null. */
export function unusable(summary: string): Unusable | null {
  const text = summary.trim();
  if (/```|^#+\s|^\s*[-*+]\s|\uFFFD|[^\p{L}\p{N}\s"'’”“‘]{3}/mu.test(text) || CODE.test(text))
    return 'markup';
  const visible = [...text].filter((ch) => !/\s/u.test(ch));
  const letters = visible.filter((ch) => /\p{L}/u.test(ch)).length;
  // fewer than three words, or only a preamble ("Here's a summary of the text:")
  if (words(text).length < MIN_WORDS || /:\s*$/u.test(text)) return 'empty';
  if (letters < MIN_LETTER_FRACTION * visible.length) return 'markup';
  if (isLooping(text)) return 'looping';
  if (DANGLING.has(words(text).at(-1) ?? '') && !endsSentence(text)) return 'unfinished';
  if (opensSentenceMidClause(text)) return 'unfinished';
  if (isWordList(text)) return 'list';
  return null;
}

/** What to tell the user when no attempt gave a usable summary. */
export function unusableMessage(reason: Unusable): string {
  const what = {
    empty: 'it wrote nothing usable',
    looping: 'it kept repeating itself',
    markup: 'it wrote markup instead of prose',
    unfinished: 'it left its sentence unfinished',
    list: 'it listed words instead of writing sentences',
    transcript: "it copied the conversation's turns instead of summarizing them",
    misstated: 'it gave a number of the text another unit or limit than the text does',
    runon: 'it wrote one endless sentence',
    fragment: 'it wrote a name or an identifier as a sentence',
    unsupported: 'it named something the text does not',
    misrelated: 'it tied names and facts together that the text keeps apart',
    denied: 'it stated what the text says is not so',
    vacuous: 'it wrote about itself instead of the text',
    novel: 'it said things in words the text does not use',
    unsure: 'it was unsure of every sentence it wrote',
    speech: "it copied the text's questions or exclamations instead of reporting them",
    voice: 'it spoke as someone in the conversation instead of reporting what they said',
  }[reason];
  return `The model could not write a usable summary of this text (${what}, each way it tried). Try another weighting, or select a part of the text.`;
}

export { endsSentence };

/**
 * A summary cut off at the token limit, ended at its last finished sentence (when one of at least three words
 * ends before the cut), so it never stops in the middle of a name or a clause.
 */
export function endAtSentence(summary: string): string {
  const ends = [...summary.matchAll(/[.!?]["'’”)]*(?=\s|$)/gu)];
  for (let i = ends.length - 1; i >= 0; i--) {
    const end = ends[i]!.index + ends[i]![0].length;
    const head = summary.slice(0, end);
    if (endsSentence(head) && termsOf(head).length >= 3) return head.trim();
  }
  return summary;
}

/**
 * Whether a sentence of `summary` runs on past MAX_SENTENCE_WORDS words ("Apache License Version 2.0 ... for
 * legal purposes shall be distributed ... signed partnerships secured affiliate marketing services"): no
 * summary this model wrote that long read as one.
 */
export function runsOn(summary: string): boolean {
  return sentenceSpans(summary).some((s) => words(s).length > MAX_SENTENCE_WORDS);
}

/** An initialism or an abbreviation, written as a term is (without its last full stop: "U.S", "Mr"). */
function isAbbreviation(term: string): boolean {
  return INITIALISM.test(term) || ABBREVIATIONS.has(term.toLowerCase());
}

/**
 * Whether a sentence is a lone word or identifier ("module.exports.", "suite.on.") or the scheme of a link
 * with the link left out ("NetworkX homepage: https.", "(https)"). Grounded decoding refuses sentences of
 * fewer than three terms, but a full stop after a dotted word may be an initialism's ("the U.S. economy"), so
 * it lets "exports.validateOptions. validated options for object." through as one sentence; the last check
 * reads each span between full stops on its own.
 */
export function isFragment(sentence: string): boolean {
  if (/\(https?\)|\bhttps?:(?!\/\/)|\bhttps?\.?$/iu.test(sentence.trim())) return true;
  const terms = termsOf(sentence);
  return terms.length === 1 && !isAbbreviation(terms[0]!.text);
}

/**
 * The sentences of `summary`, a span after an initialism, an initial or an abbreviation ("at 5 p.m. today.")
 * joined to it.
 */
function sentencesAfterAbbreviations(summary: string): string[] {
  const out: string[] = [];
  for (const span of sentenceSpans(summary.trim())) {
    const last = termsOf(out.at(-1) ?? '').at(-1)?.text ?? '';
    if (out.length > 0 && (isAbbreviation(last) || /^\p{L}$/u.test(last))) out[out.length - 1] += ` ${span}`;
    else out.push(span);
  }
  return out;
}

/** Whether a sentence of `summary` is a fragment (`isFragment`). */
export function hasFragment(summary: string): boolean {
  return sentencesAfterAbbreviations(summary).some(isFragment);
}

/** `summary`'s sentences before its first fragment, or '' when the first one is. */
export function beforeFirstFragment(summary: string): string {
  return beforeFirstSentence(summary, isFragment);
}

/** `summary` without trailing terms the document does not allow (a name cut short), ended at a sentence if it can be. */
export function withoutUnfinishedEnd(summary: string, doc: DocumentTerms): string {
  let text = summary;
  for (
    let last = termsOf(text).at(-1);
    last && !doc.allows(last.text, last.initial);
    last = termsOf(text).at(-1)
  )
    text = text.slice(0, last.start).replace(/[\s,;:(\-–—]+$/u, '');
  return text === summary ? summary : endAtSentence(text);
}
