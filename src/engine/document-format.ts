/**
 * Documents written in a format that is not what a reader reads: a web page's markup, a notebook's JSON.
 * Each is turned into two texts: what a reader sees, which grounding and the last check hold a summary to,
 * and what the model reads of it (its article), before the reading of any text (reading.ts).
 */
import { articleText, looksLikeHtml, pageText } from './html-text';
import { notebookText } from './notebook';

export interface Unwrapped {
  /** What a reader sees of the document. */
  shown: string;
  /** What the model should read of it. */
  article: string;
}

/** The document `written` as text, or null when it is plain text (Markdown, code and prose included). */
export function unwrapFormat(written: string): Unwrapped | null {
  if (looksLikeHtml(written)) return { shown: pageText(written), article: articleText(written) };
  return notebookText(written);
}
