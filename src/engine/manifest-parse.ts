/**
 * Checks a parsed `manifest.json` and turns it into a typed `Manifest`, filling the defaults. What the file may
 * hold is `rules/manifest.schema.json`, which the training code's tests validate the writer against; this
 * parser accepts what the schema describes and rejects what it forbids (test/engine/manifest-schema.test.ts),
 * and checks what a schema cannot: unique objective ids, weights that name objectives, paths inside the model.
 */
import { JsonReader, type JsonObject } from '../common/json-reader';
import { BadManifest } from './errors';
import type {
  Conditioning,
  GenerationDefaults,
  IoNames,
  Manifest,
  PromptSpec,
  SpecialTokens,
  WeightRecord,
} from './manifest-types';
import { insideModel } from './model-paths';

const fieldError = (field: string, expected: string): Error =>
  new BadManifest(`manifest.json: "${field}" must be ${expected}.`);

function checkWeightKeys(where: string, rec: WeightRecord, ids: Set<string>): void {
  for (const k of Object.keys(rec)) {
    if (!ids.has(k))
      throw new BadManifest(`manifest.json: "${where}" names "${k}", which is not an objective.`);
    if ((rec[k] ?? 0) < 0) throw new BadManifest(`manifest.json: "${where}.${k}" is negative.`);
  }
}

/** Validates a parsed manifest. Throws `BadManifest` naming the first field that is wrong. */
export function parseManifest(json: unknown): Manifest {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new BadManifest('manifest.json must contain a JSON object.');
  const root = new JsonReader(json as JsonObject, fieldError);

  const baseR = root.optObject('base');
  const base = baseR
    ? {
        name: baseR.string('name'),
        licence: baseR.optString('licence', 'unknown'),
        package: baseR.optString('package', ''),
      }
    : null;

  const objectives = root.array('objectives').map((o) => {
    const id = o.string('id');
    return { id, label: o.optString('label', id), description: o.optString('description', '') };
  });
  const ids = new Set(objectives.map((o) => o.id));
  if (ids.size !== objectives.length) throw new BadManifest('manifest.json: objective ids must be unique.');

  const defaultWeights = root.has('defaultWeights')
    ? root.numberRecord('defaultWeights')
    : Object.fromEntries(objectives.map((o) => [o.id, 1 / objectives.length]));
  checkWeightKeys('defaultWeights', defaultWeights, ids);

  const presets: Record<string, WeightRecord> = {};
  const presetsR = root.optObject('presets');
  if (presetsR) {
    for (const name of presetsR.keys()) {
      presets[name] = presetsR.numberRecord(name);
      checkWeightKeys(`presets.${name}`, presets[name], ids);
    }
  }

  const c = root.object('conditioning');
  const conditioning: Conditioning = {
    subset: c.optString('subset', 'all'),
    rank: c.optInt('rank', 0) ?? 0,
    responseOnly: c.bool('responseOnly'),
    promptConditioning: c.bool('promptConditioning', false),
  };

  const p = root.object('prompt');
  const prompt: PromptSpec = {
    template: p.string('template'),
    weightsFormat: p.nullableString('weightsFormat'),
    weightsPrefix: p.text('weightsPrefix', ''),
    weightsSuffix: p.text('weightsSuffix', ''),
  };
  if (!prompt.template.includes('{document}'))
    throw new BadManifest('manifest.json: "prompt.template" must contain a {document} slot.');
  if (prompt.weightsFormat !== null && !prompt.template.includes('{weights}'))
    throw new BadManifest(
      'manifest.json: "prompt.weightsFormat" is set but "prompt.template" has no {weights} slot.',
    );

  const s = root.object('specialTokens');
  const specialTokens: SpecialTokens = {
    eos: s.intList('eos'),
    pad: s.int('pad'),
    bos: s.nullableInt('bos'),
  };

  const graphsR = root.object('graphs');
  const graphs: Record<string, string> = {};
  for (const k of graphsR.keys()) graphs[k] = insideModel(`graphs.${k}`, graphsR.string(k));
  if (Object.keys(graphs).length === 0) throw new BadManifest('manifest.json: "graphs" names no graph.');
  // a name that is not a graph is ignored (the schema cannot tie the two fields together)
  const sharedKvCache = (root.has('sharedKvCache') ? root.stringList('sharedKvCache') : []).filter(
    (g) => g in graphs,
  );
  // branches share one cache row written in place: only a shared-cache graph can decode them
  const branches = (root.has('branches') ? root.stringList('branches') : []).filter((g) =>
    sharedKvCache.includes(g),
  );

  const io = root.object('io');
  const inputs = io.optObject('inputs');
  const outputs = io.optObject('outputs');
  const names: IoNames = {
    inputIds: inputs?.optString('inputIds', 'input_ids') ?? 'input_ids',
    attentionMask: inputs?.optString('attentionMask', 'attention_mask') ?? 'attention_mask',
    positionIds: inputs?.optString('positionIds', 'position_ids') ?? 'position_ids',
    weights: inputs?.optString('weights', 'clp_weights') ?? 'clp_weights',
    pastKey: inputs?.optString('pastKey', 'past_key_values.{i}.key') ?? 'past_key_values.{i}.key',
    pastValue: inputs?.optString('pastValue', 'past_key_values.{i}.value') ?? 'past_key_values.{i}.value',
    logits: outputs?.optString('logits', 'logits') ?? 'logits',
    presentKey: outputs?.optString('presentKey', 'present.{i}.key') ?? 'present.{i}.key',
    presentValue: outputs?.optString('presentValue', 'present.{i}.value') ?? 'present.{i}.value',
  };
  for (const k of ['pastKey', 'pastValue', 'presentKey', 'presentValue'] as const) {
    if (!names[k].includes('{i}')) throw new BadManifest(`manifest.json: "io.${k}" must contain {i}.`);
  }

  const gen = root.optObject('decoding') ?? root.optObject('generation');
  const generation: GenerationDefaults = {};
  if (gen) {
    const maxNewTokens = gen.optInt('maxNewTokens', 1);
    const noRepeatNgramSize = gen.optInt('noRepeatNgramSize', 0) ?? gen.optInt('noRepeatNgram', 0);
    const repetitionPenalty = gen.optNumber('repetitionPenalty', 1);
    if (maxNewTokens !== undefined) generation.maxNewTokens = maxNewTokens;
    if (noRepeatNgramSize !== undefined) generation.noRepeatNgramSize = noRepeatNgramSize;
    if (repetitionPenalty !== undefined) generation.repetitionPenalty = repetitionPenalty;
    const minNewTokens = gen.optInt('minNewTokens', 0);
    if (minNewTokens !== undefined) generation.minNewTokens = minNewTokens;
    const endBias = gen.optObject('endBias');
    if (endBias) {
      const objective = endBias.string('objective');
      if (!ids.has(objective))
        throw new BadManifest(
          `manifest.json: "decoding.endBias.objective" names "${objective}", which is not an objective.`,
        );
      generation.endBias = { objective, logit: endBias.optNumber('logit', 0) ?? 0 };
    }
    // a mean log-probability: any finite number; 0 or above drops every sentence and is refused
    const unsureBelow = gen.optNumber('unsureBelow', -Number.MAX_VALUE);
    if (unsureBelow !== undefined) {
      if (unsureBelow >= 0)
        throw new BadManifest(
          `manifest.json: "decoding.unsureBelow" is a mean log-probability and must be below 0 (got ${unsureBelow}).`,
        );
      generation.unsureBelow = unsureBelow;
    }
    const novelSentenceWords = gen.optInt('novelSentenceWords', 1);
    if (novelSentenceWords !== undefined) generation.novelSentenceWords = novelSentenceWords;
  }

  const evalR = root.optObject('evaluation');

  return {
    id: root.string('id'),
    base,
    objectives,
    defaultWeights,
    presets,
    conditioning,
    prompt,
    specialTokens,
    contextLength: root.int('contextLength', 16),
    graphs,
    sharedKvCache,
    branches,
    tokenizer: insideModel('tokenizer', root.optString('tokenizer', 'tokenizer.json')),
    io: {
      numLayers: io.int('numLayers', 1),
      numKvHeads: io.int('numKvHeads', 1),
      headDim: io.int('headDim', 1),
      vocabSize: io.int('vocabSize', 2),
      names,
    },
    generation,
    evaluation: evalR ? evalR.raw() : null,
  };
}
