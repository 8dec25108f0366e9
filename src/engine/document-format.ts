/**
 * Documents written in a format that is not what a reader reads: a web page's markup, a notebook's JSON, a
 * LaTeX source's commands.
 * Each is turned into two texts: what a reader sees, which grounding and the last check hold a summary to,
 * and what the model reads of it (its article), before the reading of any text (reading.ts).
 */
import { articleText, looksLikeHtml, opensAsPage, pageText } from './html-text';
import { latexText } from './latex-text';
import { isSourceCode, looksLikeMarkdown } from './markdown-prose';
import { notebookText } from './notebook';

/** Of a part of a page (a selection), the share of its characters that markup should have at least. */
const FRAGMENT_TAG_SHARE = 0.15;

/**
 * Whether `text` is HTML: a page (html-text.ts `looksLikeHtml`), or a part of one selected in the editor,
 * paragraphs or list items closed as HTML closes them, mostly markup, and neither source code (a component
 * with its imports) nor Markdown (a README with a centred logo).
 */
function isHtml(text: string): boolean {
  if (opensAsPage(text)) return true;
  // a README or a source file with HTML in its examples ("<body>") is what it is
  if (isSourceCode(text) || looksLikeMarkdown(text)) return false;
  if (looksLikeHtml(text)) return true;
  const closed = text.match(/<\/(?:p|li|div|h[1-6]|td|section|article)>/giu)?.length ?? 0;
  if (closed < 5) return false;
  const tags = (text.match(/<\/?[a-zA-Z][^>]*>/gu) ?? []).reduce((n, t) => n + t.length, 0);
  return tags / text.length >= FRAGMENT_TAG_SHARE;
}

export interface Unwrapped {
  /** What a reader sees of the document. */
  shown: string;
  /** What the model should read of it. */
  article: string;
}

/** The document `written` as text, or null when it is plain text (Markdown, code and prose included). */
export function unwrapFormat(written: string): Unwrapped | null {
  if (isHtml(written)) return { shown: pageText(written), article: articleText(written) };
  const notebook = notebookText(written);
  if (notebook !== null) return notebook;
  // a README with formulas in it is what it is (latex-text.ts keeps source code out)
  return looksLikeMarkdown(written) ? null : latexText(written);
}
