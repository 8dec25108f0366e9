/**
 * The Steering view's state has one owner, the extension (src/extension/view-state.ts): its defaults are
 * the only ones, and a saved state that is partial, from an older version or for another model's objectives
 * falls back to them field by field, so the webview always gets a complete state it can use as it is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import type { SummaryView, ViewState } from '../../src/common/messages';
import { parseManifest } from '../../src/engine/manifest-parse';
import { ViewStateStore } from '../../src/extension/view-state';
import { manifestJson } from '../support/helpers';

const MANIFEST = parseManifest(manifestJson());
const DEFAULT_WEIGHTS = { concise: 0.5, faithful: 0.5, complete: 0 };

/** A workspace state holding `saved` under the view's key; `written` collects what the store writes. */
function memento(saved: unknown, written: unknown[] = []): vscode.Memento {
  return {
    keys: () => ['steer.viewState'],
    get: <T>(key: string): T | undefined => (key === 'steer.viewState' ? (saved as T) : undefined),
    update: async (_key: string, value: unknown) => {
      written.push(value);
    },
  };
}

function store(saved: unknown, written: unknown[] = [], manifest = () => MANIFEST): ViewStateStore {
  return new ViewStateStore({
    memento: memento(saved, written),
    manifest,
    defaultWeights: () => DEFAULT_WEIGHTS,
    log: () => undefined,
  });
}

const summary = (weights: Record<string, number>): SummaryView => ({
  id: 1,
  text: 'A summary.',
  weights,
  words: 2,
  tokens: 3,
  finishReason: 'eos',
  estimates: {},
  ms: 10,
});

describe('the Steering view state (owned by the extension)', () => {
  test('nothing saved: the one set of defaults', () => {
    assert.deepEqual(store(undefined).state, {
      weights: DEFAULT_WEIGHTS,
      live: true,
      previewCount: 4,
      summary: null,
      previews: [],
    });
  });

  test('a saved state comes back, its weights normalised', () => {
    const saved: ViewState = {
      weights: { concise: 2, faithful: 1, complete: 1 },
      live: false,
      previewCount: 6,
      summary: summary({ concise: 1 }),
      previews: [summary({ faithful: 1 })],
    };
    assert.deepEqual(store(saved).state, {
      ...saved,
      weights: { concise: 0.5, faithful: 0.25, complete: 0.25 },
    });
  });

  test('each field that is missing, malformed or of another model falls back on its own', () => {
    const other = summary({ polite: 1 });
    const state = store({
      weights: { polite: 1 },
      live: 'yes',
      previewCount: 99,
      summary: other,
      previews: [other, summary({ complete: 1 }), 'junk'],
    }).state;
    assert.deepEqual(state, {
      weights: DEFAULT_WEIGHTS,
      live: true,
      previewCount: 4,
      summary: null,
      previews: [summary({ complete: 1 })],
    });
    assert.deepEqual(store('not a state').state, store(undefined).state);
    assert.equal(store({ previewCount: 2.5 }).state.previewCount, 4);
  });

  test("the user's changes are kept in the workspace state", () => {
    const written: unknown[] = [];
    const s = store(undefined, written);
    s.update({ live: false });
    s.update({ previewCount: 3 });
    assert.deepEqual(written.at(-1), { ...s.state, live: false, previewCount: 3 });
    assert.deepEqual(store(written.at(-1)).state, s.state, 'and come back from it');
  });

  test('with no readable model: no weights yet, and the saved ones once the model can be read', () => {
    let readable = false;
    const s = store({ weights: { concise: 1 } }, [], () => {
      if (!readable) throw new Error('no manifest');
      return MANIFEST;
    });
    assert.deepEqual(s.state.weights, {});
    assert.equal(s.state.live, true);
    readable = true;
    assert.deepEqual(s.weights, { concise: 1, faithful: 0, complete: 0 });
  });
});
