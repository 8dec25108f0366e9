/**
 * Token-level generation for a batch of (prompt, weights) rows: the prefill of each prompt without its
 * last token, then per-token decoding of all rows together.
 *
 * With `conditioning.responseOnly` the prefill runs once with clp_weights = 0 at batch 1, is kept in the
 * model's prefix cache, and is expanded over the rows that share it; every row then starts by feeding the
 * last prompt token with its own weights. Without it, the prefill runs with each row's weights (batch of
 * the rows sharing the prompt) and is not reused.
 */
import { performance } from 'node:perf_hooks';
import { InputTooLarge, throwIfAborted } from './errors';
import { BranchBatch, RowBatch, type DecodeBatch } from './decode-batch';
import { buildRowDecoder, type Grounding, type ResolvedSampling } from './generation/config';
import type { DeadEnd } from './generation/grounded-decoding';
import { Generator, type FinishReason, type GeneratedToken } from './generation/generator';
import { DEFAULT_DRAFT, PromptLookup } from './generation/prompt-lookup';
import { endBiasFor } from './generation/end-bias';
import { KvCache } from './kvcache';
import type { Manifest } from './manifest-types';
import type { Model } from './model';
import { prefixKey } from './prefix-cache';

export interface BatchRequest {
  promptIds: readonly number[];
  /** The clp_weights row (objective order, sums to 1). */
  weights: readonly number[];
  /** Dead ends of an earlier decoding of this row that grounded decoding refuses (backtracking). */
  avoid?: readonly DeadEnd[];
}

export interface BatchOptions {
  maxNewTokens: number;
  sampling: ResolvedSampling;
  signal?: AbortSignal;
  /** Read and write the prefix cache (response-only models). Default true. */
  prefixReuse?: boolean;
  onToken?: (token: GeneratedToken) => void;
  onPrefill?: (done: number, total: number) => void;
  /** The document the rows summarize, for grounded decoding (when `sampling.grounded`). */
  grounding?: Grounding;
  /** Tokens every row's response starts with (they count as generated tokens; see ForcedStartProcessor). */
  start?: readonly number[];
  /**
   * Checks drafts copied from the prompt in the run of a greedy row's next token, where the graph allows
   * (a lone row, or branches: prompt-lookup.ts): the same tokens in fewer runs. Default true.
   */
  promptLookup?: boolean;
}

export interface BatchRowResult {
  /** Generated ids without the end-of-sequence token. */
  tokens: number[];
  finishReason: FinishReason;
  /** Where grounded decoding got stuck: the summary ended there. */
  deadEnds: readonly DeadEnd[];
  /**
   * The model's own log-probability of each of `tokens` (NaN for the forced start), when the manifest sets
   * `decoding.unsureBelow`; empty otherwise.
   */
  logprobs: number[];
}

export interface BatchStats {
  prefillMs: number;
  decodeMs: number;
  /** Milliseconds from the call to the first generated token. */
  firstTokenMs: number;
  /** Whether every prefill came from the prefix cache. */
  prefixReused: boolean;
  decodeSteps: number;
  generatedTokens: number;
}

/** Prefills `prefix` for `weights.length` rows in runs of `model.prefillChunkTokens`, checking the signal between runs. */
export async function prefill(
  model: Model,
  prefix: readonly number[],
  weights: readonly (readonly number[])[],
  signal?: AbortSignal,
  onPrefill?: (done: number, total: number) => void,
): Promise<KvCache> {
  let cache = model.runner.emptyCache(weights.length);
  // a shared cache is sized for the whole prefix at once: no growth copies, and a prefix cache entry holds
  // no unused positions
  if (model.runner.sharedCache)
    cache = cache.selectRows(
      weights.map((_, r) => r),
      prefix.length,
    );
  // GroupQueryAttention (a shared-cache graph) runs several tokens after a past for one row only: several
  // rows (a model without response-only conditioning) are prefilled in one run
  const step =
    model.runner.sharedCache && weights.length > 1 ? Math.max(prefix.length, 1) : model.prefillChunkTokens;
  for (let at = 0; at < prefix.length; at += step) {
    throwIfAborted(signal);
    const piece = prefix.slice(at, at + step);
    ({ cache } = await model.runner.step({ ids: weights.map(() => piece), weights, cache, logits: false }));
    onPrefill?.(Math.min(at + step, prefix.length), prefix.length);
  }
  throwIfAborted(signal);
  return cache;
}

/** Generates a response for every request; rows with the same prompt share one prefill and decode together. */
export async function generateBatch(
  model: Model,
  requests: readonly BatchRequest[],
  options: BatchOptions,
): Promise<{ rows: BatchRowResult[]; stats: BatchStats }> {
  const start = performance.now();
  const { manifest } = model;
  const responseOnly = manifest.conditioning.responseOnly;
  const reuse = options.prefixReuse ?? true;
  const eos = manifest.specialTokens.eos;
  const zeros = manifest.objectives.map(() => 0);

  // Group rows by prompt; groups run one after another, rows of a group as one batch. A graph whose rows
  // influence each other (see Model.batchInvariant) decodes every row on its own, still from one prefill.
  const groups = new Map<string, number[]>();
  requests.forEach((req, i) => {
    if (req.promptIds.length === 0) throw new RangeError('a prompt needs at least one token');
    if (req.promptIds.length + 1 > manifest.contextLength)
      throw new InputTooLarge(req.promptIds.length, manifest.contextLength - 1);
    const key = req.promptIds.join(',') + (model.batchInvariant ? '' : `#${i}`);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });

  const results: (BatchRowResult | null)[] = requests.map(() => null);
  const stats: BatchStats = {
    prefillMs: 0,
    decodeMs: 0,
    firstTokenMs: -1,
    prefixReused: true,
    decodeSteps: 0,
    generatedTokens: 0,
  };
  // Prefills made in this call, shared by its groups even when the prefix cache is not used.
  const made = new Map<string, KvCache>();

  const rowEndBias = endBiasOf(manifest, options.sampling.endBias);
  const forced = options.start?.length ?? 0;
  for (const indices of groups.values()) {
    const prompt = requests[indices[0]!]!.promptIds;
    const prefix = prompt.slice(0, -1);
    const last = prompt[prompt.length - 1]!;
    const rowWeights = indices.map((i) => requests[i]!.weights);

    const t0 = performance.now();
    const lookup = options.promptLookup !== false;
    let batch: DecodeBatch;
    if (responseOnly) {
      const key = prefixKey(model.id, model.graph, prefix);
      let base = made.get(key) ?? (reuse ? model.prefixCache.get(key) : undefined);
      if (!base) {
        stats.prefixReused = false;
        base = await prefill(model, prefix, [zeros], options.signal, options.onPrefill);
        if (reuse) model.prefixCache.set(key, base);
      }
      made.set(key, base);
      const steps = Math.min(
        1 + options.maxNewTokens + (options.start?.length ?? 0),
        manifest.contextLength - base.length,
      );
      if (model.runner.branches && indices.length > 1) {
        // room for one refused draft per branch before the cache must be gathered anew
        const draft = lookup ? DEFAULT_DRAFT.maxDraft : 0;
        batch = new BranchBatch(
          model.runner,
          base.expand(1, BranchBatch.capacity(base.length, indices.length, steps, draft)),
          indices.length,
          steps,
        );
      } else {
        // a shared cache gets the room for the whole response now rather than growing during decoding
        const capacity = model.runner.sharedCache ? base.length + steps : base.length;
        batch = new RowBatch(model.runner, base.expand(indices.length, Math.max(capacity, base.length)));
      }
    } else {
      stats.prefixReused = false;
      batch = new RowBatch(
        model.runner,
        await prefill(model, prefix, rowWeights, options.signal, options.onPrefill),
      );
    }
    const t1 = performance.now();
    stats.prefillMs += t1 - t0;

    const decoders = indices.map((i) =>
      buildRowDecoder(
        options.sampling,
        options.maxNewTokens,
        eos,
        options.grounding,
        options.start,
        requests[i]!.avoid,
        rowEndBias(requests[i]!.weights),
      ),
    );
    const generator = new Generator(
      batch,
      indices.map(() => last),
      rowWeights.map((weights, r) => ({ weights, decoder: decoders[r]! })),
      manifest.contextLength,
      eos,
      lookup ? indices.map(() => new PromptLookup(prompt)) : undefined,
      manifest.generation.unsureBelow !== undefined,
    );
    while (!generator.isDone()) {
      const chosen = await generator.generateNextToken(options.signal);
      stats.decodeSteps++;
      if (stats.firstTokenMs < 0 && chosen.length > 0) stats.firstTokenMs = performance.now() - start;
      for (const t of chosen) options.onToken?.({ ...t, row: indices[t.row]! });
    }
    stats.decodeMs += performance.now() - t1;

    indices.forEach((i, r) => {
      const seq = generator.sequences[r]!;
      const reason = generator.finishReasons[r] ?? 'length';
      const tokens = reason === 'eos' ? seq.slice(0, -1) : [...seq];
      // the forced start is not the model's choice
      const logprobs = generator.logprobs[r]!.slice(0, tokens.length).map((lp, at) =>
        at < forced ? NaN : lp,
      );
      stats.generatedTokens += seq.length;
      results[i] = { tokens, finishReason: reason, deadEnds: decoders[r]!.deadEnds, logprobs };
    });
  }
  if (stats.firstTokenMs < 0) stats.firstTokenMs = performance.now() - start;
  return { rows: results.map((r) => r!), stats };
}

/** A row's end-of-sequence bias from its weights (end-bias.ts), or none when the manifest names no objective. */
function endBiasOf(manifest: Manifest, logit: number): (weights: readonly number[]) => number {
  const objective = manifest.generation.endBias?.objective;
  if (objective === undefined) return () => 0;
  // the parser made sure the manifest has this objective
  const at = manifest.objectives.findIndex((o) => o.id === objective);
  const defaultWeight = manifest.defaultWeights[objective] ?? 0;
  return (weights) => endBiasFor(weights[at] ?? 0, defaultWeight, logit);
}
