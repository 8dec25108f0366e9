/**
 * A LaTeX source as text. Read as written, a paper is commands, environments and comments ("\section{Method}",
 * "\begin{lstlisting}", "% Paragraph that describes the research problem"), which a summary may not contain and
 * which the model would copy. So it is turned into text once, two ways (document-format.ts):
 * - what a reader sees (`shown`): the typeset words, without comments; commands are dropped and their
 *   arguments kept ("\textbf{Latency}" reads "Latency"), so code listings and formulas count too. Grounding and
 *   the last check hold the summary to it;
 * - what the model reads (`article`): the body after `\begin{document}`, without the preamble, headings,
 *   captions, citations, labels, footnotes, display math, figures, tables, code listings and the bibliography,
 *   as the Markdown reading leaves out headings, code and tables (markdown-prose.ts); list items become lines.
 * A scanner of the usual markup, not a TeX engine: macros a document defines are read as their arguments.
 */

import type { Unwrapped } from './document-format';
import { isSourceCode } from './markdown-prose';

/** Environments the model does not read: floats, display math, code, bibliographies. */
const SKIPPED_ENVIRONMENTS = [
  'equation',
  'align',
  'alignat',
  'gather',
  'multline',
  'eqnarray',
  'displaymath',
  'math',
  'figure',
  'table',
  'tabular',
  'tabularx',
  'longtable',
  'lstlisting',
  'verbatim',
  'Verbatim',
  'minted',
  'tikzpicture',
  'algorithm',
  'algorithmic',
  'thebibliography',
  'filecontents',
];

/** Commands whose argument is not prose the model reads (headings, references, metadata, floats' parts). */
const DROPPED_WITH_ARGUMENT = [
  'part',
  'chapter',
  'section',
  'subsection',
  'subsubsection',
  'paragraph',
  'subparagraph',
  'title',
  'author',
  'date',
  'thanks',
  'caption',
  'label',
  'ref',
  'eqref',
  'autoref',
  'cref',
  'Cref',
  'pageref',
  'cite',
  'citep',
  'citet',
  'citeauthor',
  'citeyear',
  'nocite',
  'footnote',
  'url',
  'includegraphics',
  'bibliography',
  'bibliographystyle',
  'usepackage',
  'documentclass',
  'input',
  'include',
  'todo',
  'vspace',
  'hspace',
  'moduleauthor',
  'sectionauthor',
  'declaremodule',
  'index',
];

const SIGNALS = [
  /\\documentclass\b/,
  /\\begin\{document\}/,
  /\\(?:sub)*section\*?\{/,
  /\\begin\{[a-zA-Z*]+\}/,
  /\\(?:cite|citep|citet|ref|label)\{/,
  /\\(?:textbf|emph|textit|texttt)\{/,
  /\\usepackage\b/,
];

/** Environments whose content is code: a line of code there does not make the document source code. */
const CODE_ENVIRONMENTS = ['lstlisting', 'verbatim', 'Verbatim', 'minted'];

/**
 * Whether `text` is a LaTeX source: a document class or body, or three kinds of its markup at least, and no
 * line of code outside its code listings.
 */
export function looksLikeLatex(text: string): boolean {
  const strong = /^\s*(?:%.*\n\s*)*\\documentclass\b/.test(text) || /\\begin\{document\}/.test(text);
  if (!strong && SIGNALS.filter((re) => re.test(text)).length < 3) return false;
  // a Python module that writes a LaTeX template, or whose docstrings hold formulas, is code
  return !isSourceCode(withoutEnvironments(withoutComments(text), CODE_ENVIRONMENTS));
}

/** `text` without comments: a % to the end of its line, unless escaped (\%). */
function withoutComments(text: string): string {
  return text.replace(/(^|[^\\])%.*$/gm, '$1');
}

/** Where the brace group opening at `open` closes, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `text` without each `\name[...]{...}{...}` of `names`, its arguments included. */
function withoutCommands(text: string, names: readonly string[]): string {
  const re = new RegExp(String.raw`\\(?:${names.join('|')})\*?\s*(?:\[[^\]]*\]\s*)*(?=\{)`, 'g');
  let out = '';
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let close = closingBrace(text, m.index + m[0].length);
    if (close < 0) continue;
    // "\moduleauthor{Joe Gregorio}{joe@bitworking.org}": every argument that follows at once
    while (text[close + 1] === '{') {
      const next = closingBrace(text, close + 1);
      if (next < 0) break;
      close = next;
    }
    out += text.slice(at, m.index);
    at = close + 1;
    re.lastIndex = at;
  }
  return out + text.slice(at);
}

/** `text` without the environments named, their content included. */
function withoutEnvironments(text: string, names: readonly string[]): string {
  const re = new RegExp(String.raw`\\begin\{(${names.join('|')})(\*?)\}[\s\S]*?\\end\{\1\2\}`, 'g');
  return text.replace(re, '\n');
}

/** Characters LaTeX writes with markup: escapes, quotes, dashes, ties, line breaks. */
function plainCharacters(text: string): string {
  return (
    text
      .replace(/\\\\(?:\[[^\]]*\])?/g, '\n')
      // inline math reads as its content ("$O(n)$"); an escaped dollar is money
      .replace(/(?<!\\)\$\$?/g, '')
      .replace(/\\([%&_$#{}])/g, '$1')
      .replace(/``|''/g, '"')
      .replace(/---/g, '—')
      .replace(/--/g, '–')
      .replace(/~/g, ' ')
  );
}

/** Commands dropped, their arguments kept as text; braces and stray backslashes gone; blank runs tidied. */
function unwrapped(text: string): string {
  return (
    text
      // a link reads as its text, not its target: \href{https://...}{Github}
      .replace(/\\(?:href|hyperlink)\{[^}]*\}/g, '')
      .replace(/\}\s*\{/g, '} {')
      .replace(/\\item\s*(?:\[([^\]]*)\])?/g, '\n$1 ')
      .replace(/\\(?:begin|end)\{[^}]*\}(?:\[[^\]]*\])?/g, '\n')
      .replace(/\\[a-zA-Z@]+\*?(?:\[[^\]]*\])?/g, '')
      .replace(/\\./g, '')
      .replace(/[{}]/g, '')
      .replace(/[ \t]+/g, ' ')
      // a citation or reference gone leaves its space before the full stop: "robot~\cite{x}."
      .replace(/ +([.,;:!?])/g, '$1')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** The body of a document: what stands between \begin{document} and \end{document}, or all of it. */
function body(text: string): string {
  const start = text.indexOf('\\begin{document}');
  const from = start < 0 ? 0 : start + '\\begin{document}'.length;
  const end = text.indexOf('\\end{document}', from);
  return text.slice(from, end < 0 ? text.length : end);
}

/** The LaTeX source `text` as text (see the module comment), or null when it is not LaTeX. */
export function latexText(text: string): Unwrapped | null {
  if (!looksLikeLatex(text)) return null;
  const source = body(withoutComments(text));
  const shown = unwrapped(plainCharacters(source));
  const prose = withoutCommands(
    withoutEnvironments(source, SKIPPED_ENVIRONMENTS)
      .replace(/\\\[[\s\S]*?\\\]/g, '\n')
      .replace(/\$\$[\s\S]*?\$\$/g, '\n'),
    DROPPED_WITH_ARGUMENT,
  );
  return { shown, article: unwrapped(plainCharacters(prose)) };
}
