/**
 * Whether a summary may continue with a given piece of text: the rules grounded decoding enforces token by
 * token. A continuation is refused when it
 * - writes a name, number or identifier the document lacks, or starts one no document term begins with
 *   (`unsupported`; see terms.ts), or binds a number to a word the document binds to other numbers ("will
 *   cost 15" where the document says "will cost 38": `unsupported`; see number-binding.ts);
 * - writes markup: a code fence or backtick, a table bar, brackets, an HTML tag, emphasis stars, a symbol
 *   or emoji, a line break, a Markdown heading, '#' outside speaker tags (#Person1#) of a document that has
 *   them, a speaker tag left open ("#Person2+'", "#Person1’s"), an HTML entity, a command-line flag, a
 *   character outside ASCII that the document does not use, a percent sign after no number, a dollar sign
 *   in a document that has none, an ampersand glued to a word (the document's own "S&P" aside), or a list
 *   marker opening the summary (`markup`): a summary is one paragraph of prose;
 * - writes a word twice in a row with nothing but spaces between, unless the document does ("bye bye"):
 *   "resumed on campus campus", "The function function isOptions" (`repeat`); or a third time in a row;
 * - ends a sentence (or the summary) of fewer than three words: "Runner. StepInput." (`fragment`); a run
 *   of three punctuation marks (".,.") is `markup`;
 * - ends the summary anywhere but at the end of a sentence: "The package can be installed with" (`fragment`);
 * - writes, in the summary of a conversation, a speaker's first- or second-person word outside quotation marks:
 *   "Laura can tidy up my dreads" (`voice`; see turns.ts).
 *
 * Twin: `training/steer_train/grounding/continuation.py`; golden cases in `rules/grounding-cases.json`.
 */
import {
  AMPERSAND_WORD,
  DANGLING_HYPHEN,
  DocumentTerms,
  JOINERS,
  namesSideBySide,
  prefixForm,
  termsOf,
  type Term,
} from './terms';
import { endsWithTag, writesParticipantWord } from './turns';

export type Refusal = 'unsupported' | 'markup' | 'repeat' | 'fragment' | 'voice';

/** Characters a prose summary never writes (symbols such as emoji included). */
const MARKUP_CHARS = /[`|<>*[\]{}=^~\\\n\r\t\p{So}]/u;
const HEADING = /(^|[.!?]\s+)#+\s|##/u;
/** A speaker tag opened and not yet closed at the end of a text ("... asks #Person2"). */
const OPEN_TAG = /(?:^|[^\p{L}\p{N}_#])#[\p{L}\p{N}_]+$/u;
/** An HTML entity (&amp;), a command-line flag (-m, --config) or a call's bracket glued to a word (from(x), f() x). */
const CODE_SYNTAX = /&[a-zA-Z]+;|(?<!\S)--?[a-zA-Z]|[\p{L}\p{N}_]\(|\)[\p{L}\p{N}_]/gu;

/**
 * Whether `text` has code syntax starting at `from` or later. Searched from a position, not in a slice: a
 * slice's first character would pass for the start of the text, so "hf-xet is used" read as the flag "-xet".
 */
function hasCodeSyntax(text: string, from: number): boolean {
  CODE_SYNTAX.lastIndex = from;
  return CODE_SYNTAX.test(text);
}
/** Quote marks: they do not count in punctuation runs, but two in a row are a run of their own. */
const QUOTES = /["'’”“‘]/gu;
/** A possessive split from its word ("steer_train.’ s"). */
const SPLIT_POSSESSIVE = /['’]\s+s\b/u;
const QUOTE_RUN = /["'’”“‘]{2}/u;
/** Three punctuation marks in a row, spaces and quotes aside ('," Mr' and '". "' are prose). */
const PUNCTUATION_RUN = /[^\p{L}\p{N}_\s](\s*[^\p{L}\p{N}_\s]){2}/u;
/** An ampersand glued to a word (".&head"); "Tom & Jerry" is prose. */
const GLUED_AMPERSAND = /[^\s]&/u;
/**
 * A comma, colon, semicolon, ! or ? after a space ("This is a reminder ! ?"): English writes them attached;
 * a possessive or a lone apostrophe after a space ("January ’s license", "January ’ 1.0"); and two spaces in
 * a row, which lay out a transcript's columns, not a sentence ("Kristina on tv  Jannette").
 */
const SPACED_MARK = /\s[,;:!?]|\s['’](?:s(?!\p{L})|\s)| {2}/u;
/** The two punctuation marks that may touch, quotes aside; any other pair (".+", "./", ",,", ")(") may not. */
const TOUCHING_PAIRS = new Set([
  '.)',
  '!)',
  '?)',
  '%)',
  '%.',
  '%,',
  '%;',
  '%:',
  ').',
  '),',
  ');',
  '):',
  ')!',
  ')?',
  '($',
  '(£',
  '(€',
]);
const isPunctuation = (ch: string): boolean => !/[\p{L}\p{N}_\s]/u.test(ch);

/** Whether `recent` text has a quote run, a punctuation run, a glued ampersand or two punctuation marks that may not touch. */
function badPunctuation(recent: string): boolean {
  if (QUOTE_RUN.test(recent) || GLUED_AMPERSAND.test(recent) || SPACED_MARK.test(recent)) return true;
  const bare = recent.replace(QUOTES, '');
  if (PUNCTUATION_RUN.test(bare)) return true;
  const chars = [...bare];
  for (let i = 0; i + 1 < chars.length; i++)
    if (
      isPunctuation(chars[i]!) &&
      isPunctuation(chars[i + 1]!) &&
      !TOUCHING_PAIRS.has(chars[i]! + chars[i + 1]!)
    )
      return true;
  return false;
}
/**
 * A percent sign that follows no number ("on December %19", "%u+") or is glued to what comes after it, and an
 * ampersand glued to what follows it ("December &19"): what a summary writes when grounding keeps it from the
 * number it wanted. "15%", "15 %" and "Tom & Jerry" are prose.
 */
const STRAY_SIGN = /(?<!\p{Nd})(?<!\p{Nd} )%|%[\p{L}\p{N}_]|&\S/gu;

/**
 * `text` with the ampersand of each of a document's own ampersand `words` ("S&P", "R&D") replaced by a letter,
 * so that the rules on ampersands leave them be; one still being written at the end of `text` ("S&") counts
 * when one of the words begins with it.
 */
function withOwnAmpersands(text: string, words: readonly string[]): string {
  if (!text.includes('&')) return text;
  return text.replace(AMPERSAND_WORD, (word, at: number) => {
    const ok =
      at + word.length === text.length ? words.some((w) => w.startsWith(word)) : words.includes(word);
    return ok ? word.replace('&', 'n') : word;
  });
}

/** Whether `text` has a stray sign that ends after offset `from` (the piece's start). */
function straySign(text: string, from: number): boolean {
  const start = Math.max(0, from - 8);
  for (const m of text.slice(start).matchAll(STRAY_SIGN))
    if (start + m.index + m[0].length > from) return true;
  return false;
}

/**
 * Whether `text` gets a hyphen glued to a word and followed by a space after offset `from` (the piece's start)
 * that the document does not write so: "Cramer- Wold" for its "Cramer-Wold", "Investor- Business"; "Hey- Give"
 * stays where the document writes "Hey- ". A summary writes the compound whole, or a dash with a space on both
 * sides.
 */
function danglingHyphen(text: string, from: number, doc: DocumentTerms): boolean {
  // the last 40 characters hold the word before the hyphen (a longer one is cut, and refused)
  const start = Math.max(0, from - 40);
  for (const m of text.slice(start).matchAll(DANGLING_HYPHEN))
    if (start + m.index + m[0].length > from && !doc.danglingHyphens.has(m[1]!.toLowerCase())) return true;
  return false;
}
/** Words a full stop follows without ending the sentence (as text_quality._ABBREVIATIONS). */
export const ABBREVIATIONS: ReadonlySet<string> = new Set(
  'mr mrs ms dr prof sr jr st vs etc e.g i.e fig figs eq eqs no nos al inc ltd co corp gen gov sen rep'.split(
    ' ',
  ),
);
export const MIN_SENTENCE_TERMS = 3;
/** Typography a summary may use even when the document does not. */
const TYPOGRAPHY = new Set(['’', '‘', '“', '”', '–', '—', '…']);
/** The end of a sentence, perhaps inside quotes or brackets. */
export const SENTENCE_END = /[.!?]["'’”)]*\s*$/u;
/**
 * Abbreviations whose full stop never ends a summary: titles stand before a name, "e.g." before an example
 * ("... with international creditors. Mr." was shown as finished), and a month's before its day ("... to
 * Brazil and Argentina on Sunday, Sept." was shown when the day the model wanted was refused). Not "U.S." or
 * "etc.", which may end a sentence.
 */
const NEVER_LAST = new Set(
  'mr mrs ms dr prof gov sen vs e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '),
);

/**
 * Whether `text` ends a sentence: a full stop, question or exclamation mark, perhaps in quotes or brackets, but
 * not the full stop of a title ("Mr.").
 */
export function endsSentence(text: string): boolean {
  const m = SENTENCE_END.exec(text);
  return m !== null && !(text[m.index] === '.' && NEVER_LAST.has(wordBefore(text, m.index)));
}
const LIST_OPENING = /^\s*([-+•=~>]|\p{N}+[.)](\s|$))/u;

/** What the checks need to know about the text written so far; computed once per step. */
export interface StepContext {
  text: string;
  /** Where the term still being written starts (or the end of the text when none is). */
  tailStart: number;
  /** Prefix forms of the last two finished terms, for the repeat rule. */
  prior: string[];
  /** The last finished term, for the rule on names side by side. */
  previous?: Term;
}

function onlyJoiners(s: string): boolean {
  for (const ch of s) if (!JOINERS.includes(ch)) return false;
  return true;
}

/**
 * A term of `text` as the rules judge it: finished when anything but joiners follows it (or the summary ends
 * there); a term still being written carries the joiners after it ("20," may not go on as "2004" may).
 */
function asWritten(text: string, t: Term, end: boolean): { written: Term; finished: boolean } {
  const finished = end || !onlyJoiners(text.slice(t.end));
  return { written: finished ? t : { ...t, text: text.slice(t.start) }, finished };
}

export class Continuation {
  constructor(readonly doc: DocumentTerms) {}

  prepare(text: string): StepContext {
    const terms = termsOf(text);
    const last = terms[terms.length - 1];
    const pending = last !== undefined && onlyJoiners(text.slice(last.end));
    const finished = pending ? terms.slice(0, -1) : terms;
    return {
      text,
      tailStart: pending ? last.start : text.length,
      prior: finished.slice(-2).map((t) => prefixForm(t.text)),
      ...(finished.length > 0 ? { previous: finished[finished.length - 1]! } : {}),
    };
  }

  /** Why `piece` may not follow the text of `ctx` (`end`: the piece ends the summary), or null. */
  check(ctx: StepContext, piece: string, end = false): Refusal | null {
    if (MARKUP_CHARS.test(piece)) return 'markup';
    for (const ch of piece)
      if (ch > '\u007f' && !TYPOGRAPHY.has(ch) && !this.doc.nonAscii.has(ch)) return 'markup';
    // a currency the document never names: "k$270" for "k#270", "$22,000" for "22,000 dt" of gas
    if (piece.includes('$') && !this.doc.writesDollar) return 'markup';
    const combined = ctx.text + piece;
    if (hasCodeSyntax(combined, Math.max(0, ctx.text.length - 12))) return 'markup';
    // '#' only in the document's own speaker tags (#Person1#).
    // a speaker's tag and a colon is the transcript's markup ("Kristina: Girls!"), not a summary's prose
    const colon = piece.indexOf(':');
    if (colon >= 0 && endsWithTag(ctx.text + piece.slice(0, colon), this.doc.turnTags)) return 'markup';
    const endsInTag = /#[\p{L}\p{N}_]*$/u.test(ctx.text);
    if ((endsInTag || piece.includes('#')) && !speakerTagsAllowed(combined, ctx.text.length, this.doc))
      return 'markup';
    // an open tag goes on to its closing '#': "#Person2+'" and "#Person1’s" are broken tags
    if (endsInTag && OPEN_TAG.test(ctx.text) && !/^[\p{L}\p{N}_#]/u.test(piece)) return 'markup';
    if ((ctx.text.slice(-2) + piece).includes('#') && HEADING.test(combined)) return 'markup';
    if (ctx.text.trim().length < 8 && LIST_OPENING.test(combined)) return 'markup';
    // the punctuation rules read at most 8 characters before the piece
    const tail = Math.max(0, ctx.text.length - 16);
    const prose = withOwnAmpersands(combined.slice(tail), this.doc.ampersandWords);
    if (
      badPunctuation(prose.slice(Math.max(0, ctx.text.length - 6) - tail)) ||
      SPLIT_POSSESSIVE.test(combined.slice(-8)) ||
      straySign(prose, ctx.text.length - tail) ||
      danglingHyphen(combined, ctx.text.length, this.doc)
    )
      return 'markup';
    if (endsShortSentence(combined, ctx.text.length, end)) return 'fragment';
    if (
      this.doc.conversationTags.size > 0 &&
      writesParticipantWord(combined, ctx.text.length, this.doc.conversationTags, (w) =>
        this.doc.startsLongerName(w),
      )
    )
      return 'voice';
    const news = termsOf(combined, ctx.tailStart);
    const seq = [...ctx.prior];
    let previous = ctx.previous;
    for (const t of news) {
      const { written, finished } = asWritten(combined, t, end);
      if (!this.allowed(written, finished) || this.unboundWord(combined, written, finished))
        return 'unsupported';
      if (
        previous &&
        namesSideBySide(combined, previous, t, this.doc) &&
        !this.doc.allowsNextName(previous.text, t.text, finished)
      )
        return 'unsupported';
      const form = prefixForm(t.text);
      if (previous && this.saysTwice(combined, previous, t, form)) return 'repeat';
      previous = t;
      const n = seq.length;
      if (n >= 2 && seq[n - 1] === seq[n - 2] && form.length > 0) {
        const again = finished ? form === seq[n - 1] : seq[n - 1]!.startsWith(form);
        if (again) return 'repeat';
      }
      seq.push(form);
    }
    if (end && combined.trim().length > 0 && !endsSentence(combined)) return 'fragment';
    return null;
  }

  /**
   * Whether term `t` (its prefix form `form`) writes the term before it again with only spaces between, as
   * the document never does. One still being written counts once it reads as the whole earlier word: "camp"
   * after "campus" may go on ("camping"), "campus" may not.
   */
  private saysTwice(text: string, previous: Term, t: Term, form: string): boolean {
    if (form.length === 0 || form !== prefixForm(previous.text)) return false;
    return /^\s+$/u.test(text.slice(previous.end, t.start)) && !this.doc.writesTwice(previous.text);
  }

  /** The word a number `t` of `text` is bound to against the document (number-binding.ts), or null. */
  private unboundWord(text: string, t: Term, finished: boolean): Term | null {
    if (!/^\p{Nd}/u.test(t.text)) return null;
    const terms = termsOf(text.slice(0, t.start));
    return this.doc.numbers.refusal(text, [...terms, t], terms.length, finished);
  }

  /**
   * Where the word starts that a number written by `piece` would be bound to against the document ("cost"
   * in "will cost 15" when the document has "will cost 38"), or -1: the summary is about to swap numbers.
   */
  unboundWordStart(ctx: StepContext, piece: string): number {
    const combined = ctx.text + piece;
    for (const t of termsOf(combined, ctx.tailStart)) {
      const { written, finished } = asWritten(combined, t, false);
      const word = this.unboundWord(combined, written, finished);
      if (word) return word.start;
    }
    return -1;
  }

  private allowed(t: Term, finished: boolean): boolean {
    return finished ? this.doc.allows(t.text, t.initial) : this.doc.allowsPrefix(t.text, t.initial);
  }
}

/** Whether the . ! ? at `i` ends a sentence: not after an abbreviation, an initial or a dotted word (U.S.). */
export function isSentenceEnd(text: string, i: number): boolean {
  if (!'.!?'.includes(text[i]!)) return false;
  if (i + 1 < text.length && !/\s/u.test(text[i + 1]!)) return false;
  if (text[i] !== '.') return true;
  const word = wordBefore(text, i);
  return !(ABBREVIATIONS.has(word) || word.length === 1 || word.includes('.'));
}

/** The word (letters, digits, dots) that ends just before `i`, in lower case: "u.s" in "the U.S.". */
function wordBefore(text: string, i: number): string {
  return (/[\p{L}\p{N}_.]+$/u.exec(text.slice(0, i))?.[0] ?? '').toLowerCase();
}

/** Whether a sentence that ends in `text` at `from` - 1 or later (or at its end, when `end`) has one or two words. */
function endsShortSentence(text: string, from: number, end: boolean): boolean {
  const ends: number[] = [];
  for (let i = Math.max(0, from - 1); i < text.length - 1; i++) if (isSentenceEnd(text, i)) ends.push(i + 1);
  if (end && text.trim().length > 0) ends.push(text.length);
  return ends.some((e) => {
    let start = e - 2;
    while (start >= 0 && !(isSentenceEnd(text, start) && start + 1 < text.length)) start--;
    const n = termsOf(text.slice(start + 1, e)).length;
    return n > 0 && n < MIN_SENTENCE_TERMS;
  });
}

/** Whether every '#' written from `from` on belongs to (the start of) one of the document's speaker tags. */
function speakerTagsAllowed(text: string, from: number, doc: DocumentTerms): boolean {
  for (const m of text.matchAll(/#[\p{L}\p{N}_]*#?/gu))
    if (m.index + m[0].length > from && !doc.hasSpeakerTag(m[0])) return false;
  return true;
}
