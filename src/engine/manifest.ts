/**
 * Typed loading and validation of `models/<id>/manifest.json` (see docs/architecture.md).
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve, win32 } from 'node:path';
import { BadManifest, ModelNotFound, PathOutsideModel, errorMessage } from './errors';

export interface Objective {
  id: string;
  label: string;
  description: string;
}

export type WeightRecord = Record<string, number>;

export interface Conditioning {
  subset: string;
  rank: number;
  responseOnly: boolean;
  promptConditioning: boolean;
}

export interface PromptSpec {
  /**
   * Template with a `{document}` slot and, optionally, a `{weights}` slot (filled with the weights under
   * prompt conditioning, with the empty string otherwise).
   */
  template: string;
  /** Per objective, with `{id}` and `{value}`; joined by ", " into `{weights}`. Null: no prompt conditioning. */
  weightsFormat: string | null;
  /** Text before the joined weights in `{weights}` (default ""). */
  weightsPrefix: string;
  /** Text after the joined weights in `{weights}` (default ""). */
  weightsSuffix: string;
}

export interface SpecialTokens {
  eos: number[];
  pad: number;
  bos: number | null;
}

export interface IoNames {
  inputIds: string;
  attentionMask: string;
  positionIds: string;
  weights: string;
  /** With `{i}` for the layer index. */
  pastKey: string;
  pastValue: string;
  logits: string;
  presentKey: string;
  presentValue: string;
}

export interface IoSpec {
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  names: IoNames;
}

/**
 * Decoding defaults written by the trainer (manifest `decoding`, or `generation`) so that the engine decodes
 * like the evaluation. `noRepeatNgram` is accepted for `noRepeatNgramSize`.
 */
export interface GenerationDefaults {
  maxNewTokens?: number;
  noRepeatNgramSize?: number;
  repetitionPenalty?: number;
  minNewTokens?: number;
}

export interface Manifest {
  id: string;
  base: { name: string; licence: string; package: string } | null;
  objectives: Objective[];
  defaultWeights: WeightRecord;
  presets: Record<string, WeightRecord>;
  conditioning: Conditioning;
  prompt: PromptSpec;
  specialTokens: SpecialTokens;
  contextLength: number;
  /** Variant name (`float32`, `quantized`, ...) → path relative to the model directory. */
  graphs: Record<string, string>;
  tokenizer: string;
  io: IoSpec;
  generation: GenerationDefaults;
  evaluation: Record<string, unknown> | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Reads fields of a JSON object and reports the first problem with its path. */
class Reader {
  constructor(
    private readonly obj: JsonObject,
    private readonly path: string,
  ) {}

  private fail(key: string, expected: string): never {
    throw new BadManifest(`manifest.json: "${this.path}${key}" must be ${expected}.`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  string(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v.length === 0) this.fail(key, 'a non-empty string');
    return v;
  }

  optString(key: string, fallback: string): string {
    return this.has(key) ? this.string(key) : fallback;
  }

  nullableString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  /** A string that may be empty; `fallback` when absent or null. */
  text(key: string, fallback: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  int(key: string, min = 0): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer ≥ ${min}`);
    return v;
  }

  optInt(key: string, min = 0): number | undefined {
    return this.has(key) ? this.int(key, min) : undefined;
  }

  optNumber(key: string, min: number): number | undefined {
    if (!this.has(key)) return undefined;
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) this.fail(key, `a number ≥ ${min}`);
    return v;
  }

  nullableInt(key: string): number | null {
    return this.has(key) ? this.int(key) : null;
  }

  intList(key: string): number[] {
    const v = this.obj[key];
    if (typeof v === 'number') return [this.int(key)];
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)
    )
      this.fail(key, 'a token id or a non-empty list of token ids');
    return v as number[];
  }

  object(key: string): Reader {
    const v = this.obj[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'an object');
    return new Reader(v, `${this.path}${key}.`);
  }

  optObject(key: string): Reader | null {
    return this.has(key) ? this.object(key) : null;
  }

  array(key: string): Reader[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length === 0) this.fail(key, 'a non-empty list');
    return v.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item))
        this.fail(`${key}[${i}]`, 'an object');
      return new Reader(item, `${this.path}${key}[${i}].`);
    });
  }

  numberRecord(key: string): WeightRecord {
    const r: Reader = this.object(key);
    const out: WeightRecord = {};
    for (const k of r.keys()) {
      const v = r.obj[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) r.fail(k, 'a number');
      out[k] = v;
    }
    return out;
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }

  raw(): JsonObject {
    return this.obj;
  }
}

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
  const root = new Reader(json as JsonObject, '');

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

/**
 * A manifest path as written: relative, and staying inside the model directory once normalised (no
 * absolute or drive paths, no `..` that climbs out). Symbolic links are checked by `modelFile`.
 */
function insideModel(key: string, path: string): string {
  const slashed = path.replaceAll('\\', '/');
  const normal = posix.normalize(slashed);
  if (
    path.trim().length === 0 ||
    path.includes('\0') ||
    isAbsolute(path) ||
    posix.isAbsolute(slashed) ||
    win32.isAbsolute(path) ||
    /^[a-zA-Z]:/.test(path) ||
    normal === '.' ||
    normal === '..' ||
    normal.startsWith('../')
  )
    throw new PathOutsideModel(key, path);
  return path;
}

/**
 * The file a manifest path names, `<dir>/<path>`, resolved; `PathOutsideModel` when it leads out of the
 * model directory. The check is on the path the manifest writes: symbolic links that the directory's owner
 * put inside it (a model assembled from links into a cache) are followed.
 */
export function modelFile(dir: string, path: string, key = 'path'): string {
  insideModel(key, path);
  const root = resolve(dir);
  const file = resolve(root, path);
  const rel = relative(root, file);
  if (rel === '' || rel.split(/[\\/]/)[0] === '..' || isAbsolute(rel)) throw new PathOutsideModel(key, path);
  return file;
}

/** Loads and validates `<dir>/manifest.json`. */
export function loadManifest(dir: string): Manifest {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new ModelNotFound(
      `No model at ${dir}. Build it with "npm run setup", or point --model / STEER_MODEL_DIR at a model directory.`,
    );
  const file = join(dir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelNotFound(
      `${file} is missing or unreadable: the model directory is incomplete (${errorMessage(e)}).`,
      {
        cause: e,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BadManifest(`${file} is not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  return parseManifest(json);
}

/** Expands an io name pattern such as `past_key_values.{i}.key`. */
export function layerName(pattern: string, layer: number): string {
  return pattern.replaceAll('{i}', String(layer));
}
