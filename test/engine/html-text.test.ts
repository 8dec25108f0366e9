/**
 * A web page: grounding holds a summary to the text a reader sees, and the model reads the page's article,
 * not its scripts, menus, tables of contents, headings or code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unwrapFormat } from '../../src/engine/document-format';
import { articleText, decodeEntities, looksLikeHtml, pageText } from '../../src/engine/html-text';

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <title>DNS | Node.js Documentation</title>
  <script>if (a < b && theme === 'dark') { document.documentElement.classList.add('dark-mode'); }</script>
  <style>body { color: red; }</style>
</head>
<body>
  <a href="#apicontent" class="skip-to-content">Skip to content</a>
  <div role="navigation" id="column2">
    <ul><li><a href="assert.html">Assertion testing</a></li><li><a href="dns.html">DNS</a></li></ul>
  </div>
  <div id="column1">
    <header><h1>Node.js v20 documentation</h1></header>
    <ul class="toc"><li><a href="#dns">DNS</a></li><li><a href="#resolver">Class: Resolver</a></li></ul>
    <h2 id="dns">DNS</h2>
    <p>The <code>node:dns</code> module enables name resolution. It doesn&#39;t always use
       the <a href="https://en.wikipedia.org/wiki/DNS">DNS protocol</a> &amp; may not need the network.</p>
    <pre><code class="language-js">const dns = require('node:dns');</code></pre>
    <p hidden>Unused text.</p>
    <table><tr><td>A</td><td>IPv4</td></tr></table>
    <p>An independent resolver for DNS requests.<br>Creating a resolver uses the default servers.</p>
  </div>
  <footer>Copyright OpenJS Foundation</footer>
</body>
</html>`;

test('a page is told from other text with tags in it', () => {
  assert.equal(looksLikeHtml(PAGE), true);
  assert.equal(looksLikeHtml('<html>\n<body><p>One.</p></body></html>'), true);
  assert.equal(looksLikeHtml('# Title\n\n<p align="center"><img src="logo.png"></p>\n\nA README.'), false);
  assert.equal(
    looksLikeHtml(
      'export function App() {\n  return <div><p>Hi</p><p>a</p><p>b</p><p>c</p><p>d</p></div>;\n}',
    ),
    false,
  );
});

test('the model reads the article: no script, menu, table of contents, heading, code, table or footer', () => {
  assert.equal(
    articleText(PAGE),
    [
      "The node:dns module enables name resolution. It doesn't always use the DNS protocol & may not need the network.",
      'An independent resolver for DNS requests.',
      'Creating a resolver uses the default servers.',
    ].join('\n\n'),
  );
});

test('grounding sees what a reader sees: menus and headings, never scripts, styles or attributes', () => {
  const text = pageText(PAGE);
  assert.match(text, /Assertion testing/u);
  assert.match(text, /Node\.js v20 documentation/u);
  assert.match(text, /const dns = require\('node:dns'\);/u);
  assert.doesNotMatch(text, /dark-mode|color: red|skip-to-content|wikipedia|column2/u);
  assert.doesNotMatch(text, /Unused text/u);
});

test('where a page marks its main content, only that is read', () => {
  const page =
    '<html><body><div class="sidebar"><p>Subscribe to our newsletter for weekly tips.</p></div>' +
    '<main><article><p>The council approved the new library on Monday.</p><div><p>It opens in May.</p></div></article></main>' +
    '<div><p>Related: ten recipes for soup.</p></div></body></html>';
  assert.equal(articleText(page), 'The council approved the new library on Monday.\n\nIt opens in May.');
});

test('a page of links is read with its links, and a page that is all menu as all a reader sees', () => {
  const links = '<html><body><nav><p>Home</p></nav><p><a href="/a">Only a link here</a></p></body></html>';
  assert.equal(articleText(links), 'Only a link here');
  const menu = '<html><body><nav><p>Home</p><p>About</p></nav></body></html>';
  assert.equal(articleText(menu), 'Home\n\nAbout');
});

test('a page laid out in tables is read inside them, without its menu, its labels or its page of links', () => {
  // the shape of libxslt's manual (/usr/share/doc/libxslt1-dev/html), as of the 2000s
  const layout = [
    '<html><body><table><tr><td><h1>The XSLT C library for GNOME</h1></td></tr>',
    '<tr><td><center><b>Main Menu</b></center>',
    '<ul><li><a href="index.html">Home</a></li><li><a href="intro.html">Introduction</a></li></ul></td>',
    '<td><p>This program is the simplest way to use libxslt: from the command line.</p>',
    '<p>It takes as first argument the path or URL to an XSLT stylesheet.</p></td></tr></table></body></html>',
  ].join('\n');
  assert.equal(
    articleText(layout),
    'This program is the simplest way to use libxslt: from the command line.\n\n' +
      'It takes as first argument the path or URL to an XSLT stylesheet.',
  );
  // nothing but labels and links inside the tables: read as all a reader sees, as before
  const links =
    '<html><body><table><tr><td><b>API Indexes</b></td><td><a href="a.html">Alphabetic</a></td></tr></table></body></html>';
  assert.equal(articleText(links), 'API Indexes\n\nAlphabetic');
});

test('character references are decoded; unknown ones stay as written', () => {
  assert.equal(decodeEntities('R&amp;D &#8212; caf&eacute; &#x27;x&#x27; &bogus;'), "R&D — café 'x' &bogus;");
});

test("a manual's navigation is not read, and a page of contents is read as its entries", () => {
  const page =
    '<html><body><div class="header"><p>Next: <a href="b.html" rel="next">Multiple ABIs</a>, Previous: ' +
    '<a href="a.html" rel="prev">Simple Example</a></p></div><h3>2.3 Types</h3><ul class="section-toc">' +
    '<li><a href="p.html">Primitive Types</a></li><li><a href="s.html">Structures</a></li></ul></body></html>';
  assert.equal(articleText(page), 'Primitive Types\n\nStructures');
  assert.match(pageText(page), /^Next: Multiple ABIs, Previous: Simple Example/u);
});

test('a part of a page selected in the editor is read as its text; a README with a centred logo stays Markdown', () => {
  const fragment =
    '<div class="post"><h2>Results</h2><p>The council approved the library.</p><ul><li>It opens in May.</li>' +
    '<li>It costs 12 million.</li></ul><p>Residents objected.</p><p>A vote follows.</p></div>';
  assert.deepEqual(unwrapFormat(fragment), {
    shown:
      'Results\n\nThe council approved the library.\n\nIt opens in May.\n\nIt costs 12 million.\n\nResidents objected.\n\nA vote follows.',
    article:
      'The council approved the library.\n\nIt opens in May.\n\nIt costs 12 million.\n\nResidents objected.\n\nA vote follows.',
  });
  const readme =
    '<p align="center"><img src="logo.png"></p>\n<p align="center"><b>Fast</b></p>\n<p>a</p><p>b</p><p>c</p>\n\n' +
    '# tool\n\nA [fast](https://x.org) tool.\n\n```sh\nnpm i tool\n```\n';
  assert.equal(unwrapFormat(readme), null);
});
