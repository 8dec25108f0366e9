/**
 * The end bias of a brevity objective (generation/end-bias.ts): a row weighted towards concise takes a
 * sentence end it already considered, never cuts a sentence, and the balanced summary is the model's own.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRowDecoder, resolveSampling } from '../../src/engine/generation/config';
import { endBiasFor } from '../../src/engine/generation/end-bias';
import type { PieceTable } from '../../src/engine/generation/grounded-decoding';
import { Continuation } from '../../src/engine/grounding/continuation';
import { DocumentTerms } from '../../src/engine/grounding/terms';
import { parseManifest } from '../../src/engine/manifest-parse';
import { BadManifest } from '../../src/engine/errors';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/helpers';

/** id 0 is end-of-sequence. */
const VOCAB = ['', 'The', ' board', ' met', ' on', ' Monday', '.', ' It'];
const id = (piece: string): number => VOCAB.indexOf(piece);
const pieces: PieceTable = {
  piece: (i) => VOCAB[i] ?? '',
  text: (ids) => ids.map((i) => VOCAB[i] ?? '').join(''),
  encode: (text) => (VOCAB.includes(text) ? [VOCAB.indexOf(text)] : []),
};
const DOCUMENT = 'The board met on Monday. It voted.';

/** The token a greedy grounded row picks after `generated`, the model preferring `best` over the end by `gap`. */
function next(generated: string[], best: string, gap: number, endBias: number): string {
  const grounding = { continuation: new Continuation(new DocumentTerms(DOCUMENT)), pieces };
  const decoder = buildRowDecoder(resolveSampling({}, {}), 64, [0], grounding, undefined, [], endBias);
  const logits = new Float32Array(VOCAB.length).fill(-10);
  logits[id(best)] = 0;
  logits[0] = -gap;
  decoder.processors.process(logits, generated.map(id));
  return VOCAB[decoder.choose(logits)]!;
}

test('no bias at or below the default weight, the whole bias at the vertex, linear in between', () => {
  assert.equal(endBiasFor(1 / 3, 1 / 3, 6), 0);
  assert.equal(endBiasFor(0.1, 1 / 3, 6), 0);
  assert.equal(endBiasFor(1, 1 / 3, 6), 6);
  assert.ok(Math.abs(endBiasFor(2 / 3, 1 / 3, 6) - 3) < 1e-9);
  assert.equal(endBiasFor(1, 1 / 3, 0), 0);
  let last = -1;
  for (let w = 0; w <= 1.0001; w += 0.05) {
    const b = endBiasFor(w, 1 / 3, 6);
    assert.ok(b >= last, `the bias never falls as the concise weight rises (${w})`);
    last = b;
  }
});

test('after a finished sentence, a concise row ends where the balanced row writes another sentence', () => {
  const sentence = ['The', ' board', ' met', ' on', ' Monday', '.'];
  // the model prefers a second sentence by 3 nats
  assert.equal(next(sentence, ' It', 3, 0), ' It');
  assert.equal(next(sentence, ' It', 3, endBiasFor(1, 1 / 3, 6)), '');
  // halfway to the vertex the bias (3) does not quite outweigh a 3.5-nat preference
  assert.equal(next(sentence, ' It', 3.5, endBiasFor(2 / 3, 1 / 3, 6)), ' It');
});

test('the bias never ends a summary inside a sentence', () => {
  assert.equal(next(['The', ' board', ' met'], ' on', 1, 100), ' on');
  // without grounding nothing tells a sentence end: no bias at all
  const decoder = buildRowDecoder(
    resolveSampling({ grounded: false }, {}),
    64,
    [0],
    undefined,
    undefined,
    [],
    100,
  );
  const logits = new Float32Array(VOCAB.length).fill(-10);
  logits[id(' on')] = 0;
  logits[0] = -1;
  decoder.processors.process(logits, [id('The'), id(' board'), id(' met')]);
  assert.equal(VOCAB[decoder.choose(logits)], ' on');
});

test('the manifest names the objective the bias helps; an unknown one is refused', () => {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, 'models', 'clp-smollm2-135m', 'manifest.json'), 'utf8'),
  ) as Record<string, Record<string, unknown>>;
  const withBias = (objective: string): unknown => ({
    ...manifest,
    decoding: { ...manifest.decoding, endBias: { objective, logit: 4 } },
  });
  assert.deepEqual(parseManifest(withBias('concise')).generation.endBias, { objective: 'concise', logit: 4 });
  assert.throws(() => parseManifest(withBias('shortness')), BadManifest);
});
