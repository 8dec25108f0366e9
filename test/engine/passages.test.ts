/** Salient passages of a long document: within the budget, prose before code, in the original order. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockKind, blocks, selectPassages } from '../../src/engine/passages';

const words = (s: string): number => s.split(/\s+/).filter((w) => w.length > 0).length;

const README = [
  '# quickgrep',
  'quickgrep searches text files for a pattern and prints the matching lines with their file names.',
  '```sh\nnpm install -g quickgrep\nquickgrep --json PATTERN DIR\nquickgrep -i PATTERN DIR\n```',
  '| option | meaning |\n|---|---|\n| -i | ignore case |\n| --json | JSON output |',
  'Matching lines are printed as they are found, so quickgrep searches large trees of text files quickly.',
  '- fast\n- small\n- no dependencies',
  'quickgrep is released under the MIT licence.',
].join('\n\n');

test('a document that fits is kept whole', () => {
  assert.equal(selectPassages(README, words, 1000).text, README);
});

test('paragraph kinds: prose, code, table, list, heading, comment', () => {
  assert.deepEqual(blocks(README).map(blockKind), [
    'heading',
    'prose',
    'code',
    'table',
    'prose',
    'list',
    'prose',
  ]);
  assert.equal(blockKind('// Reads the file.\n// Returns its lines.'), 'comment');
  assert.equal(blockKind('const x = 1;\nfunction f() {\n  return x;\n}'), 'code');
});

test('a long document keeps its opening and its prose within the budget, in order, code and tables last', () => {
  const { text, kept, total } = selectPassages(README, words, 40);
  assert.ok(words(text) <= 40, text);
  assert.ok(text.startsWith('# quickgrep'), text);
  assert.match(text, /searches text files for a pattern/);
  assert.doesNotMatch(text, /```|\| option/);
  const order = blocks(README)
    .map((b) => text.indexOf(b))
    .filter((at) => at >= 0);
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  assert.ok(kept < total);
});

test('one paragraph longer than the budget is cut at a sentence boundary', () => {
  const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} says something about files.`).join(
    ' ',
  );
  const { text } = selectPassages(long, words, 60);
  assert.ok(words(text) <= 60 && words(text) > 30, text);
  assert.match(text, /\.$/);
});

/** A meeting transcript, one turn a line: greetings first, then what it is about. */
const TRANSCRIPT = [
  ...Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 'Grad A: Hi .' : 'Grad B: Hello , how are you ?')),
  ...Array.from(
    { length: 240 },
    (_, i) =>
      `${i % 2 === 0 ? 'Grad A' : 'Grad B'}: The remote control design needs a budget for the battery and the buttons , item ${i} .`,
  ),
].join('\n');

test('a transcript is read as runs of turns, and its passages are not all its greetings', () => {
  const runs = blocks(TRANSCRIPT);
  // runs of consecutive turns of about 60 words, not one turn each
  assert.ok(runs.length < 100, `${runs.length} runs`);
  assert.ok(runs.every((r) => r.split('\n').length > 1));
  assert.equal(runs.join('\n'), TRANSCRIPT);
  const { text } = selectPassages(TRANSCRIPT, words, 300);
  assert.ok(words(text) <= 300);
  // the opening is still read, but most of what the model reads is the meeting's subject
  assert.ok(text.startsWith('Grad A: Hi .'));
  const about = words(
    text
      .split('\n')
      .filter((l) => /remote control/.test(l))
      .join(' '),
  );
  assert.ok(about > words(text) / 2, text);
});
