/**
 * Sentences the model was unsure of: the generator keeps each chosen token's log-probability as the model
 * gave it (before grounding or a penalty changed the logits), and the last check drops a sentence whose
 * tokens have a low mean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodeBatch } from '../../src/engine/decode-batch';
import { buildRowDecoder, resolveSampling } from '../../src/engine/generation/config';
import { Generator } from '../../src/engine/generation/generator';
import { logProbability } from '../../src/engine/generation/sampling';
import {
  hasUnsureSentence,
  sentenceKey,
  unsureSentences,
  withoutUnsureSentences,
} from '../../src/engine/unsure-sentences';

test('a log-probability is the log-softmax of the logits at the token', () => {
  const logits = Float32Array.from([1, 2, 3]);
  const total = Math.exp(1) + Math.exp(2) + Math.exp(3);
  assert.ok(Math.abs(logProbability(logits, 2) - Math.log(Math.exp(3) / total)) < 1e-6);
  assert.ok(Math.abs(logProbability(logits, 0) - Math.log(Math.exp(1) / total)) < 1e-6);
  // no overflow with large logits
  assert.ok(Math.abs(logProbability(Float32Array.from([1000, 1000]), 0) - Math.log(0.5)) < 1e-6);
});

/** Pieces of text per token id, as a byte-level tokenizer decodes them. */
const PIECES = [
  'The',
  ' farm',
  ' opens',
  ' in',
  ' October',
  '.',
  ' Licence',
  ' providers',
  ' shall',
  ' grant',
  ' mom',
  ' Louis',
];
const decode = (ids: readonly number[]): string => ids.map((i) => PIECES[i]).join('');

test("a sentence whose tokens the model found unlikely is unsure; the model's confident one is not", () => {
  // "The farm opens in October. Licence providers shall grant mom."
  const tokens = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5];
  const logprobs = [-0.2, -0.5, -0.4, -0.1, -1.2, -0.05, -3.1, -2.8, -1.9, -2.2, -4.0, -0.3];
  const unsure = unsureSentences(tokens, logprobs, decode, -1.7);
  assert.deepEqual([...unsure], [sentenceKey('Licence providers shall grant mom.')]);
  const summary = 'The farm opens in October. Licence providers shall grant mom.';
  assert.ok(hasUnsureSentence(summary, unsure));
  assert.equal(withoutUnsureSentences(summary, unsure), 'The farm opens in October.');
  // the same sentence after the last check changed its case and spacing is still found
  assert.ok(hasUnsureSentence('The farm opens in October.  Licence providers shall grant Mom.', unsure));
  // a confident summary keeps every sentence
  assert.equal(
    unsureSentences(
      tokens,
      logprobs.map(() => -0.3),
      decode,
      -1.7,
    ).size,
    0,
  );
});

test('tokens the model did not choose (a forced opening) do not count toward a sentence', () => {
  const tokens = [0, 1, 2, 3, 4, 5];
  // the forced "The farm" was unlikely to the model; what it wrote itself it was sure of
  const logprobs = [NaN, NaN, -0.3, -0.2, -0.4, -0.1];
  assert.equal(unsureSentences(tokens, logprobs, decode, -1.7).size, 0);
  const counted = [-6, -6, -0.3, -0.2, -0.4, -0.1];
  assert.equal(unsureSentences(tokens, counted, decode, -1.7).size, 1);
  // no log-probabilities (a model without the level): nothing is unsure
  assert.equal(unsureSentences(tokens, [], decode, -1.7).size, 0);
});

const VOCAB = 4;
const EOS = 3;

/** A model that always puts most of its mass on token 1, a little on 0 and 2, and least on the end. */
class FixedBatch implements DecodeBatch {
  position = 5;
  readonly canVerify = false;
  step(tokens: readonly number[]): Promise<Float32Array> {
    this.position++;
    const out = new Float32Array(tokens.length * VOCAB);
    for (let r = 0; r < tokens.length; r++) out.set([0, 4, 0, -2], r * VOCAB);
    return Promise.resolve(out);
  }
  verify(): Promise<Float32Array> {
    throw new Error('no drafts here');
  }
  accept(): void {}
  keep(): void {}
}

test("the generator scores each token on the model's own logits, before processors change them", async () => {
  // no-repeat-ngram 1 bans token 1 after it is written once: the row then writes 0 and 2, which the model
  // found unlikely; their recorded log-probabilities are the model's, not the processed ones (-Infinity for 1)
  const decoder = buildRowDecoder(resolveSampling({ grounded: false, noRepeatNgramSize: 1 }, {}), 3, [EOS]);
  const scored = new Generator(
    new FixedBatch(),
    [0],
    [{ weights: [1], decoder }],
    100,
    [EOS],
    undefined,
    true,
  );
  while (!scored.isDone()) await scored.generateNextToken();
  assert.deepEqual(scored.sequences[0], [1, 0, 2]);
  const logits = Float32Array.from([0, 4, 0, -2]);
  assert.deepEqual(
    scored.logprobs[0]!.map((x) => x.toFixed(6)),
    [1, 0, 2].map((id) => logProbability(logits, id).toFixed(6)),
  );
  // not asked to score: nothing kept
  const plain = new Generator(
    new FixedBatch(),
    [0],
    [{ weights: [1], decoder: buildRowDecoder(resolveSampling({ grounded: false }, {}), 3, [EOS]) }],
    100,
    [EOS],
  );
  while (!plain.isDone()) await plain.generateNextToken();
  assert.deepEqual(plain.logprobs[0], []);
});
