/**
 * Quick estimates, in [0, 1], of how a summary meets the shipped objectives, shown next to each summary.
 * `concise` is the training reward exactly (training/steer_train/rewards.py). `faithful` and `complete` are
 * the lexical halves of their rewards (entity check and novelty; key-term recall): the training rewards also
 * use sentence embeddings, which the extension does not ship, so these are estimates, not the rewards.
 * Objectives this module does not know get no estimate.
 */

// training/steer_train/rewards.py
const R0 = 0.25;
const K = 2.5;
const L0 = 300;
const NOVEL_WEIGHT = 0.7;
const FAITH_MIN_WEIGHT = 0.5;
const MAX_KEYWORDS = 20;

const TOKEN_RE = /#?[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*#?/gu;
const SENTENCE_RE = /[^.!?]+(?:[.!?]+|$)/g;

// A short English stopword list: enough to keep function words out of names, key terms and novelty.
const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just me more most my ' +
    'no nor not now of off on once only or other our ours out over own same she should so some such than ' +
    'that the their theirs them then there these they this those through to too under until up very was we ' +
    'were what when where which while who whom why will with would you your yours yourself said says say ' +
    'one two also may might must shall us'
  ).split(' '),
);

export function wordCount(text: string): number {
  return text.match(TOKEN_RE)?.length ?? 0;
}

function stem(word: string): string {
  let w = word.toLowerCase().replace(/’/g, "'").replace(/'s$/, '').replace(/'+$/, '');
  for (const [suffix, min] of [
    ['ies', 4],
    ['ing', 5],
    ['ed', 4],
    ['es', 4],
    ['ly', 4],
    ['s', 3],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= min - 1) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w;
}

function contentStems(text: string): string[] {
  const out: string[] = [];
  for (const t of text.match(TOKEN_RE) ?? []) {
    const low = t.toLowerCase();
    if (/^\d/.test(t) || t.startsWith('#') || STOPWORDS.has(low) || low.length < 3) continue;
    out.push(stem(low));
  }
  return out;
}

/** Names (capitalised, not sentence-initial, not stopwords) and numbers of a text, normalised. */
function entities(text: string): { names: string[]; numbers: string[] } {
  const names: string[] = [];
  const numbers: string[] = [];
  for (const sentence of text.match(SENTENCE_RE) ?? []) {
    const toks = sentence.match(TOKEN_RE) ?? [];
    toks.forEach((t, i) => {
      if (/^\d/.test(t)) numbers.push(t.replace(/,/g, '').replace(/\.0+$/, ''));
      else if (i > 0 && /^\p{Lu}/u.test(t) && !STOPWORDS.has(t.toLowerCase())) names.push(t.toLowerCase());
    });
  }
  return { names, numbers };
}

export function conciseEstimate(summaryWords: number, documentWords: number): number {
  const r = summaryWords / Math.max(documentWords, 1);
  return 1 / (1 + (r / R0) ** K) / (1 + (summaryWords / L0) ** 2);
}

interface DocumentFacts {
  words: number;
  stems: Set<string>;
  lowerWords: Set<string>;
  numbers: Set<string>;
  keywords: Map<string, number>;
}

// A preview estimates k summaries of one document: its facts are computed once, for the last document seen.
let lastFacts: { document: string; facts: DocumentFacts } | null = null;

function documentFacts(document: string): DocumentFacts {
  if (lastFacts?.document !== document) lastFacts = { document, facts: computeFacts(document) };
  return lastFacts.facts;
}

function computeFacts(document: string): DocumentFacts {
  const toks = document.match(TOKEN_RE) ?? [];
  const lowerWords = new Set(toks.map((t) => t.toLowerCase()));
  const { names, numbers } = entities(document);
  const nameSet = new Set(names);
  const counts = new Map<string, number>();
  for (const s of contentStems(document)) counts.set(s, (counts.get(s) ?? 0) + 1);
  const weighted = [...counts].map(([s, n]) => [s, nameSet.has(s) ? 2 * n : n] as const);
  weighted.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const keywords = new Map(weighted.filter(([, n]) => n >= 2).slice(0, MAX_KEYWORDS));
  return {
    words: toks.length,
    stems: new Set(counts.keys()),
    lowerWords,
    numbers: new Set(numbers),
    keywords,
  };
}

/** Per sentence: (entity precision, add-one smoothed)² × (1 − 0.7 × share of content stems the document lacks). */
function faithfulEstimate(doc: DocumentFacts, summary: string): number {
  const sentences = (summary.match(SENTENCE_RE) ?? []).filter((s) => wordCount(s) > 0);
  if (sentences.length === 0) return 0;
  const scores = sentences.map((s) => {
    const { names, numbers } = entities(s);
    const found =
      names.filter((n) => doc.lowerWords.has(n)).length + numbers.filter((n) => doc.numbers.has(n)).length;
    const precision = (found + 1) / (names.length + numbers.length + 1);
    const stems = contentStems(s);
    const novelty = stems.length === 0 ? 0 : stems.filter((x) => !doc.stems.has(x)).length / stems.length;
    return precision ** 2 * (1 - NOVEL_WEIGHT * novelty);
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return FAITH_MIN_WEIGHT * Math.min(...scores) + (1 - FAITH_MIN_WEIGHT) * mean;
}

/** Weighted share of the document's key terms (its most frequent content stems) found in the summary. */
function completeEstimate(doc: DocumentFacts, summary: string): number {
  const total = [...doc.keywords.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return wordCount(summary) > 0 ? 1 : 0;
  const have = new Set(contentStems(summary));
  let found = 0;
  for (const [k, w] of doc.keywords) if (have.has(k)) found += w;
  return found / total;
}

/** Estimates for the objectives among `objectiveIds` that this module knows; empty summaries score 0. */
export function estimateObjectives(
  document: string,
  summary: string,
  objectiveIds: readonly string[],
): Record<string, number> {
  const doc = documentFacts(document);
  const words = wordCount(summary);
  const out: Record<string, number> = {};
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  for (const id of objectiveIds) {
    if (id === 'concise') out[id] = words === 0 ? 0 : clamp(conciseEstimate(words, doc.words));
    else if (id === 'faithful') out[id] = clamp(faithfulEstimate(doc, summary));
    else if (id === 'complete') out[id] = words === 0 ? 0 : clamp(completeEstimate(doc, summary));
  }
  return out;
}
