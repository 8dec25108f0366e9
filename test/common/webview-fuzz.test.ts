/**
 * Fuzzing what crosses a trust boundary: the validation of the Steering webview's messages
 * (parseFromWebview). 10,000 random and mutated messages from a fixed seed: nothing throws, every message
 * an independent oracle calls bad is dropped, and what is accepted carries no extra fields.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PREVIEW, MIN_PREVIEW, SUMMARY_ACTIONS, parseFromWebview } from '../../src/common/messages';
import { Gen, N, finite, isObj, rng, type Json } from '../support/fuzz';

const IDS = ['concise', 'faithful', 'complete'];

function validWeights(v: unknown): boolean {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === IDS.length &&
    keys.every((k) => IDS.includes(k)) &&
    IDS.every((k) => finite(v[k]) && (v[k] as number) >= 0 && (v[k] as number) <= 1)
  );
}

const count = (v: unknown) =>
  Number.isInteger(v) && (v as number) >= MIN_PREVIEW && (v as number) <= MAX_PREVIEW;

/** The accepted messages as documented in src/common/messages.ts, written independently. */
function validFromWebview(m: unknown): boolean {
  if (!isObj(m)) return false;
  switch (m.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'weightsChanged':
      return validWeights(m.weights) && typeof m.live === 'boolean';
    case 'summarize':
      return validWeights(m.weights);
    case 'preview':
    case 'setPreviewCount':
      return count(m.count);
    case 'action':
      return SUMMARY_ACTIONS.includes(m.action as never) && Number.isInteger(m.summaryId);
    case 'setLive':
      return typeof m.live === 'boolean';
    default:
      return false;
  }
}

const FIELDS: Record<string, string[]> = {
  ready: ['type'],
  cancel: ['type'],
  weightsChanged: ['type', 'weights', 'live'],
  summarize: ['type', 'weights'],
  preview: ['type', 'count'],
  setPreviewCount: ['type', 'count'],
  action: ['type', 'action', 'summaryId'],
  setLive: ['type', 'live'],
};

test('webview message fuzz: 10,000 random and mutated messages; bad ones dropped, good ones exact', () => {
  const g = new Gen(rng(7));
  const w = () => ({ concise: g.r(), faithful: g.r(), complete: g.r() });
  const valid = (): Json[] => [
    { type: 'ready' },
    { type: 'cancel' },
    { type: 'weightsChanged', weights: w(), live: true },
    { type: 'summarize', weights: w() },
    { type: 'preview', count: 4 },
    { type: 'setPreviewCount', count: 8 },
    { type: 'action', action: g.pick(SUMMARY_ACTIONS), summaryId: g.int(100) },
    { type: 'setLive', live: false },
  ];
  let accepted = 0;
  for (let i = 0; i < N; i++) {
    const base = g.pick(valid());
    const m = i % 5 === 0 ? g.value(0, true) : i % 5 === 1 ? base : g.mutate(base, true);
    let parsed: ReturnType<typeof parseFromWebview> = null;
    assert.doesNotThrow(() => (parsed = parseFromWebview(m, IDS)));
    const ok = validFromWebview(m);
    const shown = (() => {
      try {
        return JSON.stringify(m);
      } catch {
        return String(m);
      }
    })();
    assert.equal(
      parsed !== null,
      ok,
      `${ok ? 'a valid message dropped' : 'a bad message accepted'}: ${shown}`,
    );
    if (parsed === null) continue;
    accepted++;
    const p = parsed as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(p).sort(),
      [...FIELDS[p.type as string]!].sort(),
      'nothing else passes through',
    );
    if ('weights' in p)
      assert.ok(validWeights(p.weights) && Object.getPrototypeOf(p.weights) === Object.prototype);
  }
  assert.ok(accepted > 2000 && accepted < N - 2000, `${accepted} accepted`);
});
