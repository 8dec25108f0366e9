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

/**
 * Share of a document's lines (blank ones aside) that its speakers' turns must open before it counts as a
 * conversation. Transcripts and chats are turns throughout (the fewest in the evaluation sets: 0.6 of a samsum
 * chat's lines, 0.67 of a parliament's session); a README's "Type:" and "Default:" open at most 0.27, code's
 * "# NOTE:" less.
 */
const CONVERSATION_SHARE = 0.5;

/**
 * The speaker tags of a conversation: two speakers or more whose turns open at least half its lines (see
 * `CONVERSATION_SHARE`); an empty set for any other document. `tags`: its `speakerTags`, where the caller has
 * them. Twin: `terms.conversation_tags`.
 */
export function conversationTags(
  document: string,
  tags: ReadonlySet<string> = speakerTags(document),
): ReadonlySet<string> {
  if (tags.size < 2) return new Set();
  let turns = 0;
  for (const m of document.matchAll(TURN)) if (tags.has(m[1]!)) turns++;
  const lines = document.split('\n').filter((l) => l.trim() !== '').length;
  return turns >= CONVERSATION_SHARE * lines ? tags : new Set();
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

/**
 * First- and second-person words as a speaker says them, with any ending after an apostrophe ("I'm", "we'd",
 * also the garbled "I's"), and contractions written without it ("Youre", "Im"). "I" and "us" only as written
 * ("US" is a country, "i.e." an abbreviation); the others also with a capital, as a sentence opens. Twin:
 * `text_quality._PERSONAL_WORD`.
 */
const PERSONAL_WORD =
  /^(?:(?:I|us|[Mm](?:e|y|ine|yself)|[Yy]ou(?:rs?|rself|rselves)?|[Ww]e|[Oo]ur(?:s|selves)?)(?:['’]\p{L}*)?|[Ll]et['’]s|[Yy]ou(?:re|ve|ll|d)|I(?:m|ve)|[Ww]eve)$/u;
/** A word as the voice rule reads it: letters and digits with the apostrophes and hyphens inside and after them. */
const WORD_RUN = /[\p{L}\p{N}'’-]+/gu;
const WORD_CHAR = /[\p{L}\p{N}'’-]/u;

/** Whether a word (`WORD_RUN`) is a first- or second-person word; apostrophes and hyphens after it aside. */
export function isPersonalWord(run: string): boolean {
  return PERSONAL_WORD.test(run.replace(/['’-]+$/u, ''));
}

/** Whether the character at `at` of `text` is inside quotation marks ("..." or “...”). */
function insideQuotes(text: string, at: number): boolean {
  const before = text.slice(0, at);
  const straight = before.split('"').length - 1;
  return straight % 2 === 1 || before.lastIndexOf('“') > before.lastIndexOf('”');
}

/**
 * Whether `sentence` speaks as someone in a conversation: a first- or second-person word outside quotation
 * marks, once the speakers' own tags ("PhD I") are taken out. A summary of a conversation reports who said
 * what ("#Person1# invites #Person2# to help."); "my" or "you" there is a turn copied with its speaker's point
 * of view ("Rachel is at the hospital, my aunt was in an accident."). Twin: `text_quality.speaks_as_participant`.
 */
export function speaksAsParticipant(sentence: string, tags: ReadonlySet<string>): boolean {
  let s = sentence.replace(/"[^"]*"|“[^”]*”/gu, ' ');
  for (const tag of tags) s = s.split(tag).join(' ');
  for (const m of s.matchAll(WORD_RUN)) if (isPersonalWord(m[0])) return true;
  return false;
}

/**
 * For grounded decoding: whether `text`, whose last piece starts at `from`, writes a first- or second-person word
 * of a conversation's summary outside quotation marks (`speaksAsParticipant`). The word is refused as soon as
 * its letters are written ("my" before " dreads"), unless it is still being written and the document has a
 * longer name that begins with it (`startsLongerName`: "Ivan" after "I"); then it is refused once it ends
 * there. A speaker's own tag ("PhD I") is no pronoun. Twin: `terms.writes_participant_word`.
 */
export function writesParticipantWord(
  text: string,
  from: number,
  tags: ReadonlySet<string>,
  startsLongerName: (start: string) => boolean,
): boolean {
  // a pronoun is at most 10 characters ("yourselves"); the run that reaches back further is no pronoun
  const start = Math.max(0, from - 12);
  for (const m of text.slice(start).matchAll(WORD_RUN)) {
    const at = start + m.index;
    const end = at + m[0].length;
    const finished = end < text.length;
    // a run cut by the window, or one ended before the piece by a character the piece did not write
    if ((at === start && start > 0 && WORD_CHAR.test(text[start - 1]!)) || end < from) continue;
    if (!isPersonalWord(m[0])) continue;
    if (!finished && startsLongerName(m[0])) continue;
    if (insideQuotes(text, at) || endsWithTag(text.slice(0, end), tags)) continue;
    return true;
  }
  return false;
}
