/**
 * A summary's sentences open with a capital after a space, as prose does. The small model sometimes starts one with a
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

/**
 * A space after an exclamation or question mark that a capital follows at once: the model copies "Grannie
 * Annie!" from the end of one line of a story and writes "Grannie Annie!She wrote ..." (a line break was there),
 * which reads as a typo and hides the sentence end from every later rule. (A full stop is left alone: "U.S.Army"
 * is rarer than "module.Exports", which must stay.)
 */
export function withSpacedSentences(summary: string): string {
  return summary.replace(/(?<=\p{L}[!?]+)(?=\p{Lu}\p{Ll})/gu, ' ');
}
