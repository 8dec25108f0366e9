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
const SUMMARY_WORDS = [
  'summary',
  'summarizes',
  'text',
  'document',
  'describes',
  'explains',
  'discusses',
  'says',
  'said',
  'also',
];

let byStem: Map<string, string[]> | undefined;

/** The default vocabulary's words under their stems. */
function vocabularyByStem(): Map<string, string[]> {
  if (!byStem) {
    byStem = new Map();
    for (const word of defaultVocabulary().sorted) {
      const s = stem(word);
      const list = byStem.get(s);
      if (list) list.push(word);
      else byStem.set(s, [word]);
    }
  }
  return byStem;
}

/** The lower-case words a summary of `document` may write when it keeps to the document's wording. */
export function documentWording(document: string): Lexicon {
  const allowed = new Set<string>([...STOPWORDS, ...SUMMARY_WORDS]);
  for (const word of defaultVocabulary().sorted) if ([...word].length < MIN_CONTENT_LENGTH) allowed.add(word);
  const stems = vocabularyByStem();
  for (const t of tokens(document)) {
    const low = t.toLowerCase();
    if (!/^\p{L}/u.test(low)) continue;
    allowed.add(low);
    for (const w of stems.get(stem(low)) ?? []) allowed.add(w);
  }
  return new Lexicon(allowed);
}
