/** The engine's memory of summaries already made (src/engine/summary-memo.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SummaryMemo } from '../../src/engine/summary-memo';

const entry = (summary: string) => ({
  row: { tokens: [1, 2], finishReason: 'eos' as const, summary },
  promptTokens: 10,
  chunks: 1,
});

test('weights the graph cannot tell apart are the same key; other weights, text or options are not', () => {
  const w = [0.2, 0.2, 0.6];
  const roundTrip = w.map((x) => x / w.reduce((a, b) => a + b, 0) + 1e-17);
  const opts = { maxNewTokens: 128 };
  assert.equal(SummaryMemo.key('doc', w, opts), SummaryMemo.key('doc', roundTrip, opts));
  assert.notEqual(SummaryMemo.key('doc', w, opts), SummaryMemo.key('doc', [0.2, 0.21, 0.59], opts));
  assert.notEqual(SummaryMemo.key('doc', w, opts), SummaryMemo.key('doc.', w, opts));
  assert.notEqual(SummaryMemo.key('doc', w, opts), SummaryMemo.key('doc', w, { maxNewTokens: 64 }));
});

test('it keeps the most recently used summaries up to its size', () => {
  const memo = new SummaryMemo(2);
  memo.set('a', entry('A'));
  memo.set('b', entry('B'));
  assert.equal(memo.get('a')?.row.summary, 'A'); // a is now the most recent
  memo.set('c', entry('C'));
  assert.equal(memo.size, 2);
  assert.equal(memo.get('b'), undefined);
  assert.equal(memo.get('a')?.row.summary, 'A');
  assert.equal(memo.get('c')?.row.summary, 'C');
});
