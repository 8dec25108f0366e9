/** Shared helpers of the engine tests. */
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/shared/paths';
import type { BatchOptions } from '../../src/engine/decode';
import type { DecodeBatch } from '../../src/engine/decode-batch';
import { buildRowDecoder, resolveSampling } from '../../src/engine/generation/config';
import { Generator } from '../../src/engine/generation/generator';
import { MaxNewTokensCriterion, StoppingCriteriaList } from '../../src/engine/generation/stopping-criteria';
import { documentGrounding } from '../../src/engine/grounding/document-grounding';
import type { Model } from '../../src/engine/model';

export const ROOT = packageRoot(__dirname);
export const TINY_DIR = process.env.STEER_TINY_MODEL_DIR ?? join(ROOT, 'models', 'tiny-random');
export const CLI = join(ROOT, 'dist', 'cli.js');
/** Plain greedy decoding: no repeat rules, no grounding (the tiny model is random and breaks every rule). */
export const GREEDY = { noRepeatNgramSize: 0, repetitionPenalty: 1, minNewTokens: 0, grounded: false };

/** Whether the tiny model has been built (models/tiny-random with both graphs). */
export function hasTinyModel(): boolean {
  return ['manifest.json', 'tokenizer.json'].every((f) => existsSync(join(TINY_DIR, f)));
}

export const SKIP_NO_MODEL = hasTinyModel()
  ? false
  : 'tiny model missing: build it with PYTHONPATH=training .venv/bin/python -m steer_train.build_tiny --out models/tiny-random';

/** A valid manifest as JSON, to be modified by tests. */
export function manifestJson(): Record<string, unknown> {
  return {
    id: 'test-model',
    base: { name: 'Test', licence: 'Apache-2.0', package: 'none' },
    objectives: [
      { id: 'concise', label: 'Concise', description: 'short' },
      { id: 'faithful', label: 'Faithful', description: 'true to the source' },
      { id: 'complete', label: 'Complete', description: 'covers the document' },
    ],
    defaultWeights: { concise: 0.34, faithful: 0.33, complete: 0.33 },
    presets: { Balanced: { concise: 1, faithful: 1, complete: 1 }, Headline: { concise: 1 } },
    conditioning: { subset: 'all', rank: 8, responseOnly: true, promptConditioning: false },
    prompt: {
      template: '<|im_start|>user\nSummarize:\n{document}<|im_end|>\n<|im_start|>assistant\n',
      weightsFormat: null,
    },
    specialTokens: { eos: [2], pad: 2, bos: null },
    contextLength: 2048,
    graphs: { float32: 'onnx/model.onnx', quantized: 'onnx/model_quantized.onnx' },
    tokenizer: 'tokenizer.json',
    io: {
      numLayers: 2,
      numKvHeads: 1,
      headDim: 8,
      vocabSize: 100,
      inputs: {
        inputIds: 'input_ids',
        attentionMask: 'attention_mask',
        positionIds: 'position_ids',
        weights: 'clp_weights',
        pastKey: 'past_key_values.{i}.key',
        pastValue: 'past_key_values.{i}.value',
      },
      outputs: { logits: 'logits', presentKey: 'present.{i}.key', presentValue: 'present.{i}.value' },
    },
    evaluation: { report: 'README.md' },
  };
}

/** One entry of a model's reference_tokens.json, written by the Python exporter. */
export interface Reference {
  prompt_text: string;
  document?: string;
  weights: number[];
  max_new_tokens: number;
  prompt_tokens?: number[];
  tokens: number[];
  /** Decoded under grounded decoding (the Python twin of the engine's rules). */
  grounded?: boolean;
}

/** The batch options that decode a reference as Python did: pure greedy, grounded in its document when it was. */
export function referenceDecoding(model: Model, ref: Reference): BatchOptions {
  const grounded = ref.grounded === true && ref.document !== undefined;
  return {
    maxNewTokens: ref.max_new_tokens,
    sampling: resolveSampling({ noRepeatNgramSize: 0, repetitionPenalty: 1, minNewTokens: 0, grounded }, {}),
    ...(grounded ? { grounding: documentGrounding(model.tokenizer, ref.document!) } : {}),
  };
}

/** A copy of the tiny model whose manifest is changed by `edit` (graphs and tokenizer are linked). */
export function tinyVariant(edit: (m: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'steer-variant-'));
  const manifest = JSON.parse(readFileSync(join(TINY_DIR, 'manifest.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  symlinkSync(join(TINY_DIR, 'onnx'), join(dir, 'onnx'));
  symlinkSync(join(TINY_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  if (existsSync(join(TINY_DIR, 'tokenizer_config.json')))
    symlinkSync(join(TINY_DIR, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
  return dir;
}

/** A generator over `batch` whose rows decode greedily with these weights, each stopping after its `limits` tokens. */
export function limitedGenerator(
  model: Model,
  batch: DecodeBatch,
  lastPromptToken: number,
  weights: readonly (readonly number[])[],
  limits: readonly number[],
): Generator {
  const { manifest } = model;
  return new Generator(
    batch,
    weights.map(() => lastPromptToken),
    weights.map((w, i) => {
      const d = buildRowDecoder(resolveSampling(GREEDY, {}), 100, manifest.specialTokens.eos);
      return {
        weights: w,
        decoder: { ...d, stopping: new StoppingCriteriaList([new MaxNewTokensCriterion(limits[i]!)]) },
      };
    }),
    manifest.contextLength,
    manifest.specialTokens.eos,
  );
}
