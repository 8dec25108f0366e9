import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitIntoChunks, units } from '../../src/engine/chunking';

/** One token per word-ish piece: a stand-in for the model tokenizer. */
const count = (s: string): number => (s.match(/\S+/g) ?? []).length;

const sentence = (i: number): string => `Sentence number ${i} has exactly seven words. `;
const doc = Array.from({ length: 40 }, (_, i) => sentence(i)).join('');

test('a text that fits is one chunk', () => {
  assert.deepEqual(splitIntoChunks('Short text here.', count, { maxTokens: 10, overlapTokens: 2 }), [
    'Short text here.',
  ]);
});

test('chunks respect the token limit, cover the text in order and overlap', () => {
  const chunks = splitIntoChunks(doc, count, { maxTokens: 50, overlapTokens: 14 });
  assert.ok(chunks.length > 1);
  for (const c of chunks) assert.ok(count(c) <= 50, `${count(c)} tokens`);
  // every sentence appears, in order
  let at = 0;
  for (let i = 0; i < 40; i++) {
    const idx = chunks.findIndex((c) => c.includes(`number ${i} `));
    assert.ok(idx >= at, `sentence ${i}`);
    at = idx;
  }
  // consecutive chunks share sentences (overlap of two 7-token sentences)
  for (let i = 1; i < chunks.length; i++) {
    const firstOfNext = chunks[i]!.split('. ')[0]!;
    assert.ok(chunks[i - 1]!.includes(firstOfNext), `overlap between ${i - 1} and ${i}`);
  }
  const noOverlap = splitIntoChunks(doc, count, { maxTokens: 50, overlapTokens: 0 });
  assert.equal(noOverlap.join(' ').match(/Sentence/g)!.length, 40);
});

test('very long sentences and words are split further', () => {
  const long = `${'word '.repeat(120)}end.`;
  const chunks = splitIntoChunks(long, count, { maxTokens: 25, overlapTokens: 0 });
  assert.ok(chunks.length >= 5);
  for (const c of chunks) assert.ok(count(c) <= 25);
  const charCount = (s: string): number => s.length;
  const giant = 'x'.repeat(1000);
  const pieces = units(giant, charCount, 300);
  assert.ok(pieces.every((p) => p.tokens <= 300));
  assert.equal(pieces.map((p) => p.text).join(''), giant);
});

test('chunking always moves forward even when overlap is as large as a chunk', () => {
  const chunks = splitIntoChunks(doc, count, { maxTokens: 14, overlapTokens: 14 });
  assert.ok(chunks.length >= 20 && chunks.length <= 80, `${chunks.length}`);
});
