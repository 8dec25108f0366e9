/** What the extension accepts from the steering webview: only well-formed messages for the model's objectives. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_PREVIEW, parseFromWebview } from '../../src/common/messages';

const IDS = ['concise', 'faithful', 'complete'];
const W = { concise: 0.5, faithful: 0.3, complete: 0.2 };

describe('messages from the steering webview', () => {
  test('well-formed messages pass through unchanged', () => {
    assert.deepEqual(parseFromWebview({ type: 'weightsChanged', weights: W, live: true }, IDS), {
      type: 'weightsChanged',
      weights: W,
      live: true,
    });
    assert.deepEqual(parseFromWebview({ type: 'preview', count: 4 }, IDS), { type: 'preview', count: 4 });
    assert.deepEqual(parseFromWebview({ type: 'action', action: 'replace', summaryId: 7 }, IDS), {
      type: 'action',
      action: 'replace',
      summaryId: 7,
    });
    assert.deepEqual(parseFromWebview({ type: 'ready', extra: 'ignored' }, IDS), { type: 'ready' });
  });

  test('weights must name exactly the objectives, each a number in [0, 1]', () => {
    const bad = [
      { concise: 1 }, // missing objectives
      { ...W, polite: 0 }, // unknown objective
      { ...W, concise: -0.1 },
      { ...W, concise: 2 },
      { ...W, concise: Number.NaN },
      { ...W, concise: '0.5' },
      [0.5, 0.3, 0.2],
      null,
    ];
    for (const weights of bad)
      assert.equal(parseFromWebview({ type: 'summarize', weights }, IDS), null, JSON.stringify(weights));
  });

  test('anything else is dropped: unknown types, bad actions, ids, counts and flags', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'eval', code: 'x' },
      { type: 'action', action: 'delete', summaryId: 1 },
      { type: 'action', action: 'copy', summaryId: '1' },
      { type: 'action', action: 'copy', summaryId: 1.5 },
      { type: 'preview', count: MAX_PREVIEW + 1 },
      { type: 'preview', count: 1 },
      { type: 'setLive', live: 'yes' },
      { type: 'weightsChanged', weights: W },
    ];
    for (const m of bad) assert.equal(parseFromWebview(m, IDS), null, JSON.stringify(m));
  });
});
