/**
 * What the model reads of a document: its prose, without what is around the text it should summarize.
 * Grounding and the last check still see the document as written. A web page, a notebook or a LaTeX source
 * comes here as its article (document-format.ts), and grounding sees the text it shows.
 * - a configuration or data file (JSON, YAML, TOML, INI): its settings as "key: value" lines (config-text.ts);
 * - a changelog: its newest releases (changelog.ts);
 * - any text: without copyright notice lines (copyright-notice.ts);
 * - source code or a script: without the licence its first comments state (licence-header.ts);
 * - a JavaScript module: without 'use strict' and the lines TypeScript's CommonJS output opens with
 *   (module-boilerplate.ts);
 * - Markdown and reStructuredText: their prose, without upkeep sections (markdown-prose.ts);
 * - an e-text: without Project Gutenberg's frame, credits and transcriber's notes (etext-notes.ts);
 * - a letter: without its opening greeting (letter-greeting.ts).
 */
import { changelogReading } from './changelog';
import { configReading } from './config-text';
import { withoutCopyrightNotices } from './copyright-notice';
import { withoutEtextNotes } from './etext-notes';
import { withoutLicenceHeader } from './licence-header';
import { withoutOpeningGreeting } from './letter-greeting';
import { markdownProse } from './markdown-prose';
import { withoutModuleBoilerplate } from './module-boilerplate';

export function readingOf(document: string): string {
  return withoutOpeningGreeting(
    withoutEtextNotes(
      configReading(document) ??
        changelogReading(document) ??
        markdownProse(withoutCopyrightNotices(withoutLicenceHeader(withoutModuleBoilerplate(document)))),
    ),
  );
}
