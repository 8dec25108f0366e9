/**
 * The typed contents of `models/<id>/manifest.json`, as the engine uses them once `parseManifest` has checked
 * the file (its schema: `rules/manifest.schema.json`; see docs/architecture.md).
 */

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
  endBias?: EndBias;
  /**
   * The last check drops a summary's sentence whose tokens the model gave a mean log-probability below this
   * (unsure-sentences.ts); none when absent.
   */
  unsureBelow?: number;
  /**
   * The last check drops a sentence of a prose document's summary with at least this many content words (by
   * stem) the document lacks, when they are most of its content words (grounding/novel-wording.ts); none when
   * absent.
   */
  novelSentenceWords?: number;
}

/**
 * The engine's help to the slider of a brevity objective (generation/end-bias.ts): where a sentence ends, the
 * end-of-sequence logit is raised by up to `logit`, in proportion to how far the row's weight on `objective`
 * lies above its default weight (nothing at the default weighting, all of it at the objective's vertex).
 */
export interface EndBias {
  objective: string;
  logit: number;
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
  /**
   * Graphs whose past and present key/value tensors may be one preallocated buffer (GroupQueryAttention):
   * the runner writes each step into the cache's spare capacity instead of copying it (see KvCache).
   */
  sharedKvCache: string[];
  /**
   * Graphs that decode several weightings of one prompt as branches of one sequence (clp_weights and
   * attention_mask per token; see BranchBatch): the prompt's cache is read once for all of them.
   */
  branches: string[];
  tokenizer: string;
  io: IoSpec;
  generation: GenerationDefaults;
  evaluation: Record<string, unknown> | null;
}
