/**
 * What the model reads of a document: its prose, without what is around the text it should summarize.
 * Grounding and the last check still see the document as written.
 * - a changelog: its newest releases (changelog.ts);
 * - Markdown and reStructuredText: their prose, without upkeep sections (markdown-prose.ts);
 * - an e-text: without Project Gutenberg's frame, credits and transcriber's notes (etext-notes.ts);
 * - a letter: without its opening greeting (letter-greeting.ts).
 */
import { changelogReading } from './changelog';
import { withoutEtextNotes } from './etext-notes';
import { withoutOpeningGreeting } from './letter-greeting';
import { markdownProse } from './markdown-prose';

export function readingOf(document: string): string {
  return withoutOpeningGreeting(withoutEtextNotes(changelogReading(document) ?? markdownProse(document)));
}
