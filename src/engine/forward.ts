/**
 * One forward pass of the graph: builds the feeds of the ONNX contract (input_ids, attention_mask,
 * position_ids, past_key_values.*, clp_weights) and returns the last position's logits and the new cache.
 * With a shared key/value cache (manifest `sharedKvCache`) the present outputs are the past buffers
 * themselves, grown ahead of need, so the graph does not copy the cache (onnxruntime-node 1.30 still copies
 * every output, preallocated ones too, into a new JavaScript buffer after the run: bench/fused-graph.md).
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { InferenceFailed, errorMessage } from './errors';
import { KvCache, type KvType } from './kvcache';
import { layerName, type Manifest } from './manifest';

export interface StepInput {
  /** [batch][seq] token ids; every row has the same length. */
  ids: readonly (readonly number[])[];
  /** [batch][m] clp_weights rows. */
  weights: readonly (readonly number[])[];
  cache: KvCache;
  /** Whether the caller needs the logits of the last position (a prefill does not). */
  logits: boolean;
}

/**
 * One step of branches: continuations of one prompt decoded as one sequence (see BranchBatch). Each branch
 * feeds its pending token and perhaps a draft after it; the cache is one row holding the prompt and every
 * branch's tokens so far.
 */
export interface BranchStepInput {
  /** The tokens of this step, branch after branch. */
  ids: readonly number[];
  /** The clp_weights row of every token (its branch's). */
  weights: readonly (readonly number[])[];
  /** The position of every token in its own branch's sequence. */
  positions: readonly number[];
  /**
   * [tokens × (cache.length + tokens)], row-major: 1 where a token may attend to a cache position (the
   * prompt, its own branch's earlier tokens, itself), 0 where not (the other branches, refused drafts).
   */
  visible: Uint8Array;
  /** One row, with a shared (in-place) cache. */
  cache: KvCache;
}

export interface StepOutput {
  /** [batch × vocab] logits of each row's last position, or null when not asked for. */
  logits: Float32Array | null;
  cache: KvCache;
}

/** Positions of spare capacity a shared cache is given when it grows (a summary's worth of tokens). */
export const CACHE_HEADROOM = 160;

export class Runner {
  private readonly inputs: Set<string>;
  private readonly presentKeys: string[];
  private readonly presentValues: string[];
  private readonly pastKeys: string[];
  private readonly pastValues: string[];
  /** Whether run() with a subset of outputs works (lets onnxruntime skip the LM head during prefill). */
  private partialFetch = true;
  /** The element type of the graph's cache, as its inputs declare it (the `fast` graph's is float16). */
  readonly kvType: KvType;

  constructor(
    readonly session: InferenceSession,
    readonly manifest: Manifest,
    /** Whether the graph writes present into the past buffers it is given (manifest `sharedKvCache`). */
    readonly sharedCache = false,
    /**
     * Whether the graph decodes branches of one sequence (manifest `branches`): clp_weights and attention_mask
     * per token, logits for every position with its own weights (stepBranches).
     */
    readonly branches = false,
  ) {
    const { names, numLayers } = manifest.io;
    this.inputs = new Set(session.inputNames);
    const layers = Array.from({ length: numLayers }, (_, i) => i);
    this.presentKeys = layers.map((i) => layerName(names.presentKey, i));
    this.presentValues = layers.map((i) => layerName(names.presentValue, i));
    this.pastKeys = layers.map((i) => layerName(names.pastKey, i));
    this.pastValues = layers.map((i) => layerName(names.pastValue, i));
    const past = session.inputMetadata.find((m) => m.name === this.pastKeys[0]);
    this.kvType = past?.isTensor && past.type === 'float16' ? 'float16' : 'float32';
  }

  /** An empty cache of this graph's element type for `batch` rows. */
  emptyCache(batch: number): KvCache {
    return KvCache.empty(this.manifest.io, batch, this.kvType);
  }

  get vocabSize(): number {
    return this.manifest.io.vocabSize;
  }

  async step(input: StepInput): Promise<StepOutput> {
    const { names } = this.manifest.io;
    const batch = input.ids.length;
    const seq = input.ids[0]?.length ?? 0;
    const m = this.manifest.objectives.length;
    if (batch === 0 || seq === 0) throw new RangeError('step() needs at least one token per row');
    if (input.cache.batch !== batch)
      throw new RangeError(`cache has ${input.cache.batch} rows, input ${batch}`);
    if (input.weights.length !== batch)
      throw new RangeError(`weights has ${input.weights.length} rows, input ${batch}`);
    if (input.cache.spent)
      throw new RangeError('this cache was already stepped; step the one that step returned');
    const past = input.cache.length;

    const ids = new BigInt64Array(batch * seq);
    const positions = new BigInt64Array(batch * seq);
    const weights = new Float32Array(batch * m);
    for (let r = 0; r < batch; r++) {
      const row = input.ids[r]!;
      if (row.length !== seq) throw new RangeError('every row of a step must have the same length');
      for (let t = 0; t < seq; t++) {
        ids[r * seq + t] = BigInt(row[t]!);
        positions[r * seq + t] = BigInt(past + t);
      }
      const w = input.weights[r]!;
      for (let j = 0; j < m; j++) weights[r * m + j] = w[j] ?? 0;
    }

    const feeds: Record<string, Tensor> = {
      [names.inputIds]: new Tensor('int64', ids, [batch, seq]),
      [names.weights]: new Tensor('float32', weights, [batch, m]),
    };
    if (this.inputs.has(names.attentionMask))
      feeds[names.attentionMask] = new Tensor('int64', new BigInt64Array(batch * (past + seq)).fill(1n), [
        batch,
        past + seq,
      ]);
    if (this.inputs.has(names.positionIds))
      feeds[names.positionIds] = new Tensor('int64', positions, [batch, seq]);
    const cache = this.sharedCache ? this.roomFor(input.cache, seq) : input.cache;
    this.bindPast(feeds, cache);
    if (this.sharedCache) return this.stepShared(feeds, cache, seq, input.logits ? batch : 0, 1);

    const fetches = input.logits || !this.partialFetch ? null : [...this.presentKeys, ...this.presentValues];
    let out: InferenceSession.ReturnType;
    try {
      out = fetches ? await this.session.run(feeds, fetches) : await this.session.run(feeds);
    } catch (e) {
      if (fetches) {
        // Some builds refuse a partial fetch list; run everything from now on.
        this.partialFetch = false;
        return this.step(input);
      }
      throw new InferenceFailed(`onnxruntime failed: ${errorMessage(e)}`, { cause: e });
    }

    const keys = this.presentKeys.map((n) => out[n] as Tensor);
    const values = this.presentValues.map((n) => out[n] as Tensor);
    if (keys.some((k) => !k) || values.some((v) => !v))
      throw new InferenceFailed('The graph returned no present.* outputs.');
    const present = KvCache.fromTensors(this.manifest.io, keys, values);
    if (present.length !== past + seq)
      throw new InferenceFailed(
        `The graph returned a cache of length ${present.length}; expected ${past + seq}.`,
      );
    return { logits: input.logits ? this.lastLogits(out, batch) : null, cache: present };
  }

  /** The tokens of a branch step; returns the logits of every token ([tokens × vocab]) and the grown cache. */
  async stepBranches(input: BranchStepInput): Promise<StepOutput & { logits: Float32Array }> {
    if (!this.branches) throw new RangeError('this graph does not decode branches');
    const k = input.ids.length;
    const total = input.cache.length + k;
    if (k === 0 || input.weights.length !== k || input.positions.length !== k)
      throw new RangeError('one weighting and one position per token');
    if (input.cache.batch !== 1) throw new RangeError('branches share a cache of one row');
    if (input.visible.length !== k * total) throw new RangeError(`the mask needs ${k} × ${total} entries`);
    if (input.cache.length + k > input.cache.capacity)
      throw new RangeError('a branch cache is given its room before the step');
    const mask = new Tensor('int64', BigInt64Array.from(input.visible, BigInt), [1, k, total]);
    const feeds = this.tokenFeeds(input.ids, (t) => input.weights[t]!, input.positions, mask);
    this.bindPast(feeds, input.cache);
    const out = await this.stepShared(feeds, input.cache, k, 1, k);
    return { logits: out.logits!, cache: out.cache };
  }

  /**
   * Several tokens of one row after its cache, each with the row's weights, and the logits of every one of
   * them (the weights per token ask the graph for them: see stepBranches): a drafted continuation checked in
   * one run (generation/prompt-lookup.ts). Needs a graph with branches and a shared cache.
   */
  async stepSequence(input: {
    ids: readonly number[];
    weights: readonly number[];
    cache: KvCache;
  }): Promise<StepOutput & { logits: Float32Array }> {
    if (!this.branches || !this.sharedCache)
      throw new RangeError('this graph does not return the logits of several positions');
    const n = input.ids.length;
    if (n === 0) throw new RangeError('stepSequence() needs at least one token');
    if (input.cache.batch !== 1) throw new RangeError('stepSequence() runs one row');
    if (input.cache.spent)
      throw new RangeError('this cache was already stepped; step the one that step returned');
    const past = input.cache.length;
    // all ones: GroupQueryAttention masks the later new tokens from the earlier ones itself
    const mask = new Tensor('int64', new BigInt64Array(past + n).fill(1n), [1, past + n]);
    const positions = Array.from({ length: n }, (_, t) => past + t);
    const feeds = this.tokenFeeds(input.ids, () => input.weights, positions, mask);
    const cache = this.roomFor(input.cache, n);
    this.bindPast(feeds, cache);
    const out = await this.stepShared(feeds, cache, n, 1, n);
    return { logits: out.logits!, cache: out.cache };
  }

  /** The feeds of a run of one row whose every token carries its own weighting and position. */
  private tokenFeeds(
    ids: readonly number[],
    weightsOf: (token: number) => readonly number[],
    positions: readonly number[],
    mask: Tensor,
  ): Record<string, Tensor> {
    const { names } = this.manifest.io;
    const n = ids.length;
    const m = this.manifest.objectives.length;
    const weights = new Float32Array(n * m);
    for (let t = 0; t < n; t++) {
      const w = weightsOf(t);
      for (let j = 0; j < m; j++) weights[t * m + j] = w[j] ?? 0;
    }
    return {
      [names.inputIds]: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      [names.weights]: new Tensor('float32', weights, [1, n, m]),
      [names.positionIds]: new Tensor('int64', BigInt64Array.from(positions, BigInt), [1, n]),
      [names.attentionMask]: mask,
    };
  }

  private bindPast(feeds: Record<string, Tensor>, cache: KvCache): void {
    this.pastKeys.forEach((n, i) => (feeds[n] = cache.keys[i]!));
    this.pastValues.forEach((n, i) => (feeds[n] = cache.values[i]!));
  }

  /** The cache itself when it has room for `seq` more positions, else a copy with headroom. */
  private roomFor(cache: KvCache, seq: number): KvCache {
    const need = cache.length + seq;
    if (need <= cache.capacity) return cache;
    const grown = Math.max(need + CACHE_HEADROOM, Math.ceil(cache.capacity * 1.5));
    // positions beyond the context are never used; the cache never needs more than that
    const capacity = Math.max(need, Math.min(grown, this.manifest.contextLength));
    return cache.selectRows(
      Array.from({ length: cache.batch }, (_, r) => r),
      capacity,
    );
  }

  /** A run whose present outputs are the past buffers (GroupQueryAttention writes them in place). */
  private async stepShared(
    feeds: Record<string, Tensor>,
    cache: KvCache,
    added: number,
    /** Rows whose logits are wanted (0: none, as in a prefill), and how many last positions of each. */
    logitRows: number,
    logitPositions: number,
  ): Promise<StepOutput> {
    const { names } = this.manifest.io;
    const fetches: Record<string, Tensor | null> = {};
    if (logitRows > 0) fetches[names.logits] = null;
    this.presentKeys.forEach((n, i) => (fetches[n] = cache.keys[i]!));
    this.presentValues.forEach((n, i) => (fetches[n] = cache.values[i]!));
    let out: InferenceSession.ReturnType;
    try {
      out = await this.session.run(feeds, fetches);
    } catch (e) {
      throw new InferenceFailed(`onnxruntime failed: ${errorMessage(e)}`, { cause: e });
    }
    const next = cache.advance(added);
    return { logits: logitRows > 0 ? this.lastLogits(out, logitRows, logitPositions) : null, cache: next };
  }

  /** [batch × positions × vocab] logits of each row's last `positions` positions. */
  private lastLogits(out: InferenceSession.ReturnType, batch: number, positions = 1): Float32Array {
    const t = out[this.manifest.io.names.logits] as Tensor | undefined;
    if (!t || t.type !== 'float32') throw new InferenceFailed('The graph returned no float32 logits.');
    const vocab = t.dims[2] ?? 0;
    const tSeq = t.dims[1] ?? 0;
    if (vocab !== this.vocabSize)
      throw new InferenceFailed(`The graph's vocabulary is ${vocab}; the manifest says ${this.vocabSize}.`);
    if (tSeq < positions)
      throw new InferenceFailed(`The graph returned logits of ${tSeq} positions; ${positions} were needed.`);
    const data = t.data as Float32Array;
    if (tSeq === positions) return data;
    const logits = new Float32Array(batch * positions * vocab);
    for (let r = 0; r < batch; r++) {
      const from = (r * tSeq + (tSeq - positions)) * vocab;
      logits.set(data.subarray(from, from + positions * vocab), r * positions * vocab);
    }
    return logits;
  }
}
