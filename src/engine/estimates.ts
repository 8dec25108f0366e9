/**
 * Quick estimates, in [0, 1], of how a summary meets the shipped objectives, shown next to each summary.
 * They are the lexical parts of the training rewards (training/steer_train/reward_lexical.py), computed on the
 * same rules (the tokenizer, stemmer, stopwords and number words in `rules/`, the same sentence splitting), and
 * both languages run the golden cases in rules/word-cases.json:
 * - `concise` is the concise reward of a summary the reward does not zero: it is 0 for a degenerate summary
 *   (empty, looping, cut off) or one stating a term its document lacks, which the estimate does not check
 *   (grounded decoding prevents the latter).
 * - `faithful` is the reward without its embedding support: per sentence the entity check squared times the
 *   novelty check. A capitalised word opening a sentence is an ordinary word, not a name, when the document
 *   writes it lower-case or a word list has it: the embedding model's vocabulary for the reward,
 *   `rules/lexicon.txt` (or `ordinaryWords`) for the estimate.
 * - `complete` is the reward's key-term recall, without the embedding coverage that makes the other half
 *   (1 for a document without key terms, where the reward has coverage alone).
 * A web page or a notebook is measured by the text it shows (document-format.ts), not its markup or JSON.
 * The extension does not ship the sentence-embedding model, so these two are estimates, not the rewards.
 * Objectives this module does not know get no estimate.
 */
import lexiconText from '../../rules/lexicon.txt';
import { unwrapFormat } from './document-format';
import { sentenceStarts, splitSentences } from './sentences';
import { NUMBER_WORDS, STOPWORDS, contentStems, startsWithDigit, stem, tokenCount, tokens } from './words';

// training/steer_train/reward_lexical.py and rewards.py
const R0 = 0.25;
const K = 2.5;
const L0 = 300;
const NOVEL_WEIGHT = 0.7;
const ENTITY_POWER = 2;
const FAITH_MIN_WEIGHT = 0.5;
const MAX_KEYWORDS = 20;

/** Words known to be ordinary, so that one opening a sentence capitalised is no name. */
export interface OrdinaryWords {
  has(word: string): boolean;
}
let lexicon: ReadonlySet<string> | undefined;
/** `rules/lexicon.txt`, read on first use (grounding reads it too, but the extension host need not load grounding). */
function defaultOrdinaryWords(): OrdinaryWords {
  lexicon ??= new Set(lexiconText.split('\n').filter((w) => w.length > 0));
  return lexicon;
}

/** The tokens the concise reward counts (words, numbers, speaker tags). */
export const wordCount = tokenCount;

/** '1,000' → '1000', '3.50' → '3.5', '07' → '7' (the rewards' number form). */
function numberForm(token: string): string {
  let t = token.replace(/,/g, '');
  if (t.includes('.')) t = t.replace(/0+$/u, '').replace(/\.$/u, '');
  t = t.replace(/^0+/u, '') || '0';
  return t.startsWith('.') ? '0' + t : t;
}

const lowerApostrophe = (t: string): string => t.toLowerCase().replace(/’/g, "'");
const withoutPossessive = (low: string): string => (low.endsWith("'s") ? low.slice(0, -2) : low);

interface Entity {
  kind: 'num' | 'tag' | 'name';
  form: string;
  weight: number;
}

/** Names, numbers, speaker tags and tokens with digits; a sentence-initial name only if not `ordinary`, at half weight. */
function entities(text: string, ordinary: (word: string) => boolean): Entity[] {
  const { tokens: toks, starts } = sentenceStarts(text);
  const out: Entity[] = [];
  toks.forEach((t, i) => {
    if (startsWithDigit(t)) out.push({ kind: 'num', form: numberForm(t), weight: 1 });
    else if (t.startsWith('#')) out.push({ kind: 'tag', form: t.toLowerCase(), weight: 1 });
    else if (/\p{Nd}/u.test(t))
      out.push({ kind: 'name', form: lowerApostrophe(t), weight: 1 }); // GPT-2
    else if (/^\p{Lu}/u.test(t) && t !== 'I') {
      const low = lowerApostrophe(t);
      const base = withoutPossessive(low);
      if (STOPWORDS.has(base) || STOPWORDS.has(low) || base in NUMBER_WORDS) return;
      if (!starts.has(i)) out.push({ kind: 'name', form: base, weight: 1 });
      else if (!ordinary(base) && !ordinary(stem(base))) out.push({ kind: 'name', form: base, weight: 0.5 });
    }
  });
  return out;
}

interface DocumentFacts {
  words: number;
  names: Set<string>;
  numbers: Set<string>;
  stems: Set<string>;
  lowerWords: Set<string>;
  caps: Set<string>;
  keywords: Map<string, number>;
}

// A preview estimates k summaries of one document: its facts are computed once, for the last document seen.
let lastFacts: { document: string; facts: DocumentFacts } | null = null;

function documentFacts(document: string): DocumentFacts {
  if (lastFacts?.document !== document) lastFacts = { document, facts: computeFacts(document) };
  return lastFacts.facts;
}

function computeFacts(document: string): DocumentFacts {
  const facts: DocumentFacts = {
    words: tokenCount(document),
    names: new Set(),
    numbers: new Set(),
    stems: new Set(),
    lowerWords: new Set(),
    caps: new Set(),
    keywords: new Map(),
  };
  for (const t of tokens(document)) {
    const low = lowerApostrophe(t);
    if (startsWithDigit(t)) {
      facts.numbers.add(numberForm(t));
      continue;
    }
    for (const name of [low, withoutPossessive(low), ...low.split('-')]) facts.names.add(name);
    const st = stem(low);
    facts.stems.add(st);
    const digits = NUMBER_WORDS[low];
    if (digits !== undefined) facts.numbers.add(digits);
    if (/^\p{Ll}/u.test(t)) facts.lowerWords.add(low).add(st);
    else if (/^\p{Lu}/u.test(t)) facts.caps.add(low);
  }
  // Key terms: the most frequent content stems; names (not opening a sentence) count double.
  const counts = new Map<string, number>();
  const count = (s: string) => counts.set(s, (counts.get(s) ?? 0) + 1);
  contentStems(document).forEach(count);
  const ordinary = (w: string) => facts.lowerWords.has(w) || w in NUMBER_WORDS;
  for (const e of entities(document, ordinary)) if (e.kind === 'name' && e.weight === 1) count(stem(e.form));
  const sentences = splitSentences(document).length || (document.trim() ? 1 : 0);
  const top = [...counts].sort((a, b) => b[1] - a[1]); // stable: ties keep first-seen order, as Python's
  facts.keywords = new Map(top.slice(0, Math.min(MAX_KEYWORDS, Math.max(5, sentences))));
  return facts;
}

export function conciseEstimate(summaryWords: number, documentWords: number): number {
  const r = summaryWords / Math.max(documentWords, 1);
  return 1 / (1 + (r / R0) ** K) / (1 + (summaryWords / L0) ** 2);
}

/** Share of the entities of `text` the document has, add-one smoothed; a speaker tag counts only if new. */
function entityPrecision(doc: DocumentFacts, text: string, ordinaryWords: OrdinaryWords): number {
  let total = 0;
  let found = 0;
  const ordinary = (w: string) => ordinaryWords.has(w) || doc.lowerWords.has(w);
  for (const { kind, form, weight } of entities(text, ordinary)) {
    let ok: boolean;
    if (kind === 'num') ok = doc.numbers.has(form);
    else if (kind === 'tag') {
      if (doc.names.has(form)) continue;
      ok = false;
    } else {
      ok = doc.names.has(form);
      if (!ok && form.includes('-')) ok = form.split('-').every((p) => p === '' || doc.names.has(p));
      if (!ok && form.endsWith('s')) ok = doc.caps.has(form.slice(0, -1)); // "the Smiths", "Americans"
    }
    total += weight;
    if (ok) found += weight;
  }
  return (found + 1) / (total + 1);
}

/** Fraction of the content-word stems of `text` that the document lacks (0 if it has none). */
function novelty(doc: DocumentFacts, text: string): number {
  const stems = contentStems(text);
  return stems.length === 0 ? 0 : stems.filter((s) => !doc.stems.has(s)).length / stems.length;
}

/** Per sentence: (entity check)² × (1 − 0.7 × novelty); weighted towards the weakest sentence. */
function faithfulEstimate(doc: DocumentFacts, summary: string, ordinaryWords: OrdinaryWords): number {
  const sentences = splitSentences(summary);
  if (sentences.length === 0) return 0;
  const scores = sentences.map(
    (s) => entityPrecision(doc, s, ordinaryWords) ** ENTITY_POWER * (1 - NOVEL_WEIGHT * novelty(doc, s)),
  );
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return FAITH_MIN_WEIGHT * Math.min(...scores) + (1 - FAITH_MIN_WEIGHT) * mean;
}

/** Weighted share of the document's key terms whose stem a token of the summary has. */
function completeEstimate(doc: DocumentFacts, summary: string): number {
  const total = [...doc.keywords.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return tokenCount(summary) > 0 ? 1 : 0;
  const have = new Set(tokens(summary).map((t) => stem(t.toLowerCase())));
  let found = 0;
  for (const [k, w] of doc.keywords) if (have.has(k)) found += w;
  return found / total;
}

/** Estimates for the objectives among `objectiveIds` that this module knows; empty summaries score 0. */
export function estimateObjectives(
  document: string,
  summary: string,
  objectiveIds: readonly string[],
  ordinaryWords: OrdinaryWords = defaultOrdinaryWords(),
): Record<string, number> {
  // a web page or a notebook is measured by the text it shows, as grounding holds the summary to it
  const doc = documentFacts(unwrapFormat(document)?.shown ?? document);
  const words = tokenCount(summary);
  const out: Record<string, number> = {};
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  for (const id of objectiveIds) {
    if (id === 'concise') out[id] = words === 0 ? 0 : clamp(conciseEstimate(words, doc.words));
    else if (id === 'faithful')
      out[id] = words === 0 ? 0 : clamp(faithfulEstimate(doc, summary, ordinaryWords));
    else if (id === 'complete') out[id] = words === 0 ? 0 : clamp(completeEstimate(doc, summary));
  }
  return out;
}
