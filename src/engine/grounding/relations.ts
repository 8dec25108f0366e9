/**
 * Relations a summary states between the document's terms, checked against where the document puts them.
 * Grounded decoding keeps every name and number inside the document, but a small model recombines them:
 * "Miriam Okafor speaks up about the battery store." (she spoke about the landfill; the battery comes two
 * paragraphs later), "Fredrik's work is available on Google's website." (Google sponsored the work). Two
 * cheap tests of proximity catch the blatant cases without reading the meaning:
 * - a possessive "Name's ... noun" needs the name and a word of its noun phrase within `WINDOW` words of each
 *   other somewhere in the document;
 * - every name in a summary sentence needs at least one of the sentence's other content words (those the
 *   document has at all) within `WINDOW` words of one of its mentions, unless the document opens or ends
 *   with it (a letter's addressee or signature);
 * - two names of two words or more in one sentence need a word of each within `WINDOW` words of the other, or
 *   in one sentence, somewhere in the document ("Gordon Strachan meets coach Joe Jordan." of a story where
 *   they never meet).
 * A sentence that relates a name to itself needs no document to be wrong: "Labour and Labour clashed over tax
 * and spending plans." (Labour and the Tories), "Tony Vasut calls Tony Vasut's new hire.", "Wales fly-half Gavin
 * Henson admitted he was happy to hand Gavin Henson responsibility ..." (he handed it to Stephen Jones): a name
 * joined to itself by "and" or "or" (or "from" it "to" it), a name of two words or more written twice in one
 * sentence, or a name that opens a sentence and comes back as what it acts on ("Tom introduces Tom.").
 * A class said to inherit what its declaration does not name is misrelated too (inheritance.ts).
 * Twin of training/steer_train/grounding/relations.py; both run the golden cases in rules/relation-cases.json.
 */
import { splitSentences, wholeSentences } from '../sentences';
import { MIN_CONTENT_LENGTH, STOPWORDS, stem, tokens } from '../words';
import { lowerBound } from '../sorted';
import { classHeaders, misstatedInheritance, type ClassHeaders } from './inheritance';

/** Words either side of a name's mention within which a related word counts as near it. */
export const WINDOW = 30;

/** Lower-case words read after a possessive as its noun phrase. */
const MAX_NOUN_PHRASE = 4;

/**
 * A name among a document's first or last this many words (a letter's addressee, its signature) is tied to
 * all of it: "Sara is revising the draft confirmation." of a mail that says "We are trying to revise ..." and
 * ends "Sara".
 */
const EDGE = 3;

const isUpperStart = (t: string): boolean => /^\p{Lu}/u.test(t);
const isLowerStart = (t: string): boolean => /^\p{Ll}/u.test(t);
const isDigitStart = (t: string): boolean => /^\p{Nd}/u.test(t);
const isName = (t: string): boolean => isUpperStart(t) && !STOPWORDS.has(t.toLowerCase());
const length = (s: string): number => [...s].length;

/** A word's stem without a final "e" ("game" and "games" stem to "game" and "gam"). */
export function key(token: string): string {
  const s = stem(token);
  return length(s) > 3 && s.endsWith('e') ? s.slice(0, -1) : s;
}

function possessiveOwner(token: string): string | null {
  const t = token.replace(/’/gu, "'");
  return t.endsWith("'s") && t.length > 2 ? t.slice(0, -2) : null;
}

/**
 * Where each word (its `key`) occurs in a document (word positions, ascending), and which words the document
 * also writes in lower case (common words, not names, when capitalized at a sentence's start).
 */
export class DocumentPlaces {
  private constructor(
    private readonly places: ReadonlyMap<string, readonly number[]>,
    readonly lower: ReadonlySet<string>,
    readonly edges: ReadonlySet<string>,
    /** The words of each sentence, however long. */
    private readonly sentences: readonly ReadonlySet<string>[],
    /** The classes it declares and the names in their headers (inheritance.ts). */
    readonly classes: ClassHeaders,
  ) {}

  static of(document: string): DocumentPlaces {
    const places = new Map<string, number[]>();
    const lower = new Set<string>();
    const toks = tokens(document);
    toks.forEach((t, i) => {
      const k = key(t);
      const at = places.get(k);
      if (at) at.push(i);
      else places.set(k, [i]);
      if (isLowerStart(t)) lower.add(k);
    });
    const edges = new Set([...toks.slice(0, EDGE), ...toks.slice(-EDGE)].map(key));
    const sentences = splitSentences(document, Number.MAX_SAFE_INTEGER).map(
      (s) => new Set(tokens(s).map(key)),
    );
    return new DocumentPlaces(places, lower, edges, sentences, classHeaders(document));
  }

  has(k: string): boolean {
    return this.places.has(k);
  }

  /** Whether words `a` and `b` occur within `WINDOW` words of each other. */
  near(a: string, b: string): boolean {
    const pa = this.places.get(a);
    const pb = this.places.get(b);
    if (!pa || !pb) return false;
    return pa.some((p) => {
      const j = lowerBound(pb, p - WINDOW);
      return j < pb.length && pb[j]! <= p + WINDOW;
    });
  }

  /** Whether one of the document's sentences has a word of `a` and a word of `b`, however far apart. */
  together(a: readonly string[], b: readonly string[]): boolean {
    return this.sentences.some((s) => a.some((w) => s.has(w)) && b.some((w) => s.has(w)));
  }
}

/** "Eerdekens' name": a possessive after a final s, read as "Eerdekens's name". */
const PLURAL_POSSESSIVE = /(?<=s)['’](?=\s)/gu;

/** [owner, the words of its noun phrase] of each "Name's ... noun" (or "Names' ... noun") in `sentence`, as keys. */
function possessives(sentence: string): [string, string[]][] {
  const toks = tokens(sentence.replace(PLURAL_POSSESSIVE, "'s"));
  const out: [string, string[]][] = [];
  toks.forEach((t, i) => {
    const owner = possessiveOwner(t);
    if (owner === null || !isName(owner)) return;
    const phrase: string[] = [];
    for (const next of toks.slice(i + 1, i + 1 + MAX_NOUN_PHRASE)) {
      if (!isLowerStart(next) || STOPWORDS.has(next.toLowerCase())) break;
      if (length(next) >= MIN_CONTENT_LENGTH) phrase.push(key(next));
    }
    if (phrase.length > 0) out.push([key(owner), phrase]);
  });
  return out;
}

/** The sentence's names and its other content words, as keys. */
function content(sentence: string, doc: DocumentPlaces): { names: Set<string>; words: Set<string> } {
  const names = new Set<string>();
  const words = new Set<string>();
  for (const t of tokens(sentence)) {
    if (isDigitStart(t) || t.startsWith('#')) continue;
    const low = t.toLowerCase();
    const k = key(t);
    if (isName(t) && !doc.lower.has(k)) names.add(k);
    else if (!STOPWORDS.has(low) && length(low) >= MIN_CONTENT_LENGTH) words.add(k);
  }
  for (const n of names) words.delete(n);
  return { names, words };
}

/** The names of two words or more of a sentence, in order, as their words' keys joined by spaces. */
function longNames(toks: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const close = (): void => {
    if (run.length >= 2) out.push(run.join(' '));
    run = [];
  };
  for (const t of toks) {
    if (!isName(t)) {
      close();
      continue;
    }
    run.push(key(t));
    if (possessiveOwner(t) !== null) close(); // "Tony Vasut's new hire": the name ends at its possessive
  }
  close();
  return out;
}

/** Words that join two names as two different things ("Labour and the Tories", "Wales versus France"). */
const JOINTS: ReadonlySet<string> = new Set(['and', 'or', 'versus', 'vs']);

/** A word without its possessive ending ("Amanda's"). */
const bare = (token: string): string => possessiveOwner(token) ?? token;

/**
 * The name that opens a sentence and comes back, alone, as what it acts on, with no other name in between:
 * "Tom introduces Tom.", "Amanda plans to join Amanda's club.", "Wales won their first game with Wales." A
 * name that qualifies another one ("Labour strategist Alastair Campbell ... Labour's campaign") or a noun
 * ("... debug Python code", "Linear Backprop") is left be. Its key, or null.
 */
export function actsOnItself(toks: readonly string[]): string | null {
  const first = toks.length > 0 ? bare(toks[0]!) : '';
  if (!first || !isName(first)) return null;
  const own = key(first);
  const otherName = (t: string): boolean => {
    const b = bare(t);
    return b.length > 0 && isName(b) && key(b) !== own;
  };
  for (let i = 1; i < toks.length; i++) {
    const t = toks[i]!;
    if (otherName(t)) return null; // another name comes first: it may be the one that acts
    const b = bare(t);
    if (!b || !isName(b) || key(b) !== own) continue;
    const after = toks[i + 1] ?? '';
    const qualifies = (isLowerStart(after) && !STOPWORDS.has(after.toLowerCase())) || otherName(after);
    if (b !== t || !qualifies) return own;
  }
  return null;
}

/** How `sentence` relates a name to itself ("labour and labour", "tony vasut twice", "tom on itself"), or null. */
export function selfRelation(sentence: string): string | null {
  const toks = tokens(sentence);
  for (let i = 0; i + 2 < toks.length; i++) {
    const [a, joint, b] = [toks[i]!, toks[i + 1]!, toks[i + 2]!];
    // "from December to December 2004" of "in December 2004 from December 2003": a range from a name to itself
    const joins = JOINTS.has(joint) || (joint === 'to' && toks[i - 1] === 'from');
    if (joins && isName(a) && isName(b) && key(a) === key(b)) return `${key(a)} ${joint} ${key(b)}`;
    // "wages grew 1.9% in December compared to December"
    const c = toks[i + 3];
    if (
      joint === 'compared' &&
      (b === 'to' || b === 'with') &&
      c &&
      isName(a) &&
      isName(c) &&
      key(a) === key(c)
    )
      return `${key(a)} compared ${b} ${key(c)}`;
  }
  const seen = new Set<string>();
  for (const name of longNames(toks)) {
    if (seen.has(name)) return `${name} twice`;
    seen.add(name);
  }
  const acting = actsOnItself(toks);
  return acting === null ? null : `${acting} on itself`;
}

/** Capitalised words of a long name that say when, not who: "December" is near everything in a dated story. */
const DATE_WORDS: ReadonlySet<string> = new Set(
  'january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday'
    .split(' ')
    .map(key),
);

/**
 * Two names of two words or more in `sentence` that the document never puts within `WINDOW` words of each
 * other, nor in one sentence ("Former Southampton manager Gordon Strachan meets coach Joe Jordan." where
 * Strachan met Terry Brady and Joe Jordan coached the other club), as "a / b", or null. Only the words the
 * document never writes in lower case, and no date words, count as a name's.
 */
export function namesApart(sentence: string, doc: DocumentPlaces): string | null {
  const names: string[][] = [];
  for (const name of new Set(longNames(tokens(sentence)))) {
    const words = name.split(' ').filter((w) => doc.has(w) && !doc.lower.has(w) && !DATE_WORDS.has(w));
    if (words.length >= 2) names.push(words);
  }
  for (let i = 0; i < names.length; i++)
    for (const b of names.slice(i + 1)) {
      const a = names[i]!;
      if (
        !a.some((w) => b.includes(w)) &&
        !a.some((x) => b.some((y) => doc.near(x, y))) &&
        !doc.together(a, b)
      )
        return `${a.join(' ')} / ${b.join(' ')}`;
    }
  return null;
}

/**
 * Why `sentence` relates terms the document keeps apart ("owner's noun phrase" or a name) or a name to itself,
 * or null.
 */
export function misrelatedSentence(sentence: string, doc: DocumentPlaces): string | null {
  const self =
    selfRelation(sentence) ?? misstatedInheritance(sentence, doc.classes) ?? namesApart(sentence, doc);
  if (self !== null) return self;
  for (const [owner, phrase] of possessives(sentence)) {
    const known = phrase.filter((w) => doc.has(w));
    if (doc.has(owner) && known.length > 0 && !known.some((w) => doc.near(owner, w)))
      return `${owner}'s ${phrase.join(' ')}`;
  }
  const { names, words } = content(sentence, doc);
  const known = [...words].filter((w) => doc.has(w));
  if (known.length === 0) return null;
  for (const name of [...names].sort())
    if (doc.has(name) && !doc.edges.has(name) && !known.some((w) => doc.near(name, w))) return name;
  return null;
}

/** What each sentence of `summary` relates that the document keeps apart (empty when nothing). */
export function misrelated(summary: string, doc: DocumentPlaces): string[] {
  return splitSentences(summary).flatMap((s) => {
    const why = misrelatedSentence(s, doc);
    return why === null ? [] : [why];
  });
}

/**
 * `summary` without its sentences that relate what the document keeps apart (each sentence is judged on its
 * own, so the others stand), or '' when none is left; "Mr. David Hill will join David Hill's office." goes
 * whole, not leaving "Mr." behind (`wholeSentences`).
 */
export function withoutMisrelated(summary: string, doc: DocumentPlaces): string {
  return wholeSentences(summary)
    .filter((s) => misrelated(s, doc).length === 0)
    .join(' ');
}
