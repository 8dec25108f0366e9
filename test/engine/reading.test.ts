/**
 * What the model reads and how a retry opens: a Markdown document is read as its prose (no fences, tables,
 * headings, markup or emoji), and a summary decoded again after unusable output opens with words that say
 * what kind of text it is, for code, Markdown and plain prose alike.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForcedStartProcessor } from '../../src/engine/generation/logits-processors';
import { changelogReading } from '../../src/engine/changelog';
import { withoutCopyrightNotices } from '../../src/engine/copyright-notice';
import { withoutEtextNotes } from '../../src/engine/etext-notes';
import { openingGreeting, withoutOpeningGreeting } from '../../src/engine/letter-greeting';
import { markdownProse } from '../../src/engine/markdown-prose';
import { withoutModuleBoilerplate } from '../../src/engine/module-boilerplate';
import { looksLikeCode, proseOpener } from '../../src/engine/prose-opener';
import { readingOf } from '../../src/engine/reading';

const README = [
  '# 🤗 hf-xet - xet client tech',
  '',
  '`hf-xet` enables **huggingface_hub** to use [xet storage](https://example.org) for uploads. ♻ Chunks are shared.',
  '',
  '```bash',
  'pip install hf-xet',
  '```',
  '',
  '| a | b |',
  '|---|---|',
].join('\n');

test('Markdown is read as its prose: no fence, table, heading, link syntax or emoji', () => {
  const prose = markdownProse(README);
  assert.equal(prose, 'hf-xet enables huggingface_hub to use xet storage for uploads. Chunks are shared.');
});

test('emphasis with underscores is unwrapped; identifiers with underscores are not', () => {
  const readme =
    '# emoji-regex\n\n_emoji-regex_ offers a regular expression. See **ml_dtypes** and `__init__`.\n';
  assert.equal(markdownProse(readme), 'emoji-regex offers a regular expression. See ml_dtypes and __init__.');
  assert.equal(
    markdownProse('# t\n\nUse **a** with _care_, not my_var_name or __init__.'),
    'Use a with care, not my_var_name or __init__.',
  );
});

test('plain text is read as it is written', () => {
  const text = 'The board met on Monday. 🎉 It approved the farm.';
  assert.equal(markdownProse(text), text);
});

test('source code is told from prose, and one function from a module', () => {
  const fn =
    'def _need_link(self, objects, output_file):\n    if self.force:\n        return True\n    return newer';
  const decorated = '@nx._dispatchable\ndef bethe(G, r=None):\n    """x"""\n    return eig(G)';
  const module = 'import os\n\ndef a():\n    return 1\n\ndef b():\n    return 2\n';
  const ts = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
  assert.ok(looksLikeCode(fn));
  assert.equal(proseOpener(fn), 'This function');
  assert.equal(proseOpener(decorated), 'This function');
  assert.equal(proseOpener(ts), 'This function');
  assert.equal(proseOpener(module), 'This code');
  assert.equal(proseOpener(README), 'This document');
  assert.equal(
    proseOpener('The board met on Monday. It approved the farm, which opens in spring.'),
    'This text',
  );
});

test('a forced start makes each opener token the only choice, then lets the model choose', () => {
  const p = new ForcedStartProcessor([2, 0]);
  const logits = Float32Array.from([0.5, 3, 1, -Infinity]);
  p.process(logits, []);
  assert.deepEqual([...logits], [-Infinity, -Infinity, 1, -Infinity]);
  const next = Float32Array.from([0.5, 3, 1, 2]);
  p.process(next, [2]);
  assert.deepEqual([...next], [0.5, -Infinity, -Infinity, -Infinity]);
  const free = Float32Array.from([0.5, 3, 1, 2]);
  p.process(free, [2, 0]);
  assert.deepEqual([...free], [0.5, 3, 1, 2]);
});

const RST_README = [
  '==========',
  'jsonschema',
  '==========',
  '',
  '``jsonschema`` is an implementation of the `JSON Schema <https://json-schema.org>`_ specification for Python.',
  '',
  '.. code:: python',
  '',
  '    >>> from jsonschema import validate',
  '    >>> validate(instance={}, schema={})',
  '',
  'It can also be used from the :doc:`command line <cli>`, as follows::',
  '',
  '    $ jsonschema --instance x.json schema.json',
  '',
  'Features',
  '--------',
  '',
  '* Lazy validation that can report *all* validation errors.',
  '',
  'Installation',
  '------------',
  '',
  '``jsonschema`` is available on `PyPI <https://pypi.org/project/jsonschema/>`_.',
  '',
  'Extras',
  '======',
  '',
  'Two extras are available when installing the package.',
  '',
  'Release Information',
  '-------------------',
  '',
  '* Decrease import time (#1416).',
].join('\n');

test('reStructuredText is read as its prose, without code, directives, titles or upkeep sections', () => {
  assert.equal(
    markdownProse(RST_README),
    [
      'jsonschema is an implementation of the JSON Schema specification for Python.',
      '',
      'It can also be used from the command line, as follows:',
      '',
      '* Lazy validation that can report all validation errors.',
    ].join('\n'),
  );
});

test('a README is read without the sections about its upkeep: what it is, not how to contribute', () => {
  const numpy = [
    '[](',
    'https://numfocus.org)',
    '',
    'NumPy is the fundamental package for scientific computing with Python.',
    '',
    'Testing:',
    '',
    '    python -c "import numpy, sys; sys.exit(numpy.test() is False)"',
    '',
    'Code of Conduct',
    '----------------------',
    '',
    'NumPy is a community-driven open source project developed by a diverse group of **contributors**.',
    '',
    'Call for Contributions',
    '----------------------',
    '',
    'The NumPy project welcomes your expertise and enthusiasm!',
  ].join('\n');
  assert.equal(
    markdownProse(numpy),
    'NumPy is the fundamental package for scientific computing with Python.\n\nTesting:',
  );
  const mocha = [
    '☕️ Simple, flexible, fun JavaScript test framework for Node.js & The Browser ☕️',
    '',
    '## Backers',
    '',
    '[Become a backer](https://opencollective.com/mochajs) and show your support to our open source project.',
    '',
    '## License',
    '',
    'Copyright 2011-2024 OpenJS Foundation and contributors. Licensed [MIT](https://example.org/LICENSE).',
  ].join('\n');
  assert.equal(
    markdownProse(mocha),
    'Simple, flexible, fun JavaScript test framework for Node.js & The Browser',
  );
});

test("a fence's backticks right under a line are code, not a heading's underline", () => {
  const readme = [
    '# bench',
    '',
    'Run it with **node**:',
    '```',
    'node benchmark',
    '```',
    '',
    'Results:',
    '```',
    'fast x 17,189 ops/sec',
    'The fastest is fast',
    '```',
  ].join('\n');
  assert.equal(markdownProse(readme), 'Run it with node:\n\nResults:');
});

test('a changelog is read as its entries, without the Keep a Changelog preamble', () => {
  const changelog = [
    '# Changelog',
    '',
    'All notable changes to this project will be documented in this file.',
    '',
    'The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/),',
    'and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).',
    '',
    '## [2.0.1] - 2020-08-29',
    '### Fixed',
    '- Fix issue with `process.argv` when used with interpreters, #150.',
  ].join('\n');
  assert.equal(markdownProse(changelog), '- Fix issue with process.argv when used with interpreters, #150.');
});

test('a document that is all upkeep is read whole, and a changelog keeps its entries', () => {
  const contributing = [
    '# Contributing to Steer',
    '',
    'Thanks for helping. Open an issue before a large change, run the tests with **npm test**, and keep',
    'each commit to one change that the [changelog](CHANGELOG.md) can name.',
  ].join('\n');
  assert.match(markdownProse(contributing), /^Thanks for helping\. Open an issue/);
  const changelog = [
    '# Changelog',
    '',
    '## 2.0.0',
    '',
    '### Security',
    '',
    '- Tokens are no longer written to the [log](docs/log.md).',
    '',
    '### Fixed',
    '',
    '- The **cache** is flushed on exit.',
  ].join('\n');
  assert.equal(
    markdownProse(changelog),
    '- Tokens are no longer written to the log.\n\n- The cache is flushed on exit.',
  );
});

test("a changelog is read as its newest releases' entries, as sentences, without commit hashes", () => {
  const release = (version: string, date: string, entries: string[]): string[] => [
    `## [${version}](https://github.com/o/p/compare/v0...${version}) - ${date}`,
    '',
    '### Commits',
    '',
    ...entries.map(
      (e, i) => `- ${e} [\`${(i + 7).toString(16)}f0c3a9\`](https://github.com/o/p/commit/${i}ab)`,
    ),
    '',
  ];
  const changelog = [
    '# Changelog',
    '',
    '## Unreleased',
    '',
    ...release('v2.1.0', '2026-06-12', ['[Fix] escape CR and LF in field names', '[Deps] update `hasown`']),
    ...release('v2.0.0', '2025-11-17', ['[New] add a streaming parser that reads &lt; 1 MB at a time']),
    ...release('v1.9.0', '2024-01-02', ['[Tests] switch to node 20']),
    ...release('v1.8.0', '2023-01-02', ['[Docs] fix a typo']),
    ...release('v1.0.0', '2019-01-02', [
      'Initial commit, with a parser for the old format that older releases kept',
    ]),
  ].join('\n');
  const reading = readingOf(changelog);
  // The newest releases, at most four, newest first, each entry a sentence; the empty Unreleased section and
  // older releases left out.
  assert.equal(
    reading,
    [
      'Fix: escape CR and LF in field names.\nDeps: update hasown.',
      'New: add a streaming parser that reads < 1 MB at a time.',
      'Tests: switch to node 20.',
      'Docs: fix a typo.',
    ].join('\n\n'),
  );
  assert.doesNotMatch(reading, /f0c3a9|Initial commit|2026|v2\.1\.0/);
});

test('a document with a version or two in its headings is no changelog', () => {
  const readme = [
    '# Parser',
    '',
    'A parser for the config format.',
    '',
    '## Migrating from 1.x to 2.0',
    '',
    'Options moved to the constructor.',
    '',
    '## Usage',
    '',
    'Call **parse** on a string.',
  ].join('\n');
  assert.equal(changelogReading(readme), null);
  assert.match(readingOf(readme), /^A parser for the config format\./);
});

test('a copyright notice is not read, so the holder is not taken for the one who acts', () => {
  const mit = [
    'Copyright (C) 2012-2017 by Ingvar Stepanyan',
    '',
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software.',
    '',
    'The above copyright notice and this permission notice shall be included in all copies.',
  ].join('\n');
  assert.equal(
    readingOf(mit),
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software.\n\n' +
      'The above copyright notice and this permission notice shall be included in all copies.',
  );
  // source code keeps its header comment
  const header =
    '# Copyright 2020 Google LLC. All rights reserved.\nimport os\n\ndef main():\n    return os.getcwd()\n';
  assert.equal(withoutCopyrightNotices(header), header);
  // a licence's own words about copyright stay, and so does text with no notice, exactly
  const terms =
    'Copyright and license notices must be preserved.\n\n\nContributors provide an express grant.';
  assert.equal(withoutCopyrightNotices(terms), terms);
  // a text that is only a notice is read as it is
  assert.equal(
    withoutCopyrightNotices('Copyright (c) 2015 Vitaly Puzrin.'),
    'Copyright (c) 2015 Vitaly Puzrin.',
  );
});

test("a JavaScript module is read without 'use strict' and TypeScript's export boilerplate", () => {
  const compiled = [
    '"use strict";',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    'exports.read = exports.write = void 0;',
    'const fs = require("fs");',
    'function read(path) {',
    "    'use strict';",
    '    return fs.readFileSync(path, "utf8");',
    '}',
    'exports.read = read;',
  ].join('\n');
  assert.equal(
    readingOf(compiled),
    [
      'const fs = require("fs");',
      'function read(path) {',
      '    return fs.readFileSync(path, "utf8");',
      '}',
      'exports.read = read;',
    ].join('\n'),
  );
  // a module that is nothing but the directive is read as it is, and so is prose that quotes it
  const bare = "'use strict';\nmodule.exports = {};";
  assert.equal(withoutModuleBoilerplate(bare), 'module.exports = {};');
  assert.equal(withoutModuleBoilerplate("'use strict';"), "'use strict';");
  const prose = "Start each file with\n'use strict';\nso that mistakes throw.";
  assert.equal(readingOf(prose), prose);
});

test('source code with comments and reST docstrings is read as written, not as Markdown', () => {
  const module = [
    'import itertools',
    '',
    '# Other discrete torus expanders',
    '',
    'def paley_graph(p, create_using=None):',
    '    """Returns the Paley graph.',
    '',
    '    Parameters',
    '    ----------',
    '    p : int, an odd prime ``p``.',
    '    """',
    '    return nx.empty_graph(p)',
  ].join('\n');
  assert.equal(markdownProse(module), module);
  const oneClass = [
    'class SoftFileLease(MarkerSoftFileLock):',
    '    def __init__(self, lock_file, **kwargs):',
    '        """',
    '        Create a marker lease.',
    '',
    '        :param kwargs: options accepted by :class:`~filelock.BaseFileLock`, see ``LockOptions``.',
    '        """',
  ].join('\n');
  assert.equal(markdownProse(oneClass), oneClass);
  // Prose that opens a line with a keyword is still prose.
  const readme = [
    '# inherits',
    '',
    'Browser-friendly inheritance. Use it where the whole `util` **package** is too large: the',
    'package is large and `inherits` is often the single function you need.',
  ].join('\n');
  assert.match(markdownProse(readme), /^Browser-friendly inheritance\. Use it where the whole util package/);
});

test('a letter is read without its greeting, so the person greeted is not taken for the writer', () => {
  assert.equal(
    withoutOpeningGreeting('Rob, I think we should renew the flame for the three year period.'),
    'I think we should renew the flame for the three year period.',
  );
  assert.equal(
    withoutOpeningGreeting('Rhett: I am negotiating with First Union National Bank (Party B below).'),
    'I am negotiating with First Union National Bank (Party B below).',
  );
  assert.equal(
    withoutOpeningGreeting('Ken, in response to your note, I am not aware of any official dialogue.'),
    'In response to your note, I am not aware of any official dialogue.',
  );
  assert.equal(
    withoutOpeningGreeting('Dear Vince & Ozzie:\n\nRequests have gone up.'),
    'Requests have gone up.',
  );
  assert.equal(
    withoutOpeningGreeting('Hi, Marie, hope all is well.\nThe forms are due.'),
    'Hope all is well.\nThe forms are due.',
  );
  assert.equal(
    withoutOpeningGreeting('Ted Murphy, Tom Bauer, Jim Brown and I met yesterday.'),
    'Jim Brown and I met yesterday.',
  );
});

test('a name that is the subject, a dateline word, a transcript or a title is not a greeting', () => {
  for (const text of [
    'David Foti, currently of ET&S, has accepted a position at EES effective August 1.',
    'Jim Hatfield, Chief Administrative Officer; Daniel Froetscher, President.',
    'Crescendo Energy, LLC, which is approximately 88% owned by Trutta, files today.',
    'Well, we met and had dinner last night.',
    'Thursday, May 10 at 10 a.m. Houston time, join Billy Lemmons.',
    "I'm Rebecca Gardy, Head of Investor Relations at Campbell Soup Company.",
    "Transcriber's Note:\n\nThis etext was produced from Analog March 1962.",
    'Anna: Shall we go?\nBen: Yes, now.\nAnna: Good.',
    'The board met on Monday. It approved the farm.',
  ])
    assert.equal(openingGreeting(text), '', text);
  assert.equal(withoutOpeningGreeting('Dear Stan,'), 'Dear Stan,');
});

test("an e-text is read as the work: no Gutenberg frame, credits, transcriber's notes or page numbers", () => {
  const etext = [
    'The Project Gutenberg EBook of Time in the Round, by Fritz Leiber',
    'This eBook is for the use of anyone anywhere at no cost.',
    '*** START OF THIS PROJECT GUTENBERG EBOOK TIME IN THE ROUND ***',
    '',
    'Produced by Greg Weeks, Mary Meehan and the Online',
    'Distributed Proofreading Team at http://www.pgdp.net',
    '',
    'TIME IN THE ROUND',
    '',
    ' By FRITZ LEIBER',
    '',
    ' Illustrated by DILLON',
    '',
    " [Transcriber's Note: This etext was produced from Galaxy Science Fiction May 1957.]",
    '',
    ' Poor Butcher suffered more than any dictator in history. [Illustration: the Time Theater]',
    '',
    ' 10',
    '',
    ' The small boy studied the dog.',
    '',
    '*** END OF THIS PROJECT GUTENBERG EBOOK TIME IN THE ROUND ***',
    'Updated editions will replace the previous one.',
  ].join('\n');
  assert.equal(
    withoutEtextNotes(etext),
    'TIME IN THE ROUND\n\n By FRITZ LEIBER\n\n Poor Butcher suffered more than any dictator in history. \n\n The small boy studied the dog.',
  );
  const plain = 'The council met twice.\n\n10\n\nIt approved the farm.';
  assert.equal(withoutEtextNotes(plain), plain, 'a text with no e-text notes keeps its lines');
});

test('what the model reads: prose of Markdown, the work of an e-text, a letter without its greeting', () => {
  assert.equal(readingOf('Rob, I think we should renew the flame.'), 'I think we should renew the flame.');
  assert.equal(
    readingOf('# t\n\nUse **a** with _care_.\n\n## License\n\nMIT, see [LICENSE](LICENSE) for the terms.'),
    'Use a with care.\n\nMIT, see LICENSE for the terms.',
  );
  assert.equal(readingOf('The board met on Monday.'), 'The board met on Monday.');
});

test('a README is read without its GitHub alerts and link definitions, its quotes and reference links as text', () => {
  const readme = [
    '# Blinker',
    '',
    'Blinker provides a fast dispatching system for [signals][sig].',
    '',
    '> [!IMPORTANT]\\',
    '> This project is part of the Pallets Community Ecosystem. Reach out on [Discord][discord].',
    '>',
    '> [discord]: https://discord.gg/pallets',
    '',
    '> Signals are broadcast to every **subscriber**.',
    '',
    '[sig]: https://example.org/signals "Signals"',
    '',
    'Receivers can subscribe to specific senders.',
  ].join('\n');
  assert.equal(
    markdownProse(readme),
    'Blinker provides a fast dispatching system for signals.\n\nSignals are broadcast to every subscriber.\n\n' +
      'Receivers can subscribe to specific senders.',
  );
});

test('badges, images by reference, links over two lines and character references read as text, not markup', () => {
  const readme = [
    '# function-bind',
    '',
    '[![github actions][actions-image]][actions-url] [![Build Status](https://travis-ci.org/a/b.svg)](https://travis-ci.org/a/b)',
    '',
    'Implementation of Function.prototype.bind &middot; see [Posix character',
    '  classes](https://www.gnu.org/software/bash/manual/html_node/Pattern-Matching.html) and [is-keyword-js].',
    '',
    'It parses &lt;input checked&gt; tags &amp; attributes.',
    '',
    '[actions-image]: https://img.shields.io/badge/actions.svg',
    '[actions-url]: https://github.com/a/b/actions',
    '[is-keyword-js]: https://github.com/crissdev/is-keyword-js',
  ].join('\n');
  assert.equal(
    markdownProse(readme),
    'Implementation of Function.prototype.bind · see Posix character\n  classes and is-keyword-js.\n\n' +
      'It parses <input checked> tags & attributes.',
  );
});
