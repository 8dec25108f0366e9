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
  /** Position of the next token of the longest active row. */
  readonly position: number;
  /** Runs one pending token per active row (in order) with its row's weights; [rows × vocab] logits. */
  step(tokens: readonly number[], weights: readonly (readonly number[])[]): Promise<Float32Array>;
  /** Keeps only these of the active rows (indices into the last step's order), dropping the others. */
  keep(rows: readonly number[]): void;
  /** Whether `verify` works now for the active rows. */
  readonly canVerify: boolean;
  /**
   * Runs each active row's tokens (its pending token, then a draft) in one pass and returns the logits of
   * every one of them, row after row ([all tokens × vocab]); `accept` then says how many of each row's
   * tokens stay.
   */
  verify(
    tokens: readonly (readonly number[])[],
    weights: readonly (readonly number[])[],
  ): Promise<Float32Array>;
  /** After `verify`: keeps the first `used[b]` (at least 1) of row b's tokens, dropping the drafted rest. */
  accept(used: readonly number[]): void;
}

/** Every row its own cache row; finished rows are removed from the cache. */
export class RowBatch implements DecodeBatch {
  private verified = 0;

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

  /** GroupQueryAttention runs several tokens after a past for one row only. */
  get canVerify(): boolean {
    return this.runner.branches && this.runner.sharedCache && this.cache.batch === 1;
  }

  async verify(
    tokens: readonly (readonly number[])[],
    weights: readonly (readonly number[])[],
  ): Promise<Float32Array> {
    if (tokens.length !== 1 || this.cache.batch !== 1)
      throw new RangeError('rows check drafts one at a time');
    const { logits, cache } = await this.runner.stepSequence({
      ids: tokens[0]!,
      weights: weights[0]!,
      cache: this.cache,
    });
    this.cache = cache;
    this.verified = tokens[0]!.length;
    return logits;
  }

  accept(used: readonly number[]): void {
    this.cache = this.cache.rewind(this.verified - used[0]!);
    this.verified = 0;
  }
}

/**
 * Every row a branch of one sequence: the cache holds the prompt once, then each step's tokens of all active
 * branches side by side. A token sees the prompt and its own branch (its attention mask hides the other
 * branches' positions), at the position it would have as a row of its own, so each branch decodes what a batch row
 * would (up to rounding: attention over several new tokens takes other kernel paths than over one).
 * A branch may feed a draft after its pending token (prompt-lookup.ts): the drafted tokens it does not accept
 * stay in the cache, hidden from everyone, as do a finished branch's positions, until half the branches it
 * was made for have finished or the room runs out: then the active branches' tokens are gathered into a new
 * cache. Each step's run fetches the whole buffer (onnxruntime-node copies every output back), so one long
 * branch left in the room of eight cost 88 ms a step instead of 25.
 */
export class BranchBatch implements DecodeBatch {
  /** Cache positions of each active branch's tokens, in the active order. */
  private slots: number[][];
  /** Cache position of the first token each branch fed in the last step. */
  private fedAt: number[] = [];
  /** Length of the shared prompt in the cache. */
  private readonly prompt: number;
  /** How many branches the cache has room for. */
  private room: number;

  /**
   * @param cache one row: the prompt without its last token, with capacity for `steps` tokens of each branch
   *   (and perhaps some for drafts)
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

  /**
   * Positions a cache needs for `branches` branches of `steps` tokens each after a prompt of `prompt`, and
   * `draft` more per branch for the tokens of its refused drafts.
   */
  static capacity(prompt: number, branches: number, steps: number, draft = 0): number {
    return prompt + branches * (steps + draft);
  }

  get position(): number {
    return this.prompt + Math.max(0, ...this.slots.map((s) => s.length));
  }

  async step(tokens: readonly number[], weights: readonly (readonly number[])[]): Promise<Float32Array> {
    const logits = await this.verify(
      tokens.map((t) => [t]),
      weights,
    );
    this.accept(tokens.map(() => 1));
    return logits;
  }

  /** Branches always check drafts: each token's mask says what it sees. */
  readonly canVerify = true;

  async verify(
    tokens: readonly (readonly number[])[],
    weights: readonly (readonly number[])[],
  ): Promise<Float32Array> {
    if (tokens.length !== this.slots.length)
      throw new RangeError(`${this.slots.length} branches, ${tokens.length} fed`);
    const fed = tokens.reduce((n, own) => n + own.length, 0);
    if (this.cache.length + fed > this.cache.capacity) this.gather(fed);
    const past = this.cache.length;
    const total = past + fed;
    const visible = new Uint8Array(fed * total);
    const ids: number[] = [];
    const positions: number[] = [];
    const tokenWeights: (readonly number[])[] = [];
    this.fedAt = [];
    tokens.forEach((own, b) => {
      const slots = this.slots[b]!;
      const first = past + ids.length;
      this.fedAt.push(first);
      own.forEach((id, j) => {
        const row = (first - past + j) * total;
        visible.fill(1, row, row + this.prompt);
        for (const s of slots) visible[row + s] = 1;
        visible.fill(1, row + first, row + first + j + 1);
        ids.push(id);
        positions.push(this.prompt + slots.length + j);
        tokenWeights.push(weights[b]!);
      });
    });
    const { logits, cache } = await this.runner.stepBranches({
      ids,
      weights: tokenWeights,
      positions,
      visible,
      cache: this.cache,
    });
    this.cache = cache;
    return logits;
  }

  accept(used: readonly number[]): void {
    used.forEach((n, b) => {
      const first = this.fedAt[b]!;
      for (let j = 0; j < n; j++) this.slots[b]!.push(first + j);
    });
  }

  keep(rows: readonly number[]): void {
    this.slots = rows.map((r) => this.slots[r]!);
    if (this.slots.length > 0 && this.slots.length <= this.room / 2) this.gather(0);
  }

  /**
   * The prompt and the active branches' tokens into a cache with room for these branches' remaining steps
   * and `extra` positions more.
   */
  private gather(extra: number): void {
    const positions = Array.from({ length: this.prompt }, (_, i) => i);
    let left = extra;
    const slots = this.slots.map((own) => {
      const start = positions.length;
      positions.push(...own);
      left += Math.max(0, this.steps - own.length);
      return own.map((_, i) => start + i);
    });
    this.cache = this.cache.gatherPositions(positions, positions.length + left);
    this.slots = slots;
    this.room = this.slots.length;
  }
}
