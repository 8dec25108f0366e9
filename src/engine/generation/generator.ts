/**
 * The per-token generator loop (as in onnxruntime-genai): every active row feeds its pending token with
 * its own clp_weights row, gets the next token, and rows that finish leave the batch on their own. How the
 * rows share the forward pass (batch rows or branches of one sequence) is the DecodeBatch's business.
 */
import type { DecodeBatch } from '../decode-batch';
import { throwIfAborted } from '../errors';
import type { RowDecoder } from './config';
import type { PromptLookup } from './prompt-lookup';
import { logProbability } from './sampling';

export type FinishReason = 'eos' | 'length' | 'context';

export interface GeneratorRow {
  /** clp_weights row used for every decoded position. */
  weights: readonly number[];
  decoder: RowDecoder;
}

export interface GeneratedToken {
  /** Index of the row in the order given to the constructor. */
  row: number;
  id: number;
  /** 0-based position in the row's response. */
  index: number;
}

export class Generator {
  /** Row indices still running, in the order of the batch's active rows. */
  private active: number[];
  private pending: number[];
  readonly sequences: number[][];
  readonly finishReasons: (FinishReason | null)[];
  /**
   * Per row, the model's own log-probability of each chosen token, from the logits before any processor
   * (grounding, penalties, end bias) changed them; empty unless the generator was asked to score.
   */
  readonly logprobs: number[][];
  private readonly eos: Set<number>;
  /** The logits of one position as the model gave them, while processors change the originals. */
  private raw: Float32Array | null = null;

  /**
   * @param batch holds the prompt without its last token, for as many rows as `rows`
   * @param lastPromptToken the prompt's last token per row, fed first with the row's weights
   * @param lookups one per row: drafts of what a greedy row writes next, checked in the run of its next token
   *   where the batch can (see prompt-lookup.ts); each row's draft length follows its own success
   * @param score whether to keep each chosen token's log-probability (`logprobs`)
   */
  constructor(
    private readonly batch: DecodeBatch,
    lastPromptToken: readonly number[],
    private readonly rows: readonly GeneratorRow[],
    private readonly contextLength: number,
    eos: readonly number[],
    private readonly lookups?: readonly PromptLookup[],
    private readonly score = false,
  ) {
    if (lastPromptToken.length !== rows.length)
      throw new RangeError('first tokens and rows must have the same number of rows');
    if (lookups && lookups.length !== rows.length) throw new RangeError('one lookup per row');
    this.active = rows.map((_, i) => i);
    this.pending = [...lastPromptToken];
    this.sequences = rows.map(() => []);
    this.logprobs = rows.map(() => []);
    this.finishReasons = rows.map(() => null);
    this.eos = new Set(eos);
  }

  isDone(): boolean {
    return this.active.length === 0;
  }

  /**
   * Runs one step for every active row (its pending token, and a draft where it has one); returns the tokens
   * it chose. From a row's draft it keeps what it would have chosen in single steps, up to the first miss.
   */
  async generateNextToken(signal?: AbortSignal): Promise<GeneratedToken[]> {
    throwIfAborted(signal);
    if (this.isDone()) return [];
    if (this.batch.position + 1 > this.contextLength) {
      for (const r of this.active) this.finishReasons[r] = 'context';
      this.active = [];
      return [];
    }
    const weights = this.active.map((r) => this.rows[r]!.weights);
    const drafts = this.drafts();
    const fed = this.active.map((_, b) => [this.pending[b]!, ...(drafts?.[b] ?? [])]);
    const logits = drafts
      ? await this.batch.verify(fed, weights)
      : await this.batch.step(this.pending, weights);
    const vocab = logits.length / fed.reduce((n, own) => n + own.length, 0);
    const chosen: GeneratedToken[] = [];
    const used: number[] = [];
    const keep: number[] = [];
    const nextActive: number[] = [];
    const nextPending: number[] = [];
    let at = 0;
    this.active.forEach((r, b) => {
      const own = fed[b]!;
      const { kept, finished } = this.choose(
        r,
        own,
        logits.subarray(at * vocab, (at + own.length) * vocab),
        chosen,
      );
      at += own.length;
      used.push(kept);
      if (own.length > 1) this.lookups![r]!.feedback(own.length - 1, kept - 1);
      if (!finished) {
        keep.push(b);
        nextActive.push(r);
        nextPending.push(this.sequences[r]!.at(-1)!);
      }
    });
    if (drafts) this.batch.accept(used);
    if (keep.length < this.active.length) this.batch.keep(keep);
    this.active = nextActive;
    this.pending = nextPending;
    return chosen;
  }

  /** Each active row's draft (empty for a row that has none or samples), or null when no row has one. */
  private drafts(): number[][] | null {
    if (!this.lookups || !this.batch.canVerify) return null;
    const room = this.contextLength - this.batch.position - 1;
    const drafts = this.active.map((r) =>
      this.rows[r]!.decoder.greedy ? this.lookups![r]!.draft(this.sequences[r]!, room) : [],
    );
    return drafts.some((d) => d.length > 0) ? drafts : null;
  }

  /**
   * Chooses row r's tokens from the logits of its fed tokens (the pending one, then a draft) as single steps
   * would, for as long as the draft is what was chosen: every choice sees exactly the tokens a plain step
   * would have seen before it. Returns how many of the fed tokens' positions stay.
   */
  private choose(
    r: number,
    fed: readonly number[],
    logits: Float32Array,
    out: GeneratedToken[],
  ): { kept: number; finished: boolean } {
    const row = this.rows[r]!;
    const seq = this.sequences[r]!;
    const vocab = logits.length / fed.length;
    let kept = 0;
    while (kept < fed.length) {
      const rowLogits = logits.subarray(kept * vocab, (kept + 1) * vocab);
      if (this.score) (this.raw ??= new Float32Array(vocab)).set(rowLogits);
      row.decoder.processors.process(rowLogits, seq);
      const id = row.decoder.choose(rowLogits);
      seq.push(id);
      if (this.raw) this.logprobs[r]!.push(logProbability(this.raw, id));
      out.push({ row: r, id, index: seq.length - 1 });
      kept++;
      if (row.decoder.stopping.isDone(seq)) {
        this.finishReasons[r] = this.eos.has(id) ? 'eos' : 'length';
        return { kept, finished: true };
      }
      if (kept < fed.length && id !== fed[kept]) break;
    }
    return { kept, finished: false };
  }
}
