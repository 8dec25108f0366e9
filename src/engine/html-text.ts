/**
 * The text of an HTML page. Read as written, a page is mostly markup: the model saw tags, scripts and a
 * navigation list of a hundred links, and wrote "This text summarizes Node.js documentation documentation." of
 * Node.js's page on policies. So a page is turned into text once, two ways:
 * - what a reader sees (`pageText`): the text outside the head, scripts, styles and other elements that show
 *   no text, entities decoded. Grounding and the last check hold a summary to it, not to the markup (a class
 *   name or a URL in an attribute is nothing a reader sees);
 * - what the model reads (`articleText`): the page's main content where it marks one (`<main>`, `<article>`,
 *   `role="main"`), without navigation, page headers and footers, asides, headings, code blocks, tables and
 *   blocks that are mostly links (a table of contents, a menu), as the Markdown reading leaves out headings,
 *   code and tables (markdown-prose.ts).
 * A small scanner, not a parser: a page that is not well formed still gives its text.
 */

/** Elements whose content a reader never sees as text. */
const HIDDEN = new Set([
  'head',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'select',
  'button',
]);

/** Elements around the text a page is about: the model does not read them. */
const AROUND = new Set([
  'nav',
  'header',
  'footer',
  'aside',
  'pre',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
]);

/** ARIA roles of the same. */
const AROUND_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu']);

/**
 * Class names and ids of what is around the text: `<div class="header">` of a manual's "Next: Previous: Up:"
 * links, `class="menu-bar"`, `id="breadcrumbs"`. Whole names only: "sidebar-visible" on `<html>` is a state.
 */
const AROUND_NAMES = new Set([
  'nav',
  'navbar',
  'nav-bar',
  'navigation',
  'menu',
  'menubar',
  'menu-bar',
  'sidebar',
  'side-bar',
  'breadcrumb',
  'breadcrumbs',
  'header',
  'site-header',
  'page-header',
  'footer',
  'site-footer',
  'page-footer',
  'masthead',
  'pagination',
  'pager',
  'topbar',
  'top-bar',
]);

/** Elements that hold the whole page or its article: never left out for a class name. */
const CONTAINERS = new Set(['html', 'body', 'main', 'article']);

/** Elements that end one block of text and start another. */
const BLOCKS = new Set([
  ...AROUND,
  'p',
  'div',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'section',
  'article',
  'main',
  'blockquote',
  'br',
  'hr',
  'tr',
  'td',
  'th',
  'figure',
  'figcaption',
  'details',
  'summary',
  'form',
  'fieldset',
  'legend',
  'body',
  'html',
]);

/** Elements that never have content or a closing tag. */
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/** Elements whose content is raw text, read up to their closing tag whatever it holds ("a < b" in a script). */
const RAW_TEXT = new Set(['script', 'style', 'textarea']);

/** A page laid out in tables is read inside them only when a block there has this many words (a sentence). */
const TABLE_PAGE_SENTENCE_WORDS = 8;
/** Inside a page's layout tables, a block of at most this many words and no sentence end is a label. */
const TABLE_LABEL_WORDS = 3;

/** A block whose text is at least this share links is a menu or a table of contents. */
const LINK_SHARE = 0.6;

const TAG =
  /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;

/** Whether `text` opens as an HTML page: a doctype or an <html> element first. */
export function opensAsPage(text: string): boolean {
  const head = text.slice(0, 2000).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || /^(?:<\?xml[^>]*>\s*)?<html[\s>]/u.test(head);
}

/** Whether `text` is an HTML page: it opens as one, or has a body and paragraphs closed as HTML closes them. */
export function looksLikeHtml(text: string): boolean {
  if (opensAsPage(text)) return true;
  const closed = text.match(/<\/(?:p|li|div|h[1-6])>/giu)?.length ?? 0;
  return closed >= 5 && /<body[\s>]/iu.test(text);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  shy: '',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  middot: '·',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  aacute: 'á',
  ccedil: 'ç',
  ouml: 'ö',
  uuml: 'ü',
  auml: 'ä',
  szlig: 'ß',
};

/** `text` with its character references decoded ("&amp;" → "&", "&#39;" → "'"); unknown ones stay. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/giu, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED_ENTITIES[ref] ?? NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The patterns of the attributes read, made once: `attribute` runs for every tag of a page. */
const ATTRIBUTES = new Map(
  ['role', 'class', 'id', 'aria-hidden'].map((name) => [
    name,
    new RegExp(String.raw`(?:^|\s)${name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`, 'iu'),
  ]),
);

const attribute = (attrs: string, name: string): string | null => {
  const m = ATTRIBUTES.get(name)!.exec(attrs);
  return m === null ? null : (m[1] ?? m[2] ?? m[3] ?? '').toLowerCase();
};

/** Whether an element with these attributes is hidden from a reader (`hidden`, `aria-hidden="true"`). */
const hiddenByAttribute = (attrs: string): boolean =>
  /(?:^|\s)hidden(?:\s|=|\/?$)/iu.test(attrs) || attribute(attrs, 'aria-hidden') === 'true';

/** Whether a class or id of an element names what is around the text (`AROUND_NAMES`). */
const namesAround = (name: string, attrs: string): boolean =>
  !CONTAINERS.has(name) &&
  [attribute(attrs, 'class'), attribute(attrs, 'id')].some(
    (v) => v !== null && v.split(/\s+/u).some((w) => AROUND_NAMES.has(w)),
  );

interface Block {
  text: string;
  linkChars: number;
}

/**
 * The blocks of text of `html`: all a reader sees, or with `article` the model's reading (see the module
 * comment), without blocks that are mostly links unless `keepLinks`.
 */
function blocksOf(html: string, article: boolean, keepLinks = false, readTables = false): string[] {
  const marksMain = article && /<(?:main|article)[\s>]|\brole\s*=\s*["']?main\b/iu.test(html);
  const blocks: string[] = [];
  let block: Block = { text: '', linkChars: 0 };
  // the element being left out, and how many of its kind are open inside it
  let skip: { name: string; depth: number } | null = null;
  // the main element being read, and how many of its kind are open (0: outside it)
  let main: { name: string; depth: number } | null = null;
  let links = 0;
  const flush = (): void => {
    const text = block.text.replace(/\s+/gu, ' ').trim();
    const linkShare = text.length === 0 ? 0 : block.linkChars / text.length;
    if (text.length > 0 && !(article && !keepLinks && linkShare >= LINK_SHARE)) blocks.push(text);
    block = { text: '', linkChars: 0 };
  };
  const addText = (raw: string): void => {
    if (skip !== null || (marksMain && main === null)) return;
    const text = decodeEntities(raw);
    block.text += text;
    if (links > 0) block.linkChars += text.replace(/\s+/gu, '').length;
  };
  // lowered once: a page can have a hundred scripts and megabytes of markup
  const lower = html.toLowerCase();
  let at = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(html); m !== null; m = TAG.exec(html)) {
    addText(html.slice(at, m.index));
    at = TAG.lastIndex;
    const name = m[2]?.toLowerCase();
    if (name === undefined) continue; // a comment, doctype or processing instruction
    const closing = m[1] === '/';
    const attrs = m[3] ?? '';
    const selfClosing = /\/\s*$/u.test(attrs) || VOID.has(name);
    if (!closing && RAW_TEXT.has(name)) {
      // the content up to the closing tag is text (a textarea's) or code (a script's), never markup
      const end = lower.indexOf(`</${name}`, at);
      const stop = end < 0 ? html.length : end;
      if (name === 'textarea') addText(html.slice(at, stop));
      const close = html.indexOf('>', stop);
      at = close < 0 ? html.length : close + 1;
      TAG.lastIndex = at;
      continue;
    }
    if (BLOCKS.has(name)) flush();
    if (skip !== null) {
      if (name === skip.name && !selfClosing) skip.depth += closing ? -1 : 1;
      if (skip.depth === 0) skip = null;
      continue;
    }
    if (closing) {
      if (main !== null && name === main.name && --main.depth === 0) main = null;
    } else if (!selfClosing) {
      const role = attribute(attrs, 'role') ?? '';
      const leftOut =
        HIDDEN.has(name) ||
        hiddenByAttribute(attrs) ||
        (article &&
          (((name !== 'table' || !readTables) && AROUND.has(name)) ||
            AROUND_ROLES.has(role) ||
            namesAround(name, attrs)));
      if (leftOut) {
        skip = { name, depth: 1 };
        continue;
      }
      if (main !== null && name === main.name) main.depth++;
      else if (marksMain && main === null && (name === 'main' || name === 'article' || role === 'main'))
        main = { name, depth: 1 };
    }
    if (name === 'a' && !selfClosing) links = Math.max(0, links + (closing ? -1 : 1));
  }
  addText(html.slice(at));
  flush();
  return blocks;
}

/** What a reader sees of the page `html`: its text, one block a paragraph. */
export function pageText(html: string): string {
  return blocksOf(html, false).join('\n\n');
}

/**
 * What the model reads of the page `html` (see the module comment). A page laid out in a table (libxslt's,
 * many manuals of the 2000s) is read inside its tables, still without its menus: read as all a reader sees,
 * its menu came first ("Main Menu Home Introduction Documentation ...") and the model wrote "Daniel Veillard
 * uses libxslt to process SGML documents.". A page that is all links (a manual's table of contents) is read
 * with its links; one with no article at all, as all a reader sees.
 */
export function articleText(html: string): string {
  for (const [keepLinks, readTables] of [
    [false, false],
    [false, true],
    [true, false],
  ] as const) {
    const blocks = blocksOf(html, true, keepLinks, readTables);
    if (!readTables) {
      if (blocks.length > 0) return blocks.join('\n\n');
      continue;
    }
    // inside a layout's tables, a cell of a few words is a label of its menus ("Main Menu", "API Indexes"),
    // and a page of links leaves nothing else
    const words = (b: string): number => b.split(/\s+/u).length;
    const text = blocks.filter((b) => words(b) > TABLE_LABEL_WORDS || /[.!?:]$/u.test(b));
    if (text.some((b) => words(b) >= TABLE_PAGE_SENTENCE_WORDS)) return text.join('\n\n');
  }
  return pageText(html);
}
