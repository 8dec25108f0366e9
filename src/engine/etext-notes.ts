/**
 * What an e-text adds around the work it transcribes: Project Gutenberg's header and licence, credit lines
 * ("Produced by ... and the Online Distributed Proofreading Team"), transcriber's and editor's notes, illustration
 * markers and page numbers standing alone. None of it is the story, and a summary that opens "Produced by Greg
 * Weeks, Mary Meehan and the Online Distributed Proofreading Team" or "This etext was produced from Galaxy
 * Science Fiction May 1957" summarizes the file, not the work. What the model reads goes without it; grounding
 * still checks against the whole text.
 */

/** Project Gutenberg's markers around the work: "*** START OF THE PROJECT GUTENBERG EBOOK ... ***". */
const GUTENBERG_START = /^\*{3}\s*START OF (?:THE |THIS )?PROJECT GUTENBERG E-?(?:BOOK|TEXT)\b.*$/imu;
const GUTENBERG_END = /^\*{3}\s*END OF (?:THE |THIS )?PROJECT GUTENBERG E-?(?:BOOK|TEXT)\b.*$/imu;

/** "[Transcriber's Note: ...]", "[Editor's note ...]", "[Illustration: ...]", "[Footnote 3: ...]". */
const BRACKETED_NOTE =
  /\[(?:(?:Transcriber|Editor|Publisher|Translator)['’]?s?\s+Notes?|Illustration|Footnote)\b[^\]]*\]/giu;

/** A credit paragraph, to the next blank line: "Produced by ...", "This etext was produced from ...". */
const CREDIT_PARAGRAPH =
  /^[ \t]*(?:Produced by|This e-?text was (?:produced|prepared)|E-?text prepared by|Transcribed from|Illustrated by)\b[\s\S]*?(?=\n[ \t]*\n|(?![\s\S]))/gimu;

/** A line that is only a page number, or a page marker such as "[Pg 12]" or "{12}". */
const PAGE_NUMBER_LINE = /^[ \t]*(?:\d{1,4}|\[(?:Pg|Page)\s*\d+\]|\{\d+\})[ \t]*$/gmu;

/** Whether `text` carries any of the above: only then is it changed. */
function hasNotes(text: string): boolean {
  return (
    GUTENBERG_START.test(text) ||
    new RegExp(BRACKETED_NOTE.source, 'iu').test(text) ||
    new RegExp(CREDIT_PARAGRAPH.source, 'imu').test(text)
  );
}

/** `text` without its e-text notes (see the module comment); a text with none is returned as it is. */
export function withoutEtextNotes(text: string): string {
  if (!hasNotes(text)) return text;
  let work = text;
  const start = GUTENBERG_START.exec(work);
  if (start) work = work.slice(start.index + start[0].length);
  const end = GUTENBERG_END.exec(work);
  if (end) work = work.slice(0, end.index);
  const cleaned = work
    .replace(BRACKETED_NOTE, '')
    .replace(CREDIT_PARAGRAPH, '')
    .replace(PAGE_NUMBER_LINE, '')
    .replace(/\n[ \t]*\n(?:[ \t]*\n)+/gu, '\n\n')
    .trim();
  return cleaned.length > 0 ? cleaned : text;
}
