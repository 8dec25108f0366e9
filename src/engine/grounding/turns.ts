/**
 * The speaker turns of a conversation or transcript ("Grad C: ...", "#Person1#: ...", "A: ..."): a summary
 * names the speakers in sentences, it never writes a tag followed by a colon as the transcript does.
 */

/** A speaker turn's tag at the start of a line. */
const TURN = /^[ \t]*([A-Z#][\p{L}\p{N} _.#'-]{0,30}?)[ \t]*:[ \t]/gmu;
/** Turns a tag needs before the document counts as a conversation with it as a speaker. */
const MIN_TURNS = 2;

/** The speaker tags of a conversation or transcript: tags that open at least two lines. */
export function speakerTags(document: string): Set<string> {
  const counts = new Map<string, number>();
  for (const m of document.matchAll(TURN)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= MIN_TURNS).map(([tag]) => tag));
}

/** Whether `text` ends with one of `tags` (a whole word or more), before a colon that would follow it. */
export function endsWithTag(text: string, tags: ReadonlySet<string>): boolean {
  const t = text.trimEnd();
  for (const tag of tags) {
    if (!t.endsWith(tag)) continue;
    const before = t.slice(0, t.length - tag.length);
    if (before === '' || !/[\p{L}\p{N}#]$/u.test(before)) return true;
  }
  return false;
}

/**
 * Whether `text` writes one of `tags` followed by a colon anywhere: a summary that copies turns ("Grad G: and
 * so um ... Grad C: And ..."). Grounded decoding refuses that colon; the last check catches one decoded without.
 */
export function writesTurn(text: string, tags: ReadonlySet<string>): boolean {
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1))
    if (endsWithTag(text.slice(0, i), tags)) return true;
  return false;
}
