/**
 * Sampling options, their defaults (from the manifest's `generation` block where present) and the
 * processors, stopping criteria and token chooser they build for one batch row.
 */
import { BadOptions } from '../errors';
import type { GenerationDefaults } from '../manifest';
import {
  ForcedStartProcessor,
  LogitsProcessorList,
  MinNewTokensProcessor,
  NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor,
  TemperatureProcessor,
  TopKProcessor,
  TopPProcessor,
  type LogitsProcessor,
} from './logits-processors';
import { Rng, argmax, sample } from './sampling';
import { EndBiasProcessor } from './end-bias';
import { GroundedDecodingProcessor, type DeadEnd, type PieceTable } from './grounded-decoding';
import type { Continuation } from '../grounding/continuation';
import { EosCriterion, MaxNewTokensCriterion, StoppingCriteriaList } from './stopping-criteria';

export interface SamplingOptions {
  /** 0 (default) decodes greedily; > 0 samples. */
  temperature?: number;
  /** Nucleus sampling threshold in (0, 1]; default 1 (off). */
  topP?: number;
  /** Keep only the k best tokens; default 0 (off). */
  topK?: number;
  /** Seed of the sampler; every batch row starts from the same seed. Default 0. */
  seed?: number;
  /** > 1 penalises tokens already generated; default from the manifest, else 1 (off). */
  repetitionPenalty?: number;
  /** Forbids repeating any n-gram of the response; default from the manifest, else 0 (off). */
  noRepeatNgramSize?: number;
  /** End-of-sequence is forbidden before this many tokens; default from the manifest, else 0. */
  minNewTokens?: number;
  /**
   * Grounded decoding (default true): no name, number or identifier the document lacks, prose without
   * markup, no word twice in a row (grounded-decoding.ts), and the last check that decodes an unusable
   * summary again (summarize.ts). false decodes without these rules and shows the text as it comes.
   */
  grounded?: boolean;
  /**
   * Under grounded decoding, which lower-case words a summary may write: 'open' (default) any English word
   * or the document's; 'document' only the document's words, their other forms and function words
   * (grounding/document-wording.ts).
   */
  wording?: 'open' | 'document';
  /**
   * How much a row at the brevity objective's vertex is pushed to end at a sentence end: the end-of-sequence
   * logit's bias there (end-bias.ts); default from the manifest's `decoding.endBias`, else 0 (off).
   */
  endBias?: number;
}

export type ResolvedSampling = Required<SamplingOptions>;

export const DEFAULT_MAX_NEW_TOKENS = 128;

function check(ok: boolean, message: string): void {
  if (!ok) throw new BadOptions(message);
}

export function resolveSampling(
  options: SamplingOptions | undefined,
  defaults: GenerationDefaults,
): ResolvedSampling {
  const o = options ?? {};
  const r: ResolvedSampling = {
    temperature: o.temperature ?? 0,
    topP: o.topP ?? 1,
    topK: o.topK ?? 0,
    seed: o.seed ?? 0,
    repetitionPenalty: o.repetitionPenalty ?? defaults.repetitionPenalty ?? 1,
    noRepeatNgramSize: o.noRepeatNgramSize ?? defaults.noRepeatNgramSize ?? 0,
    minNewTokens: o.minNewTokens ?? defaults.minNewTokens ?? 0,
    grounded: o.grounded ?? true,
    wording: o.wording ?? 'open',
    endBias: o.endBias ?? defaults.endBias?.logit ?? 0,
  };
  check(
    Number.isFinite(r.temperature) && r.temperature >= 0,
    `temperature must be ≥ 0, got ${r.temperature}.`,
  );
  check(r.topP > 0 && r.topP <= 1, `topP must be in (0, 1], got ${r.topP}.`);
  check(Number.isInteger(r.topK) && r.topK >= 0, `topK must be an integer ≥ 0, got ${r.topK}.`);
  check(Number.isInteger(r.seed), `seed must be an integer, got ${r.seed}.`);
  check(
    Number.isFinite(r.repetitionPenalty) && r.repetitionPenalty > 0,
    `repetitionPenalty must be > 0, got ${r.repetitionPenalty}.`,
  );
  check(
    Number.isInteger(r.noRepeatNgramSize) && r.noRepeatNgramSize >= 0,
    `noRepeatNgramSize must be an integer ≥ 0.`,
  );
  check(Number.isInteger(r.minNewTokens) && r.minNewTokens >= 0, `minNewTokens must be an integer ≥ 0.`);
  check(typeof r.grounded === 'boolean', `grounded must be true or false.`);
  check(r.wording === 'open' || r.wording === 'document', `wording must be 'open' or 'document'.`);
  check(Number.isFinite(r.endBias) && r.endBias >= 0, `endBias must be ≥ 0, got ${r.endBias}.`);
  return r;
}

export function resolveMaxNewTokens(value: number | undefined, defaults: GenerationDefaults): number {
  const n = value ?? defaults.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  check(Number.isInteger(n) && n >= 1, `maxNewTokens must be a positive integer, got ${n}.`);
  return n;
}

/** What one batch row needs to pick and judge its tokens. */
export interface RowDecoder {
  processors: LogitsProcessor;
  /** Where grounded decoding got stuck in this row (see GroundedDecodingProcessor). */
  deadEnds: readonly DeadEnd[];
  stopping: StoppingCriteriaList;
  choose(logits: Float32Array): number;
  /** Whether `choose` takes the best token (a drafted token can then be checked against it). */
  greedy: boolean;
}

/** What grounded decoding checks a row's tokens against: the document's terms and the token texts. */
export interface Grounding {
  continuation: Continuation;
  pieces: PieceTable;
}

/** Tokens grounded sampling keeps to sample from (greedy keeps the best allowed one). */
export const GROUNDED_SAMPLING_KEEP = 40;

export function buildRowDecoder(
  s: ResolvedSampling,
  maxNewTokens: number,
  eos: readonly number[],
  grounding?: Grounding,
  start?: readonly number[],
  avoid: readonly DeadEnd[] = [],
  endBias = 0,
): RowDecoder {
  const processors: LogitsProcessor[] = [];
  // only under grounding, which allows the end only where a sentence ends; first, so that what forbids the
  // end (a forced start, a minimum length, grounding) still wins
  if (endBias > 0 && s.grounded && grounding) processors.push(new EndBiasProcessor(eos, endBias));
  if (start && start.length > 0) processors.push(new ForcedStartProcessor(start));
  if (s.minNewTokens > 0) processors.push(new MinNewTokensProcessor(s.minNewTokens, eos));
  if (s.repetitionPenalty !== 1) processors.push(new RepetitionPenaltyProcessor(s.repetitionPenalty));
  if (s.noRepeatNgramSize > 0) processors.push(new NoRepeatNgramProcessor(s.noRepeatNgramSize));
  const sampling = s.temperature > 0;
  let grounded: GroundedDecodingProcessor | undefined;
  if (s.grounded && grounding) {
    grounded = new GroundedDecodingProcessor(
      grounding.continuation,
      grounding.pieces,
      eos,
      sampling ? GROUNDED_SAMPLING_KEEP : 1,
      avoid,
    );
    processors.push(grounded);
  }
  if (sampling) {
    processors.push(new TemperatureProcessor(s.temperature));
    if (s.topK > 0) processors.push(new TopKProcessor(s.topK));
    if (s.topP < 1) processors.push(new TopPProcessor(s.topP));
  }
  const rng = new Rng(s.seed);
  return {
    processors: new LogitsProcessorList(processors),
    deadEnds: grounded?.deadEnds ?? [],
    stopping: new StoppingCriteriaList([new EosCriterion(eos), new MaxNewTokensCriterion(maxNewTokens)]),
    choose: sampling ? (logits) => sample(logits, rng) : argmax,
    greedy: !sampling,
  };
}
