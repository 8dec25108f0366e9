import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadOptions } from '../../src/engine/errors';
import { buildRowDecoder, resolveMaxNewTokens, resolveSampling } from '../../src/engine/generation/config';
import {
  LogitsProcessorList,
  MinNewTokensProcessor,
  NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
} from '../../src/engine/generation/logits-processors';
import { Rng, argmax, sample } from '../../src/engine/generation/sampling';
import {
  EosCriterion,
  MaxNewTokensCriterion,
  StoppingCriteriaList,
} from '../../src/engine/generation/stopping-criteria';

const logits = (...v: number[]): Float32Array => Float32Array.from(v);

test('temperature divides the logits', () => {
  const l = logits(2, 4, -6);
  new TemperatureProcessor(2).process(l);
  assert.deepEqual([...l], [1, 2, -3]);
  assert.throws(() => new TemperatureProcessor(0));
});

test('repetition penalty divides positive and multiplies negative logits of seen tokens', () => {
  const l = logits(2, -2, 3);
  new RepetitionPenaltyProcessor(2).process(l, [0, 1, 1]);
  assert.deepEqual([...l], [1, -4, 3]);
});

test('no-repeat-ngram bans tokens that would repeat an n-gram', () => {
  const p = new NoRepeatNgramProcessor(3);
  // generated: 5 6 7 5 6 → the 3-gram (5,6,7) exists, so 7 is banned after "5 6"
  assert.deepEqual([...p.banned([5, 6, 7, 5, 6])], [7]);
  assert.deepEqual([...p.banned([5, 6])], []);
  const l = new Float32Array(10);
  p.process(l, [5, 6, 7, 5, 6]);
  assert.equal(l[7], -Infinity);
  assert.equal(l[6], 0);
  // n = 1 bans every token already generated
  assert.deepEqual([...new NoRepeatNgramProcessor(1).banned([1, 2, 1])].sort(), [1, 2]);
  // n = 2: after "3", ban what followed an earlier "3"
  assert.deepEqual([...new NoRepeatNgramProcessor(2).banned([3, 4, 1, 3])], [4]);
});

test('top-k keeps the k best', () => {
  const l = logits(1, 5, 3, 4, 2);
  new TopKProcessor(2).process(l);
  assert.deepEqual([...l], [-Infinity, 5, -Infinity, 4, -Infinity]);
});

test('top-p keeps the smallest nucleus reaching p', () => {
  const l = logits(Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05));
  new TopPProcessor(0.75).process(l);
  assert.deepEqual(
    [...l].map((x) => x === -Infinity),
    [false, false, true, true],
  );
  // a wide, flat distribution: the nucleus reaches beyond the first threshold
  const flat = new Float32Array(1000).map((_, i) => -i / 50);
  const copy = Float32Array.from(flat);
  new TopPProcessor(0.9).process(flat);
  const order = [...copy.keys()];
  const probs = order.map((i) => Math.exp(copy[i]!));
  const z = probs.reduce((a, b) => a + b, 0);
  let acc = 0;
  let expected = 0;
  while (acc < 0.9 * z) acc += probs[expected++]!;
  assert.equal(flat.filter((x) => x !== -Infinity).length, expected);
  const all = logits(0, 0, 0);
  new TopPProcessor(1).process(all);
  assert.deepEqual([...all], [0, 0, 0]);
});

test('min-new-tokens forbids eos early', () => {
  const p = new MinNewTokensProcessor(2, [0]);
  const l = logits(9, 1);
  p.process(l, [1]);
  assert.equal(l[0], -Infinity);
  const l2 = logits(9, 1);
  p.process(l2, [1, 1]);
  assert.equal(l2[0], 9);
});

test('processors compose in order', () => {
  const l = logits(4, 2, 0);
  new LogitsProcessorList([new RepetitionPenaltyProcessor(2), new TemperatureProcessor(2)]).process(l, [0]);
  assert.deepEqual([...l], [1, 1, 0]);
});

test('stopping criteria', () => {
  const s = new StoppingCriteriaList([new EosCriterion([2, 3]), new MaxNewTokensCriterion(4)]);
  assert.equal(s.isDone([]), false);
  assert.equal(s.isDone([5, 3]), true);
  assert.equal(s.isDone([5, 6, 7]), false);
  assert.equal(s.isDone([5, 6, 7, 8]), true);
});

test('argmax takes the first maximum; sampling is seeded and follows the distribution', () => {
  assert.equal(argmax(logits(1, 3, 3, 2)), 1);
  const l = logits(0, Math.log(3), -Infinity);
  const a = new Rng(42);
  const b = new Rng(42);
  const seqA = Array.from({ length: 50 }, () => sample(l, a));
  const seqB = Array.from({ length: 50 }, () => sample(l, b));
  assert.deepEqual(seqA, seqB);
  assert.ok(!seqA.includes(2));
  const rng = new Rng(1);
  let ones = 0;
  for (let i = 0; i < 4000; i++) ones += sample(l, rng);
  assert.ok(Math.abs(ones / 4000 - 0.75) < 0.03, `${ones / 4000}`);
});

test('sampling options are validated and defaulted from the manifest', () => {
  assert.deepEqual(resolveSampling(undefined, {}), {
    temperature: 0,
    topP: 1,
    topK: 0,
    seed: 0,
    repetitionPenalty: 1,
    noRepeatNgramSize: 0,
    minNewTokens: 0,
    grounded: true,
    wording: 'open',
    endBias: 0,
  });
  assert.equal(resolveSampling({}, { noRepeatNgramSize: 4 }).noRepeatNgramSize, 4);
  assert.equal(resolveSampling({}, { endBias: { objective: 'concise', logit: 6 } }).endBias, 6);
  assert.equal(resolveSampling({ endBias: 0 }, { endBias: { objective: 'concise', logit: 6 } }).endBias, 0);
  assert.throws(() => resolveSampling({ endBias: -1 }, {}), BadOptions);
  assert.equal(resolveSampling({ noRepeatNgramSize: 0 }, { noRepeatNgramSize: 4 }).noRepeatNgramSize, 0);
  assert.throws(() => resolveSampling({ temperature: -1 }, {}), BadOptions);
  assert.throws(() => resolveSampling({ topP: 0 }, {}), BadOptions);
  assert.throws(() => resolveSampling({ seed: 1.5 }, {}), BadOptions);
  assert.throws(() => resolveSampling({ wording: 'loose' as 'open' }, {}), BadOptions);
  assert.equal(resolveMaxNewTokens(undefined, {}), 128);
  assert.equal(resolveMaxNewTokens(undefined, { maxNewTokens: 64 }), 64);
  assert.throws(() => resolveMaxNewTokens(0, {}), BadOptions);
});

test('a row decoder applies its guards and stops at eos', () => {
  const d = buildRowDecoder(resolveSampling({ noRepeatNgramSize: 1 }, {}), 10, [0]);
  const l = logits(0, 5, 4);
  d.processors.process(l, [1]);
  assert.equal(d.choose(l), 2);
  assert.equal(d.stopping.isDone([2, 0]), true);
});
