import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BadManifest, ModelNotFound } from '../../src/engine/errors';
import { layerName, loadManifest, parseManifest } from '../../src/engine/manifest';
import { manifestJson } from '../support/helpers';

test('a valid manifest parses into typed fields', () => {
  const m = parseManifest(manifestJson());
  assert.equal(m.id, 'test-model');
  assert.deepEqual(
    m.objectives.map((o) => o.id),
    ['concise', 'faithful', 'complete'],
  );
  assert.equal(m.conditioning.responseOnly, true);
  assert.equal(m.prompt.weightsFormat, null);
  assert.deepEqual(m.specialTokens, { eos: [2], pad: 2, bos: null });
  assert.equal(m.io.names.pastKey, 'past_key_values.{i}.key');
  assert.equal(layerName(m.io.names.presentValue, 7), 'present.7.value');
  assert.deepEqual(m.generation, {});
});

test('a single eos id and missing io names are accepted', () => {
  const j = manifestJson();
  j.specialTokens = { eos: 5, pad: 0, bos: 1 };
  (j.io as Record<string, unknown>).inputs = undefined;
  const m = parseManifest(j);
  assert.deepEqual(m.specialTokens.eos, [5]);
  assert.equal(m.specialTokens.bos, 1);
  assert.equal(m.io.names.inputIds, 'input_ids');
});

test('the decoding block is read', () => {
  const j = manifestJson();
  j.decoding = {
    strategy: 'greedy',
    maxNewTokens: 96,
    noRepeatNgram: 4,
    repetitionPenalty: 1.1,
    minNewTokens: 2,
    unsureBelow: -1.7,
    novelSentenceWords: 3,
  };
  assert.deepEqual(parseManifest(j).generation, {
    maxNewTokens: 96,
    noRepeatNgramSize: 4,
    repetitionPenalty: 1.1,
    minNewTokens: 2,
    unsureBelow: -1.7,
    novelSentenceWords: 3,
  });
});

const broken: [string, (j: Record<string, unknown>) => void, RegExp][] = [
  ['objectives missing', (j) => delete j.objectives, /"objectives" must be a non-empty list/],
  ['duplicate objective', (j) => ((j.objectives as unknown[])[1] = { id: 'concise' }), /unique/],
  ['template without {document}', (j) => (j.prompt = { template: 'x', weightsFormat: null }), /\{document\}/],
  [
    'weightsFormat without {weights}',
    (j) => (j.prompt = { template: '{document}', weightsFormat: '{id}={value}' }),
    /\{weights\}/,
  ],
  ['unknown default weight', (j) => (j.defaultWeights = { brief: 1 }), /"brief", which is not an objective/],
  ['negative preset', (j) => (j.presets = { P: { concise: -1 } }), /negative/],
  ['bad layer count', (j) => ((j.io as Record<string, unknown>).numLayers = 0), /io.numLayers/],
  ['responseOnly missing', (j) => (j.conditioning = { subset: 'all' }), /conditioning.responseOnly/],
  ['eos not ids', (j) => (j.specialTokens = { eos: ['x'], pad: 0 }), /specialTokens.eos/],
  ['no graphs', (j) => (j.graphs = {}), /no graph/],
  // a level of 0 would drop every sentence
  ['unsure level not below 0', (j) => (j.decoding = { unsureBelow: 0 }), /unsureBelow.*below 0/],
  [
    'past name without {i}',
    (j) => ((j.io as Record<string, unknown>).inputs = { pastKey: 'past' }),
    /io.pastKey/,
  ],
];
for (const [name, mutate, message] of broken) {
  test(`manifest error: ${name}`, () => {
    const j = manifestJson();
    mutate(j);
    assert.throws(
      () => parseManifest(j),
      (e: unknown) => e instanceof BadManifest && message.test(e.message),
    );
  });
}

test('loadManifest: missing directory is ModelNotFound, bad JSON is BadManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'steer-manifest-'));
  assert.throws(() => loadManifest(join(dir, 'nope')), ModelNotFound);
  mkdirSync(join(dir, 'm'));
  assert.throws(() => loadManifest(join(dir, 'm')), ModelNotFound);
  writeFileSync(join(dir, 'm', 'manifest.json'), '{oops');
  assert.throws(() => loadManifest(join(dir, 'm')), BadManifest);
  writeFileSync(join(dir, 'm', 'manifest.json'), JSON.stringify(manifestJson()));
  assert.equal(loadManifest(join(dir, 'm')).id, 'test-model');
});
