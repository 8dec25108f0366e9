/**
 * A sentence that only says again what the summary's earlier sentences said. The complete end of the small
 * model adds sentences until it has covered the text, and then some that recombine what it already wrote:
 * "... Construction plans will cost 38 million euros. Households will buy shares. The farm will cover 40
 * hectares. The farm costs 38 millions euros." and "... Kim wants Margot to find it. ... Margot wants Kim to
 * grill it for her." Such a sentence adds no word to the summary, so its coverage of the text is the same
 * without it, and it is shorter; and a restatement that swaps the roles of its words ("Margot wants Kim to
 * grill it") is where a reader meets a relation the text never states.
 */
import { NEGATORS } from './grounding/negation';
import { wholeSentences } from './sentences';
import { contentStems, startsWithDigit, tokens } from './words';

/**
 * Words that turn a statement round: a sentence with one says something its words alone do not. In a summary
 * "none" denies too (the denial rule leaves it out: in source code it is Python's None).
 */
const isNegation = (word: string): boolean => NEGATORS.has(word) || word === 'none' || word === "n't";

/**
 * Content-word stems, numbers, speaker tags and negations of a sentence: what it says, for comparing
 * sentences with each other ("#Person2# brings certificates." is not said by "#Person1# brings any paper or
 * certificate", nor "The budget would not pay later." by "... pay later spending plans.").
 */
function substance(sentence: string): string[] {
  const other = tokens(sentence).filter(
    (t) => startsWithDigit(t) || t.startsWith('#') || isNegation(t.toLowerCase()),
  );
  const contracted = /n['’]t\b/iu.test(sentence) ? ['not'] : [];
  return [...contentStems(sentence), ...other.map((t) => t.toLowerCase()), ...contracted];
}

/**
 * `summary` without the sentences, after its first, whose content words and numbers all occur in the
 * sentences kept before them. A sentence without any content word is left to the other rules.
 */
export function withoutRestatements(summary: string): string {
  // "Mr. Tang", "B. A.": a title alone is no sentence to drop
  const spans = wholeSentences(summary);
  if (spans.length < 2) return summary;
  const said = new Set<string>();
  const kept: string[] = [];
  for (const sentence of spans) {
    const words = substance(sentence);
    if (kept.length > 0 && words.length > 0 && words.every((w) => said.has(w))) continue;
    words.forEach((w) => said.add(w));
    kept.push(sentence);
  }
  return kept.length === spans.length ? summary : kept.join(' ');
}
