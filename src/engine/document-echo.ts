/**
 * Rules of the last check that need the prompt or the document, not the summary alone (usability.ts has
 * those): a summary that repeats the system message, talks about itself instead of the text, or copies a
 * conversation's speaker turns is not a summary, however grounded its words are.
 */

/** Lower-case words of `text`, letters and digits only. */
function plainWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

/** Share of a summary's words the prompt has, above which it repeats the prompt ("You are a helper that summarizes text."). */
const ECHO_SHARE = 0.8;

/**
 * Whether a summary, or its first sentence, mostly repeats the prompt's own words (the system message), which
 * small models do.
 */
export function echoesPrompt(summary: string, promptText: string): boolean {
  const prompt = new Set(plainWords(promptText));
  const share = (text: string): boolean => {
    const words = plainWords(text);
    return words.length > 0 && words.filter((w) => prompt.has(w)).length >= ECHO_SHARE * words.length;
  };
  // the whole summary, or its first sentence when the model went on after the echo
  const first = /^.*?[.!?](?=\s|$)/su.exec(summary.trim())?.[0];
  return share(summary) || (first !== undefined && plainWords(first).length >= 4 && share(first));
}

/**
 * Whether a summary opens by announcing itself ("Here's a concise summary of ...", "This is a summary of
 * ..."): the small model's chat habit, which says nothing about the text in its first words and often
 * nothing after them either.
 */
export function announcesItself(summary: string): boolean {
  return /^\s*(?:here(?:'|’)?s|here is|this is|below is)\s+(?:a|an|the|my)\s+(?:\w+\s+){0,2}summary\b/iu.test(
    summary,
  );
}

/** A speaker turn's tag at the start of a line ("Grad C: ...", "#Person1#: ...", "A: ..."). */
const TURN = /^[ \t]*([A-Z#][\p{L}\p{N} _.#'-]{0,30}?)[ \t]*:[ \t]/gmu;
/** Turns a tag needs before the document counts as a conversation with it as a speaker. */
const MIN_TURNS = 2;

/** The speaker tags of a conversation or transcript: tags that open at least two lines. */
export function speakerTags(document: string): Set<string> {
  const counts = new Map<string, number>();
  for (const m of document.matchAll(TURN)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= MIN_TURNS).map(([tag]) => tag));
}

/**
 * Whether a summary copies speaker turns ("Grad G: and so um ... Grad C: And ..."): a summary of a
 * conversation names its speakers in sentences, it never writes a tag followed by a colon.
 */
export function copiesTurns(summary: string, tags: ReadonlySet<string>): boolean {
  for (const tag of tags) {
    const escaped = tag.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    if (new RegExp(`(?:^|[^\\p{L}\\p{N}#])${escaped}\\s*:`, 'u').test(summary)) return true;
  }
  return false;
}
