/**
 * What a summary may state: the names, numbers and identifiers ("restricted terms") that the document
 * contains. Ordinary lower-case words are free; a capitalised word, a number, a number word, an identifier
 * (camelCase, snake_case, dotted), a path or a URL must occur in the document. A capitalised word opening a
 * sentence is free when it is an ordinary English word (`rules/lexicon.txt`). A lower-case word must be an
 * English word (`rules/vocabulary.txt`) or occur in the document, so no word is invented ("lrtrace"). The
 * second person and the first person plural ("you", "your", "we", "our") must occur in the document too.
 * Terms are compared in lower case, except that a term with a capital after its first letter ("PeCK",
 * "iPhone", "NASA") must occur in the document written so: a name is not garbled into other capitals. Nor
 * does a term lose its inner capitals: one that the document writes only in mixed case ("steer.modelPath",
 * "iPhone", "McDonald") may not be written without them ("Steer.modelpath", "Iphone"); a document's capitals
 * throughout ("NASA") are no mixed case, so "Nasa" stays allowed.
 *
 * The Python twin is `training/steer_train/grounding/terms.py`; both run the golden cases in
 * `rules/grounding-cases.json`, so the rule the model is trained under is the rule it is served with.
 */
import lexiconText from '../../../rules/lexicon.txt';
import vocabularyText from '../../../rules/vocabulary.txt';
import { NumberBindings } from './number-binding';
import { conversationTags, isPersonalWord, speakerTags } from './turns';
import { RESTRICTED_NUMBER_WORDS, TIME_WORDS } from '../words';
import { lowerBound } from '../sorted';

/** A term: runs of letters, digits and underscores joined by . , ' ’ - / : @ + (as in 1,000  U.S.  a/b  x@y). */
export const TERM = /[\p{L}\p{N}_]+(?:[.,'’\-/:@+]+[\p{L}\p{N}_]+)*/gu;
export const JOINERS = ".,'’-/:@+";
const TERM_CHAR = /[\p{L}\p{N}_]/u;
/** Letters with full stops between them, as a term is written without its last full stop: "e.g", "U.S", "p.m". */
export const INITIALISM = /^(\p{L}\.)+\p{L}$/u;
/** A hyphen glued to the word before it and followed by a space ("Hey- Give"); group 1: the word. */
export const DANGLING_HYPHEN = /(?<![\p{L}\p{N}_])([\p{L}\p{N}_]+)-\s/gu;
/** What may stand between a month and a number in a date: spaces, and before a year an apostrophe ("Dec '03"). */
const DATE_GAP = /^\s+['’]?$/u;
/** A word with an ampersand inside ("S&P", "AT&T"), or still being written ("S&"). */
export const AMPERSAND_WORD = /[\p{L}\p{N}]+&[\p{L}\p{N}]*/gu;

/** Number words a summary may not invent ("one" and "first" are too common to restrict): `rules/number-words.txt`. */
export const NUMBER_WORDS: Readonly<Record<string, string>> = RESTRICTED_NUMBER_WORDS;
const DIGIT_TO_WORDS = new Map<string, string[]>();
for (const [word, digits] of Object.entries(NUMBER_WORDS))
  DIGIT_TO_WORDS.set(digits, [...(DIGIT_TO_WORDS.get(digits) ?? []), word]);

export function isTermChar(ch: string): boolean {
  return TERM_CHAR.test(ch);
}

/** Parts of web addresses: a summary writes them only where the document has an address. */
const URL_WORDS = new Set(['http', 'https', 'www', 'ftp']);
/**
 * The reader addressed ("you", "your") and the writer speaking ("we", "our"): a summary speaks in them only
 * where the document does, form by form. A tiny model took them from its prompt ("You generate a response
 * for every request." of a source file) or turned a report into a speech to the reader ("Your company's
 * profits increased" of an earnings call that only says "thank you").
 */
const PERSON_WORDS: ReadonlySet<string> = new Set(
  "you your yours yourself yourselves you're you've you'll you'd we our ours ourselves us we're we've we'll we'd".split(
    ' ',
  ),
);
const hasDigit = (s: string): boolean => /\p{N}/u.test(s);
const hasUpper = (s: string): boolean => /\p{Lu}/u.test(s);
const isNumeric = (s: string): boolean => /^\p{N}+(?:[.,]\p{N}+)*$/u.test(s);

/** Lower case, ’ as ', without a possessive 's or trailing apostrophe. */
export function baseForm(term: string): string {
  let t = term.toLowerCase().replace(/’/g, "'");
  if (t.endsWith("'s")) t = t.slice(0, -2);
  while (t.endsWith("'")) t = t.slice(0, -1);
  return t;
}

/** '1,000' → '1000', '3.50' → '3.5', '007' → '7'; commas only as thousands separators ('20,04' stays as written). */
export function normalizeNumber(t: string): string {
  if (t.includes(',') && !/^\p{N}{1,3}(?:,\p{N}{3})+(?:\.\p{N}+)?$/u.test(t)) return t;
  let s = t.replace(/,/g, '');
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  s = s.replace(/^0+/, '') || '0';
  if (s.startsWith('.')) s = '0' + s;
  return s;
}

/** A term as written, ’ as ', without a possessive 's or trailing apostrophe (case kept). */
function writtenForm(term: string): string {
  let t = term.replace(/’/g, "'");
  if (/'s$/iu.test(t)) t = t.slice(0, -2);
  while (t.endsWith("'")) t = t.slice(0, -1);
  return t;
}

/** Whether a term has a capital after its first letter ("PeCK", "iPhone", "U.S"): its case is part of it. */
const casedTerm = (written: string): boolean => hasUpper(written.slice(1));

/** Whether a term has both a capital after its first letter and a small letter ("modelPath", "McDonald"). */
const mixedCase = (written: string): boolean => casedTerm(written) && /\p{Ll}/u.test(written);

/** The lower-case beginning of a mixed-case term before its first inner capital ("modelPath" → "model"). */
function beforeInnerCapital(written: string): string {
  const i = written.slice(1).search(/\p{Lu}/u);
  return (i < 0 ? written : written.slice(0, i + 1)).toLowerCase();
}

/** The form terms are compared in: lower case, possessive removed, numbers normalised. */
export function normalizeTerm(term: string): string {
  const t = baseForm(term);
  return isNumeric(t) ? normalizeNumber(t) : t;
}

/** `partial` without the joiners it ends in ("20," → "20"). */
export function withoutTrailingJoiners(partial: string): string {
  let t = partial;
  while (t.length > 0 && JOINERS.includes(t[t.length - 1]!)) t = t.slice(0, -1);
  return t;
}

/** The form a term still being written is prefix-matched in: lower case, without trailing joiners or possessive. */
export function prefixForm(partial: string): string {
  return baseForm(withoutTrailingJoiners(partial));
}

/**
 * The parts of a term between its joiners, a number's decimal point or thousands comma excepted: "1.13bn"
 * and "12,575" are one number each, and "1" or "575" alone would be another ("$1.0000" passed as the "1" of
 * "$1.13bn").
 */
export function termPieces(term: string): string[] {
  // the parts between joiners that are not inside a number, as in `term.split(/[.,'’\-/:@+]+/)`
  return term
    .split(/(?<!\p{Nd})[.,]+|[.,]+(?!\p{Nd})|[.,]*['’\-/:@+][.,'’\-/:@+]*|[.,]{2,}/u)
    .filter((p) => p.length > 0);
}

function sortedUnique(words: Iterable<string>): string[] {
  return [...new Set(words)].sort();
}

function hasPrefix(sorted: readonly string[], prefix: string): boolean {
  const i = lowerBound(sorted, prefix);
  return i < sorted.length && sorted[i]!.startsWith(prefix);
}

/** Ordinary English words (lower case, sorted), from `rules/lexicon.txt`. */
export class Lexicon {
  private readonly set: Set<string>;
  readonly sorted: readonly string[];

  constructor(words: Iterable<string>) {
    this.sorted = sortedUnique(words);
    this.set = new Set(this.sorted);
  }

  has(word: string): boolean {
    return this.set.has(word);
  }

  hasPrefix(prefix: string): boolean {
    return hasPrefix(this.sorted, prefix);
  }
}

const words = (text: string): string[] => text.split('\n').filter((w) => w.length > 0);
let shared: { lexicon: Lexicon; vocabulary: Lexicon } | undefined;
function sharedLists(): { lexicon: Lexicon; vocabulary: Lexicon } {
  shared ??= { lexicon: new Lexicon(words(lexiconText)), vocabulary: new Lexicon(words(vocabularyText)) };
  return shared;
}
/** Ordinary words, which may open a sentence capitalised: `rules/lexicon.txt`. */
export function defaultLexicon(): Lexicon {
  return sharedLists().lexicon;
}
/** The lower-case words a summary may use without the document: `rules/vocabulary.txt`. */
export function defaultVocabulary(): Lexicon {
  return sharedLists().vocabulary;
}

/** Whether the term at `start` of `text` opens a sentence (start of text, or after . ! ? : ; or a line break). */
export function opensSentence(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && /[\s"“‘'(]/u.test(text[i]!)) {
    if (text[i] === '\n') return true;
    i--;
  }
  return i < 0 || '.!?:;'.includes(text[i]!);
}

/**
 * Whether `term` must be found in the document: numbers, number words, words that say when, names,
 * identifiers, paths and URLs.
 * `initial`: the term opens a sentence, so a capitalised ordinary word ("The", "Users") is free.
 */
export function isRestricted(term: string, initial: boolean, lexicon: Lexicon): boolean {
  if (hasDigit(term)) return true;
  const base = baseForm(term);
  if (PERSON_WORDS.has(base) || TIME_WORDS.has(base)) return true;
  if (hasUpper(term)) {
    if (term === 'I' || /^I['’]/u.test(term)) return false;
    const capitalisedWord = !hasUpper(term.slice(1)) && !/[_./:@+]/u.test(term);
    if (!(initial && capitalisedWord)) return true;
    return !base.split('-').every((part) => lexicon.has(part) && !(part in NUMBER_WORDS));
  }
  if (/[_/:@+]/u.test(term) || URL_WORDS.has(base)) return true;
  if (/\p{L}{2}\.|\.\p{L}{2}/u.test(term)) return true; // foo.bar, example.com; not e.g. or i.e.
  return base.split('-').some((part) => part in NUMBER_WORDS);
}

/** The restricted terms of one document, for membership and prefix queries. */
export class DocumentTerms {
  private readonly terms = new Set<string>();
  private readonly prefixes: readonly string[];
  /** For each term (baseForm), the terms that follow it after a space in the document (baseForm, sorted). */
  private readonly nextTerms = new Map<string, string[]>();
  /** The document's terms and their parts as written (writtenForm), sorted: for terms whose case matters. */
  private readonly written: readonly string[];
  private readonly writtenSet: ReadonlySet<string>;
  /** Terms (lower case) the document writes only in mixed case: without their inner capitals they are garbled. */
  private readonly mixedOnly: ReadonlySet<string>;
  /** Lower case, sorted: the document's terms not in mixed case, and mixed-case ones up to their first inner capital. */
  private readonly plainPrefixes: readonly string[];
  /** The document's speaker tags such as #person1# (dialogue transcripts), lower case. */
  readonly speakerTags: readonly string[];
  /** The tags of the document's speaker turns as written ("Grad C", "#Person1#"): never followed by a colon. */
  readonly turnTags: ReadonlySet<string>;
  /** The speaker tags when the document is a conversation, else none (turns.ts, `conversationTags`). */
  readonly conversationTags: ReadonlySet<string>;
  /** The document's characters outside ASCII: a summary writes no other (no emoji, fullwidth digits, zero-width spaces). */
  readonly nonAscii: ReadonlySet<string>;
  /** Whether the document writes a dollar sign: a summary writes one only then (money is the document's). */
  readonly writesDollar: boolean;
  /** The numbers the document binds to each word ("cost 38"): number-binding.ts. */
  readonly numbers: NumberBindings;
  /** Words the document writes with a hyphen and a space after them ("Hey- "), lower case: continuation.ts. */
  readonly danglingHyphens: ReadonlySet<string>;
  /** Words the document writes with an ampersand inside ("S&P", "R&D"), as written: continuation.ts. */
  readonly ampersandWords: readonly string[];
  /** The first parts of the document's hyphenated compounds ("royalty" of "royalty-free"), lower case. */
  private readonly compoundFirsts = new Set<string>();

  constructor(
    document: string,
    readonly lexicon: Lexicon = defaultLexicon(),
    readonly vocabulary: Lexicon = defaultVocabulary(),
  ) {
    this.turnTags = speakerTags(document);
    this.conversationTags = conversationTags(document, this.turnTags);
    this.speakerTags = sortedUnique(
      [...document.matchAll(/#[\p{L}\p{N}_]+#/gu)].map((m) => m[0].toLowerCase()),
    );
    this.nonAscii = new Set([...document].filter((ch) => ch > '\u007f'));
    this.writesDollar = document.includes('$');
    this.danglingHyphens = new Set([...document.matchAll(DANGLING_HYPHEN)].map((m) => m[1]!.toLowerCase()));
    this.ampersandWords = sortedUnique([...document.matchAll(AMPERSAND_WORD)].map((m) => m[0]));
    this.numbers = new NumberBindings(document, termsOf(document));
    const forms: string[] = [];
    const written: string[] = [];
    let previous: { text: string; form: string; end: number } | undefined;
    const follow = (first: string, next: string): void => {
      this.nextTerms.set(first, [...(this.nextTerms.get(first) ?? []), next]);
    };
    for (const m of document.matchAll(TERM)) {
      const term = m[0];
      // side by side: spaces, or before a year an apostrophe ("Dec '03"), as a date may be written
      if (previous && DATE_GAP.test(document.slice(previous.end, m.index))) {
        follow(previous.form, baseForm(term));
        // "19 December" may be written "December 19": the same date
        if (isDayOfMonth(previous.text) && isDate(term, previous.text)) follow(baseForm(term), previous.form);
      }
      previous = { text: term, form: baseForm(term), end: m.index + term.length };
      const first = compoundFirst(term);
      if (first !== undefined) this.compoundFirsts.add(first);
      const pieces = [term, ...termPieces(term)];
      for (const piece of pieces) {
        written.push(writtenForm(piece));
        const norm = normalizeTerm(piece);
        this.add(norm);
        forms.push(norm, prefixForm(piece), baseForm(piece));
        for (const w of DIGIT_TO_WORDS.get(norm) ?? []) this.add(w);
        const digits = NUMBER_WORDS[norm];
        if (digits !== undefined) this.add(digits);
      }
    }
    this.prefixes = sortedUnique(forms.filter((f) => f.length > 0));
    this.written = sortedUnique(written.filter((f) => f.length > 0));
    this.writtenSet = new Set(this.written);
    const plain = new Set(this.written.filter((w) => !mixedCase(w)).map((w) => w.toLowerCase()));
    const mixed = this.written.filter(mixedCase);
    this.mixedOnly = new Set(mixed.map((w) => w.toLowerCase()).filter((w) => !plain.has(w)));
    this.plainPrefixes = sortedUnique([...plain, ...mixed.map(beforeInnerCapital)]);
    for (const [k, v] of this.nextTerms) this.nextTerms.set(k, sortedUnique(v));
  }

  /**
   * Whether the document writes a name longer than `start` that begins with it ("Ivan" for "I"): grounded
   * decoding lets a summary's "I" go on to it (turns.ts, `writesParticipantWord`).
   */
  startsLongerName(start: string): boolean {
    for (let i = lowerBound(this.written, start); i < this.written.length; i++) {
      const w = this.written[i]!;
      if (!w.startsWith(start)) return false;
      // a name even where a sentence opens ("It" is none), and "I'm" is no name that "I" may go on to
      if (w.length > start.length && this.isName(w, true) && !isPersonalWord(w)) return true;
    }
    return false;
  }

  /** Whether `term` is part of a name: capitalised, and not an ordinary word opening a sentence. */
  isName(term: string, initial: boolean): boolean {
    return /^\p{Lu}/u.test(term) && isRestricted(term, initial, this.lexicon);
  }

  /**
   * Whether the name `next` (finished, or still being written) may follow the name `first` after a space:
   * only as the document has them side by side ("Kristin Peck", not "Kristin People"; "Mike Ruddock", not
   * "S Mike Ruddock"), so names are not put together from parts of others.
   */
  allowsNextName(first: string, next: string, finished: boolean): boolean {
    const after = this.nextTerms.get(baseForm(first)) ?? [];
    if (finished) return after.includes(baseForm(next));
    const p = prefixForm(next);
    return p.length === 0 || hasPrefix(after, p);
  }

  /** Whether the document writes `term` twice in a row with only spaces between ("bye bye", "Walla Walla"). */
  writesTwice(term: string): boolean {
    const form = baseForm(term);
    return (this.nextTerms.get(form) ?? []).includes(form);
  }

  /**
   * Whether `term`'s capitals are the document's: a term with one after its first letter ("PeCK") must be,
   * or with `prefix` begin, one of the document's terms as written; one without may not be (or begin) a
   * term the document writes only in mixed case ("Steer.modelpath" for "steer.modelPath").
   */
  private casedAsWritten(term: string, prefix: boolean): boolean {
    const t = prefix ? withoutTrailingJoiners(writtenForm(term)) : writtenForm(term);
    if (casedTerm(t)) return prefix ? hasPrefix(this.written, t) : this.writtenSet.has(t);
    const lower = t.toLowerCase();
    if (!prefix) return !this.mixedOnly.has(lower);
    // still being written: fine while it can become a plain term or an ordinary word, or a mixed-case one
    // before its inner capital
    return (
      lower.length === 0 ||
      hasPrefix(this.plainPrefixes, lower) ||
      !hasPrefix(this.prefixes, lower) ||
      this.vocabulary.hasPrefix(lower)
    );
  }

  private add(form: string): void {
    if (form.length > 0) this.terms.add(form);
  }

  /** Whether the document has `term` (case-insensitive; numbers and number words count as each other). */
  has(term: string): boolean {
    return this.terms.has(normalizeTerm(term));
  }

  /** Whether the speaker tag being written (from its opening '#') begins one of the document's. */
  hasSpeakerTag(partial: string): boolean {
    return hasPrefix(this.speakerTags, partial.toLowerCase());
  }

  /** Whether a document term starts with what has been written of a term so far. */
  hasPrefix(partial: string): boolean {
    const p = prefixForm(partial);
    return p.length === 0 || hasPrefix(this.prefixes, p);
  }

  /** Whether `term`, not a name or number, is a word: in the vocabulary or the document, or an abbreviation (e.g.). */
  private isWord(term: string): boolean {
    const base = baseForm(term);
    return this.vocabulary.has(base) || this.terms.has(base) || INITIALISM.test(base);
  }

  /**
   * Whether a finished `term` may appear in a summary of this document; a compound ("Google-owned") may when
   * each part may, unless it begins like one of the document's compounds (see `altersCompound`).
   */
  allows(term: string, initial: boolean): boolean {
    const supported = isRestricted(term, initial, this.lexicon) ? this.has(term) : this.isWord(term);
    if (supported && this.casedAsWritten(term, false)) return true;
    const parts = term.split('-').filter((p) => p.length > 0);
    return (
      parts.length > 1 &&
      !this.altersCompound(term) &&
      parts.every((p, i) => this.allows(p, initial && i === 0))
    );
  }

  /**
   * Whether `term`, a compound the document does not have, begins like one it has: "royalty-paid" for a
   * licence that grants a "royalty-free" licence turns the document's word into its opposite, and
   * "non-commercial" for its "non-exclusive" makes a claim it does not make.
   */
  private altersCompound(term: string): boolean {
    const first = compoundFirst(term);
    if (first === undefined || !this.compoundFirsts.has(first)) return false;
    // the document's compound in the plural ("e-mails" for its "e-mail")
    return !(/s$/iu.test(term) && this.has(term.slice(0, -1)));
  }

  /**
   * Whether a name or number followed by a joiner or a possessive ("20," "20's" "Goo.") can be neither
   * finished there (as "2004," is) nor continued through the joiner into one of the document's terms (as "1,"
   * into "1,000"): "20" begins "2004", but "20," begins nothing the document has.
   */
  private joinsNowhere(partial: string, initial: boolean): boolean {
    // a possessive finishes its term too ("20's")
    const term = withoutTrailingJoiners(partial).replace(/['’]s$/iu, '');
    if (term.length === 0 || term === partial || !isRestricted(term, initial, this.lexicon)) return false;
    if (this.allows(term, initial)) return false;
    return !hasPrefix(this.prefixes, partial.toLowerCase().replace(/’/g, "'"));
  }

  /** Whether a term still being written can still become one the summary may use. */
  allowsPrefix(written: string, initial: boolean): boolean {
    if (this.joinsNowhere(written, initial)) return false;
    const partial = withoutTrailingJoiners(written);
    const cased = this.casedAsWritten(partial, true);
    if (cased && (this.allows(partial, initial) || this.hasPrefix(partial))) return true;
    if (partial.includes('-')) {
      // A compound: its finished parts allowed, its last part still possible.
      const parts = partial.split('-');
      const last = parts.pop()!;
      const done = parts.every((p, i) => p.length > 0 && this.allows(p, initial && i === 0));
      if (done && !this.altersCompound(written) && (last.length === 0 || this.allowsPrefix(last, false)))
        return true;
    }
    if (!cased) return false;
    const p = prefixForm(partial);
    const plain = !hasUpper(partial.slice(1)) && !/[\p{N}_./:@+]/u.test(partial);
    // A lower-case word still being written ("consult" → "consultations"); an opening capital may still
    // become an ordinary word ("Res" → "Researchers").
    if (!isRestricted(partial, initial, this.lexicon)) return this.vocabulary.hasPrefix(p);
    return initial && plain && this.lexicon.hasPrefix(p);
  }
}

/** The first part of a hyphenated compound, lower case ("royalty" of "Royalty-free"); undefined for other terms. */
function compoundFirst(term: string): string | undefined {
  const dash = term.indexOf('-');
  if (dash <= 0 || dash === term.length - 1) return undefined;
  return baseForm(term.slice(0, dash));
}

export interface Term {
  text: string;
  start: number;
  end: number;
  initial: boolean;
}

/** The terms of `text` from offset `from` (which must be at a term start or between terms). */
export function termsOf(text: string, from = 0): Term[] {
  const re = new RegExp(TERM.source, 'gu');
  re.lastIndex = from;
  const out: Term[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    out.push({
      text: m[0],
      start: m.index,
      end: m.index + m[0].length,
      initial: opensSentence(text, m.index),
    });
  return out;
}

const MONTHS = new Set(
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(
    ' ',
  ),
);

/** Whether `term` is a day of a month: 1 to 31, perhaps with its ordinal suffix ("19", "3rd"). */
function isDayOfMonth(term: string): boolean {
  const m = /^(\p{Nd}{1,2})(?:st|nd|rd|th)?$/u.exec(term);
  return m !== null && Number(m[1]) >= 1 && Number(m[1]) <= 31;
}

/** Whether `first` then `second` write a date: a month, then a number ("July 27", "January 2004"). */
function isDate(first: string, second: string): boolean {
  return MONTHS.has(first.toLowerCase().replace(/\.$/u, '')) && /^\p{N}/u.test(second);
}

/**
 * Whether `second` is a name right after the name `first`, or a number right after a month (a date is a pair
 * the document must have as well: "July 27" for "July last year ... 27 members", "January ’06"), separated by
 * spaces only (before a year, perhaps an apostrophe).
 */
export function namesSideBySide(text: string, first: Term, second: Term, doc: DocumentTerms): boolean {
  const gap = text.slice(first.end, second.start);
  return (
    (/^\s+$/u.test(gap) &&
      doc.isName(first.text, first.initial) &&
      doc.isName(second.text, second.initial)) ||
    (DATE_GAP.test(gap) && isDate(first.text, second.text))
  );
}

/**
 * The terms of `summary` that the document does not support (what the evaluation counts), names put
 * together as the document never has them (the second of the two), and numbers bound to another word than
 * the document binds them to (number-binding.ts).
 */
export function unsupportedTerms(summary: string, doc: DocumentTerms): string[] {
  const terms = termsOf(summary);
  return terms
    .filter((t, i) => {
      if (!doc.allows(t.text, t.initial) || !doc.numbers.allows(summary, terms, i, true)) return true;
      const first = terms[i - 1];
      return (
        first !== undefined &&
        doc.allows(first.text, first.initial) &&
        namesSideBySide(summary, first, t, doc) &&
        !doc.allowsNextName(first.text, t.text, true)
      );
    })
    .map((t) => t.text);
}
