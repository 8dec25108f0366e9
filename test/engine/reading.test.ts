/**
 * What the model reads and how a retry opens: a Markdown document is read as its prose (no fences, tables,
 * headings, markup or emoji), and a summary decoded again after unusable output opens with words that say
 * what kind of text it is, for code, Markdown and plain prose alike.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForcedStartProcessor } from '../../src/engine/generation/logits-processors';
import { markdownProse } from '../../src/engine/markdown-prose';
import { looksLikeCode, proseOpener } from '../../src/engine/prose-opener';

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
