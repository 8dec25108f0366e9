/**
 * What the model reads of a Markdown or reStructuredText document: its prose. The model learned to summarize
 * prose (news, dialogue, papers), and given raw Markdown it copied what it saw: code fences, headings,
 * commands. So a document that looks like either is read without code (fenced, indented, or a reST
 * directive's or literal block), tables, images, HTML comments and tags, rules and headings (ATX, setext
 * and reST underlines alike), GitHub alerts ("> [!NOTE]", an aside) and link definitions, with quotes, links
 * (inline and by reference), emphasis and inline code unwrapped to their text, and without emoji and other
 * pictographs (a README's "🤗 hf-xet" title: the model copied the emoji first, which a
 * summary may not contain, and was lost). A README is read without its upkeep sections (installing,
 * licence, contributing: document-sections.ts) when enough is left. Grounding still checks the summary
 * against the document as written.
 */
import { fencedLines, headings, withoutUpkeepSections } from './document-sections';
import { decodeEntities } from './html-text';

const MARKDOWN_SIGNALS = [/^#{1,6}\s/m, /^\s*(```|~~~)/m, /^\s*\|.*\|\s*$/m, /\]\([^)]*\)/, /\*\*[^*]+\*\*/];
const RESTRUCTURED_TEXT_SIGNALS = [
  // a setext or reST heading: a line of text underlined with one punctuation character (the letter found by a
  // lookahead: "[^\n]*\p{L}[^\n]*" took quadratic time, 44 s on a notebook's line of base64)
  /^(?=[^\n]*\p{L})[^\n]*\n\s{0,3}([=\-~^*+#"'`:.])\1{2,}[ \t]*$/mu,
  /^\.\.\s+(?:[\w|-]+::|_)/m,
  /``[^`\n]+``/,
  /`[^`\n]+<[^>\n]+>`__?/,
];

/** A line of code at the margin: a definition, an import, a declaration or a decorator, with its syntax. */
const CODE_AT_MARGIN = new RegExp(
  [
    String.raw`(?:export\s+)?(?:async\s+)?(?:def|function)\s*\*?\s*[\w$]*\s*\(`,
    String.raw`(?:export\s+)?(?:abstract\s+)?class\s+\w+\s*(?:[(:{<]|extends|implements|$)`,
    String.raw`(?:export\s+)?(?:const|let|var)\s+[\w$\s{}[\],]+=`,
    String.raw`import\s+(?:[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+)*\s*;?\s*$|.*\sfrom\s+['"]|['"])`,
    String.raw`from\s+[\w.]+\s+import\s`,
    String.raw`package\s+[\w.]+;?\s*$`,
    String.raw`(?:public|private|protected)\s+(?:static\s+)?(?:class|interface|void|[\w<>\[\]]+\s+\w+\s*\()`,
    String.raw`(?:pub\s+)?fn\s+\w+\s*[<(]`,
    String.raw`func\s+(?:\([^)]*\)\s*)?\w+\s*\(`,
    String.raw`use\s+[\w:]+(?:::\{[^}]*\}|::\*)?;\s*$`,
    String.raw`#include\s*[<"]`,
    String.raw`module\.exports\b`,
    String.raw`@[\w.]+(?:\(.*\))?\s*$`,
  ]
    .map((p) => `^(?:${p})`)
    .join('|'),
  'u',
);

/** Whether `text` is source code: a line of code at the margin outside fences (one function has one). */
export function isSourceCode(text: string): boolean {
  const lines = text.split(/\r?\n/);
  const fenced = fencedLines(lines);
  return lines.some((line, i) => !fenced[i] && CODE_AT_MARGIN.test(line));
}

/** Two signals of Markdown or reST at least; source code counts only Markdown's (see looksLikeMarkdown). */
function hasMarkup(text: string, sourceCode: boolean): boolean {
  const of = sourceCode ? MARKDOWN_SIGNALS : [...MARKDOWN_SIGNALS, ...RESTRUCTURED_TEXT_SIGNALS];
  return of.filter((re) => re.test(text)).length >= 2;
}

/**
 * Whether `text` looks like Markdown or reStructuredText: two signals of their syntax at least. Source code
 * (a line of code at the margin outside fences) counts only Markdown's signals: a Python module's
 * docstrings would pass for reST ("Parameters\n----------", ``None``).
 */
export function looksLikeMarkdown(text: string): boolean {
  return hasMarkup(text, isSourceCode(text));
}

/** Below this many words left without the upkeep sections, the whole document's prose is read. */
const MIN_WORDS_LEFT = 8;

/**
 * The prose of a Markdown or reST document (see the module comment); other text is returned as it is.
 * Source code that looks like Markdown (its "# comments" read as headings) keeps the plain reading: fences,
 * ATX headings, tables and inline markup only. Read with indented blocks dropped, or as written, its
 * summaries were worse (on 11 such test files mean steerability 0.76 -> 0.67 as written).
 */
export function markdownProse(text: string): string {
  const sourceCode = isSourceCode(text);
  if (!hasMarkup(text, sourceCode)) return text;
  if (sourceCode) return proseOf(text, false);
  const focused = withoutUpkeepSections(text);
  const prose = proseOf(focused, true);
  if (focused === text || (prose.match(/\p{L}{2,}/gu)?.length ?? 0) >= MIN_WORDS_LEFT) return prose;
  return proseOf(text, true);
}

/** The prose of a part of a document known to be Markdown or reST (a changelog's release: changelog.ts). */
export function proseOfStructured(text: string): string {
  return proseOf(text, true);
}

const ATX_HEADING = /^\s*#{1,6}\s/;
const LIST_ITEM = /^\s*([-*+•]|\d+[.)])\s/;
const RULE = /^\s{0,3}([-*_=~])(?:\s*\1){2,}\s*$/;
const DIRECTIVE = /^(\s*)\.\.(\s|$)/;
/** A GitHub alert's first line ("> [!NOTE]"): the quote it opens is an aside, not what the document says. */
const ALERT = /^\s{0,3}>\s*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]/i;
/** A link (or a badge's link around an image) whose text spans lines. */
const LINK_OVER_LINES = /\[((?:[^\]\n]*\n){1,3}[^\]\n]*)\]\((?:https?:|#|\.{0,2}\/)[^)\s]*\)/g;
const QUOTE_MARKERS = /^\s{0,3}(?:>\s?)+/;
/** A reference link's definition: "[discord]: https://discord.gg/pallets". */
const LINK_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*\S/;

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

/** reST's inline markup unwrapped: ``literal``, :role:`text <target>`, `text <url>`_, `text`_, |substitution|. */
function restInlineText(raw: string): string {
  return raw
    .replace(/``([^`]+)``/g, '$1')
    .replace(/:[\w-]+:`([^`<]+?)(?:\s*<[^>]*>)?`/g, '$1')
    .replace(/`([^`<]+?)\s*<[^>]*>`__?/g, '$1')
    .replace(/`([^`]+)`__?/g, '$1')
    .replace(/\|\w(?:[\w -]*\w)?\|_?/g, '');
}

function inlineText(raw: string): string {
  return (
    raw
      // Markdown
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      // an image by reference: ![github actions][actions-url]
      .replace(/!\[[^\]]*\]\[[^\]]*\]/g, '')
      // a link left with no text once its image is gone (a badge): [](https://travis-ci.org/...), [][ci-url]
      .replace(/\[\s*\]\([^)]*\)/g, '')
      .replace(/\[\s*\]\[[^\]]*\]/g, '')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      // a reference link: [text][label], [text][]
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
      .replace(/<\/?[a-zA-Z][^>]*>/g, '')
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/(^|\W)\*([^*\s][^*]*)\*(?=\W|$)/g, '$1$2')
      // _emphasis_ only between spaces or punctuation: ml_dtypes and __init__ stay as they are
      .replace(/(^|[\s("'])_([^_\s](?:[^_]*[^_\s])?)_(?=[\s)"'.,;:!?]|$)/g, '$1$2')
      .replace(/`([^`]*)`/g, '$1')
      // character references read as their characters ("About &middot; Usage", "reads &lt; 1 MB")
      .replace(/&(?:#x?[0-9a-f]+|[a-z]+);/gi, decodeEntities)
      .replace(/[\p{Extended_Pictographic}\p{So}][\uFE0F\u200D]*\s?/gu, '')
  );
}

/**
 * The prose of `text`; `structured`: also without setext and reST headings, rules, indented code, reST
 * directives and literal blocks, and links with no text (badges).
 */
function proseOf(text: string, structured: boolean): string {
  const uncommented = text.replace(/<!--[\s\S]*?-->/g, '');
  // a link whose text goes on to the next line ("[Posix character\n  classes](https://...)") reads as its text
  const joined = structured ? uncommented.replace(LINK_OVER_LINES, '$1') : uncommented;
  const lines = (structured ? joined.replace(/!?\[\]\(\s*[^)\s]*\s*\)/g, '') : uncommented).split(/\r?\n/);
  const headingLines = new Set<number>();
  if (structured) for (const h of headings(lines)) for (let i = h.start; i < h.end; i++) headingLines.add(i);
  const fenced = fencedLines(lines);
  const out: string[] = [];
  // Inside a block that is code (a reST directive's or literal block, an indented code block): lines
  // indented deeper than this, and blank lines, belong to it.
  let blockIndent: number | null = null;
  let lastText = '';
  let inAlert = false;
  // the labels of the document's link definitions: "[is-keyword-js]" alone is a link by reference too
  const labels = new Set(
    structured
      ? lines.flatMap((l) => (LINK_DEFINITION.test(l) ? [/\[([^\]]+)\]/.exec(l)![1]!.toLowerCase()] : []))
      : [],
  );
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (fenced[i]) continue;
    if (structured) {
      if (ALERT.test(raw)) inAlert = true;
      else if (inAlert && !QUOTE_MARKERS.test(raw)) inAlert = false;
      if (inAlert || LINK_DEFINITION.test(raw)) continue;
    }
    const blank = raw.trim().length === 0;
    if (blockIndent !== null) {
      if (blank || indentOf(raw) > blockIndent) continue;
      blockIndent = null;
    }
    if (blank) {
      out.push('');
      continue;
    }
    if (headingLines.has(i) || /^\s*\|/.test(raw)) continue;
    let line = raw;
    if (structured) {
      if (RULE.test(raw)) continue;
      const directive = DIRECTIVE.exec(raw);
      if (directive) {
        blockIndent = directive[1]!.length;
        continue;
      }
      const afterBlank = i === 0 || lines[i - 1]!.trim().length === 0;
      if (afterBlank && indentOf(raw) >= 4 && !LIST_ITEM.test(lastText)) {
        blockIndent = indentOf(lastText);
        continue;
      }
      if (/::\s*$/.test(line)) {
        // reST: "Paragraph::" opens a literal block and reads "Paragraph:"; "Paragraph ::" and "::" read without.
        line = line.replace(/(\S)::\s*$/, '$1:').replace(/\s*::\s*$/, '');
        blockIndent = indentOf(raw);
      }
    }
    lastText = raw;
    if (structured && QUOTE_MARKERS.test(line)) {
      // a quote is read as the text it quotes; a quoted blank line ends a paragraph
      line = line.replace(QUOTE_MARKERS, '');
      if (line.trim().length === 0) {
        out.push('');
        continue;
      }
    }
    line = inlineText(structured ? restInlineText(line) : line);
    if (labels.size > 0)
      line = line.replace(/\[([^\]]+)\](?![([:])/g, (whole, label: string) =>
        labels.has(label.toLowerCase()) ? label : whole,
      );
    // Headings are structure: read as sentences, the title was what the model copied ("Steer.").
    if (!structured && ATX_HEADING.test(line)) continue;
    if (line.trim().length > 0) out.push(line);
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
