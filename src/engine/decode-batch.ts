/**
 * How the generator's active rows run their pending tokens: as batch rows with a cache row each (any graph),
 * or as branches of one sequence that share the prompt's cache (graphs with a tree bias). Branches exist
 * because attention over batch rows reads the same prompt once per row: a preview of 4 weightings spent 2.6x
 * one row's attention time on it (bench/fused-graph.md); as branches the prompt is read once, and only the
 * branches' own tokens are per weighting.
 */
import type { Runner } from './forward';
import type { KvCache } from './kvcache';

export interface DecodeBatch {
  /** Position of the next token of every active row (all active rows are equally long). */
  readonly position: number;
  /** Runs one pending token per active row (in order) with its row's weights; [rows × vocab] logits. */
  step(tokens: readonly number[], weights: readonly (readonly number[])[]): Promise<Float32Array>;
  /** Keeps only these of the active rows (indices into the last step's order), dropping the others. */
  keep(rows: readonly number[]): void;
  /** Whether `verify` works now: one active row, on a graph that returns the logits of several positions. */
  readonly canVerify: boolean;
  /**
   * Runs `tokens` (the pending token, then a draft) of the one active row in one pass and returns the logits
   * of every one of them ([tokens × vocab]); `rewind` then drops the positions of the drafted tokens that
   * were not accepted.
   */
  verify(tokens: readonly number[], weights: readonly number[]): Promise<Float32Array>;
  rewind(dropped: number): void;
}

/** Every row its own cache row; finished rows are removed from the cache. */
export class RowBatch implements DecodeBatch {
  constructor(
    private readonly runner: Runner,
    private cache: KvCache,
  ) {}

  get position(): number {
    return this.cache.length;
  }

  async step(tokens: readonly number[], weights: readonly (readonly number[])[]): Promise<Float32Array> {
    const { logits, cache } = await this.runner.step({
      ids: tokens.map((t) => [t]),
      weights,
      cache: this.cache,
      logits: true,
    });
    this.cache = cache;
    return logits!;
  }

  keep(rows: readonly number[]): void {
    if (rows.length > 0) this.cache = this.cache.selectRows(rows);
  }

  get canVerify(): boolean {
    return this.runner.branches && this.runner.sharedCache && this.cache.batch === 1;
  }

  async verify(tokens: readonly number[], weights: readonly number[]): Promise<Float32Array> {
    const { logits, cache } = await this.runner.stepSequence({ ids: tokens, weights, cache: this.cache });
    this.cache = cache;
    return logits;
  }

  rewind(dropped: number): void {
    this.cache = this.cache.rewind(dropped);
  }
}

/**
 * Every row a branch of one sequence: the cache holds the prompt once, then each step's tokens of all active
 * branches side by side. A token sees the prompt and its own branch (its attention mask hides the other
 * branches' positions), at the position it would have as a row of its own, so each branch decodes what a batch row
 * would (up to rounding: attention over several new tokens takes other kernel paths than over one).
 * A finished branch's positions stay in the cache, hidden from everyone, until half the branches it was made
 * for have finished: then the others are gathered into a smaller cache. Each step's run fetches the whole
 * buffer (onnxruntime-node copies every output back), so one long branch left in the room of eight cost 88 ms
 * a step instead of 25.
 */
export class BranchBatch implements DecodeBatch {
  /** Cache positions of each active branch's tokens, in the active order. */
  private slots: number[][];
  private fed = 0;
  /** Length of the shared prompt in the cache. */
  private readonly prompt: number;
  /** How many branches the cache has room for. */
  private room: number;

  /**
   * @param cache one row: the prompt without its last token, with capacity for `steps` tokens of each branch
   */
  constructor(
    private readonly runner: Runner,
    private cache: KvCache,
    branches: number,
    private readonly steps: number,
  ) {
    if (cache.batch !== 1) throw new RangeError('branches share a cache of one row');
    this.prompt = cache.length;
    this.room = branches;
    this.slots = Array.from({ length: branches }, () => []);
  }

  /** Positions a cache needs for `branches` branches of `steps` tokens each after a prompt of `prompt`. */
  static capacity(prompt: number, branches: number, steps: number): number {
    return prompt + branches * steps;
  }

  get position(): number {
    return this.prompt + this.fed;
  }

  async step(tokens: readonly number[], weights: readonly (readonly number[])[]): Promise<Float32Array> {
    const k = tokens.length;
    if (k !== this.slots.length) throw new RangeError(`${this.slots.length} branches, ${k} tokens`);
    const past = this.cache.length;
    const total = past + k;
    const visible = new Uint8Array(k * total);
    this.slots.forEach((slots, b) => {
      const row = b * total;
      visible.fill(1, row, row + this.prompt);
      for (const s of slots) visible[row + s] = 1;
      visible[row + past + b] = 1;
      slots.push(past + b);
    });
    const { logits, cache } = await this.runner.stepBranches({
      ids: tokens,
      weights,
      position: this.position,
      visible,
      cache: this.cache,
    });
    this.cache = cache;
    this.fed++;
    return logits;
  }

  /** Branches are decoded together, one token each per step; a draft is checked for a row of its own. */
  readonly canVerify = false;

  verify(): Promise<Float32Array> {
    return Promise.reject(new RangeError('branches do not check drafts'));
  }

  rewind(): void {
    throw new RangeError('branches do not check drafts');
  }

  keep(rows: readonly number[]): void {
    this.slots = rows.map((r) => this.slots[r]!);
    if (this.slots.length > 0 && this.slots.length <= this.room / 2) this.gather();
  }

  /** The prompt and the active branches' tokens into a cache with room for these branches only. */
  private gather(): void {
    const positions = Array.from({ length: this.prompt }, (_, i) => i);
    const slots = this.slots.map((own) => {
      const start = positions.length;
      positions.push(...own);
      return own.map((_, i) => start + i);
    });
    const left = this.steps - this.fed;
    this.cache = this.cache.gatherPositions(positions, positions.length + this.slots.length * left);
    this.slots = slots;
    this.room = this.slots.length;
  }
}
