/**
 * A summary's sentences open with a capital, as prose does. The small model sometimes starts one with a
 * lower-case word ("... decode together. rows share one prefill", "telcos want IPTV services"), and the
 * rewards' sentence splitter (sentences.ts) does not even see a sentence there. An ordinary English word
 * (`rules/lexicon.txt`) opening a sentence gets its capital; any other lower-case word (an identifier such as
 * "npm" or "parse_config", a word the lexicon lacks) stays as the document may write it.
 */
import { isSentenceEnd } from './grounding/continuation';
import { baseForm, defaultLexicon } from './grounding/terms';

/**
 * A lower-case word at the start of the text or after a sentence mark (and closing quotes) and a space; not
 * the first part of a dotted or joined identifier ("options.prefixReuse", "snake_case", "a/b").
 */
const LOWER_OPENING = /(^|([.!?])(["'’”)]*)\s+)(\p{Ll}[\p{Ll}'’-]*)(?![\p{L}\p{N}_@/]|\.[\p{L}\p{N}])/gu;

export function withCapitalOpenings(summary: string): string {
  const lexicon = defaultLexicon();
  return summary.replace(
    LOWER_OPENING,
    (match, lead: string, mark: string | undefined, quotes: string, word: string, at: number) => {
      // "e.g. rows", "Mr. smith": the full stop of an abbreviation, an initial or a dotted word ends nothing
      if (mark !== undefined && quotes.length === 0 && !isSentenceEnd(summary, at)) return match;
      if (!lexicon.has(baseForm(word))) return match;
      return lead + word[0]!.toUpperCase() + word.slice(1);
    },
  );
}
