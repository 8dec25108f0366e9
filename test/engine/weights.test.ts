import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadWeights } from '../../src/engine/errors';
import { parseManifest } from '../../src/engine/manifest';
import { buildPrompt, fixed2, formatPromptWeights } from '../../src/engine/prompt';
import { normaliseWeights, parseWeightsSpec, spreadWeights } from '../../src/engine/weights';
import { manifestJson } from '../support/helpers';

const manifest = parseManifest(manifestJson());
const objectives = manifest.objectives;

test('weights are normalised to sum 1 and missing ids get 0', () => {
  const w = normaliseWeights(objectives, { concise: 3, faithful: 1 });
  assert.deepEqual(w.record, { concise: 0.75, faithful: 0.25, complete: 0 });
  assert.deepEqual(w.vector, [0.75, 0.25, 0]);
});

const bad: [string, Record<string, number>, RegExp][] = [
  ['unknown name', { brief: 1 }, /Unknown objective "brief"; known: concise, faithful, complete/],
  ['negative', { concise: -0.5, faithful: 1 }, /negative/],
  ['NaN', { concise: Number.NaN }, /finite number/],
  ['infinite', { concise: Infinity }, /finite number/],
  ['all zero', { concise: 0, faithful: 0 }, /All weights are zero/],
  ['empty', {}, /All weights are zero/],
];
for (const [name, weights, message] of bad) {
  test(`bad weights: ${name}`, () => {
    assert.throws(
      () => normaliseWeights(objectives, weights),
      (e: unknown) => e instanceof BadWeights && e.code === 'BAD_WEIGHTS' && message.test(e.message),
    );
  });
}

test('weight specs parse, presets resolve, junk is BadWeights', () => {
  assert.deepEqual(parseWeightsSpec('concise=0.6, faithful=0.4'), { concise: 0.6, faithful: 0.4 });
  assert.deepEqual(parseWeightsSpec('headline', manifest.presets), { concise: 1 });
  assert.throws(() => parseWeightsSpec('concise'), BadWeights);
  assert.throws(() => parseWeightsSpec('concise=abc'), /must be a number/);
  assert.throws(() => parseWeightsSpec('concise='), /must be a number/);
  assert.throws(() => parseWeightsSpec('concise=1,concise=2'), /twice/);
  assert.throws(() => parseWeightsSpec('  '), /empty/);
});

test('spreadWeights gives K distinct valid weightings, the first near the centre', () => {
  for (const k of [1, 2, 3, 4, 5, 8]) {
    const list = spreadWeights(objectives, k);
    assert.equal(list.length, k);
    assert.deepEqual(list[0], { concise: 0.333, faithful: 0.333, complete: 0.333 });
    const keys = new Set(list.map((w) => JSON.stringify(w)));
    assert.equal(keys.size, k, `distinct for k=${k}`);
    for (const w of list) {
      const v = normaliseWeights(objectives, w).vector;
      assert.ok(Math.abs(v.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    }
  }
  const twoObjectives = objectives.slice(0, 2);
  const line = spreadWeights(twoObjectives, 3);
  assert.deepEqual(
    line.map((w) => w.concise),
    [0.5, 1, 0],
  );
  assert.deepEqual(spreadWeights(objectives, 2, { concise: 1 })[0], { concise: 1, faithful: 0, complete: 0 });
});

test('prompts fill {document}, and {weights} when prompt conditioning is on', () => {
  assert.equal(
    buildPrompt(manifest, '  A text. ', [1, 0, 0]),
    '<|im_start|>user\nSummarize:\nA text.<|im_end|>\n<|im_start|>assistant\n',
  );
  const j = manifestJson();
  j.prompt = {
    template: 'W{weights}\n{document}',
    weightsFormat: '{id}={value}',
    weightsPrefix: ': ',
    weightsSuffix: '.',
  };
  const m2 = parseManifest(j);
  assert.equal(
    buildPrompt(m2, 'Doc {weights}', [0.5, 0.25, 0.25]),
    'W: concise=0.50, faithful=0.25, complete=0.25.\nDoc {weights}',
  );
  // Without prompt conditioning an empty {weights} slot is removed, as the trainer does.
  j.prompt = { template: 'U: Summarize.{weights}\n\n{document}', weightsFormat: null, weightsPrefix: null };
  assert.equal(buildPrompt(parseManifest(j), 'D', [1, 0, 0]), 'U: Summarize.\n\nD');
  assert.equal(formatPromptWeights('{id}:{value}', ['a'], [1 / 3]), 'a:0.33');
  // Python's f"{x:.2f}" rounds exact ties to even; JavaScript's toFixed rounds them up.
  assert.equal(fixed2(0.125), '0.12');
  assert.equal(fixed2(0.375), '0.38');
  assert.equal(fixed2(0.625), '0.62');
  assert.equal(fixed2(0.335), (0.335).toFixed(2));
  assert.equal(fixed2(1), '1.00');
});
