/**
 * The words a summary may write when it keeps to the document's wording: no content word whose stem the
 * document lacks. Open wording (the default vocabulary, `rules/vocabulary.txt`) lets a summary paraphrase,
 * and so also lets it add what the document never says ("will use the monthly parking for 1,900 people", of
 * an article without parking); kept to the document's wording it can still inflect the document's words
 * ("announced" → "announces") and use every function word, as the faithful reward's novelty check counts
 * (`contentStems`: stopwords and words shorter than the minimum are not content).
 *
 * Names, numbers and identifiers keep their own rules (terms.ts); this only narrows the lower-case words.
 */
import { Lexicon, defaultVocabulary } from './terms';
import { MIN_CONTENT_LENGTH, STOPWORDS, stem, tokens } from '../words';

/** Words any summary needs whatever it summarizes: what the document does, said of it. */
export const SUMMARY_WORDS: readonly string[] = [
  'summary',
  'summarizes',
  'text',
  'document',
  'describes',
  'explains',
  'discusses',
  'mentions',
  'highlights',
  'emphasizes',
  'outlines',
  'focuses',
  'details',
  'includes',
  'provides',
  'says',
  'said',
  'also',
];

let shared: { byStem: Map<string, string[]>; always: readonly string[] } | undefined;

/**
 * What every document's wording shares, built once: the default vocabulary's words under their stems, and
 * the words allowed whatever the document (function words, summary words, words too short to be content).
 */
function sharedWording(): { byStem: Map<string, string[]>; always: readonly string[] } {
  if (!shared) {
    const byStem = new Map<string, string[]>();
    const always = new Set<string>([...STOPWORDS, ...SUMMARY_WORDS]);
    for (const word of defaultVocabulary().sorted) {
      const s = stem(word);
      const list = byStem.get(s);
      if (list) list.push(word);
      else byStem.set(s, [word]);
      if ([...word].length < MIN_CONTENT_LENGTH) always.add(word);
    }
    shared = { byStem, always: [...always] };
  }
  return shared;
}

/** The lower-case words a summary of `document` may write when it keeps to the document's wording. */
export function documentWording(document: string): Lexicon {
  const { byStem, always } = sharedWording();
  const allowed = new Set<string>(always);
  for (const t of tokens(document)) {
    const low = t.toLowerCase();
    if (!/^\p{L}/u.test(low)) continue;
    allowed.add(low);
    for (const w of byStem.get(stem(low)) ?? []) allowed.add(w);
  }
  return new Lexicon(allowed);
}
