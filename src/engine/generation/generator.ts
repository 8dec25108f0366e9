/**
 * The per-token generator loop (as in onnxruntime-genai): every active row feeds its pending token with
 * its own clp_weights row, gets the next token, and rows that finish leave the batch on their own. How the
 * rows share the forward pass (batch rows or branches of one sequence) is the DecodeBatch's business.
 */
import type { DecodeBatch } from '../decode-batch';
import { throwIfAborted } from '../errors';
import type { RowDecoder } from './config';
import type { PromptLookup } from './prompt-lookup';

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
  private readonly eos: Set<number>;

  /**
   * @param batch holds the prompt without its last token, for as many rows as `rows`
   * @param lastPromptToken the prompt's last token per row, fed first with the row's weights
   */
  constructor(
    private readonly batch: DecodeBatch,
    lastPromptToken: readonly number[],
    private readonly rows: readonly GeneratorRow[],
    private readonly contextLength: number,
    eos: readonly number[],
    /** Drafts of what a lone greedy row writes next, checked in one run (see prompt-lookup.ts). */
    private readonly lookup?: PromptLookup,
  ) {
    if (lastPromptToken.length !== rows.length)
      throw new RangeError('first tokens and rows must have the same number of rows');
    this.active = rows.map((_, i) => i);
    this.pending = [...lastPromptToken];
    this.sequences = rows.map(() => []);
    this.finishReasons = rows.map(() => null);
    this.eos = new Set(eos);
  }

  isDone(): boolean {
    return this.active.length === 0;
  }

  /** Runs one step for every active row; returns the tokens it chose. */
  async generateNextToken(signal?: AbortSignal): Promise<GeneratedToken[]> {
    throwIfAborted(signal);
    if (this.isDone()) return [];
    if (this.batch.position + 1 > this.contextLength) {
      for (const r of this.active) this.finishReasons[r] = 'context';
      this.active = [];
      return [];
    }
    const lone = this.active.length === 1 ? this.active[0]! : -1;
    if (lone >= 0 && this.lookup && this.batch.canVerify && this.rows[lone]!.decoder.greedy) {
      const room = this.contextLength - this.batch.position - 1;
      const draft = this.lookup.draft(this.sequences[lone]!, room);
      if (draft.length > 0) return this.verifyDraft(lone, draft);
    }
    const logits = await this.batch.step(
      this.pending,
      this.active.map((r) => this.rows[r]!.weights),
    );
    const vocab = logits.length / this.active.length;
    const chosen: GeneratedToken[] = [];
    const keep: number[] = [];
    const nextActive: number[] = [];
    const nextPending: number[] = [];
    this.active.forEach((r, b) => {
      const row = this.rows[r]!;
      const seq = this.sequences[r]!;
      const rowLogits = logits.subarray(b * vocab, (b + 1) * vocab);
      row.decoder.processors.process(rowLogits, seq);
      const id = row.decoder.choose(rowLogits);
      seq.push(id);
      chosen.push({ row: r, id, index: seq.length - 1 });
      if (row.decoder.stopping.isDone(seq)) {
        this.finishReasons[r] = this.eos.has(id) ? 'eos' : 'length';
      } else {
        keep.push(b);
        nextActive.push(r);
        nextPending.push(id);
      }
    });
    if (keep.length < this.active.length) this.batch.keep(keep);
    this.active = nextActive;
    this.pending = nextPending;
    return chosen;
  }

  /**
   * Feeds the lone row's pending token and a draft in one run, then chooses token by token from their logits
   * as single steps would, for as long as the draft is what was chosen: every choice sees exactly the tokens
   * a plain step would have seen before it. The drafted positions after the first miss are dropped.
   */
  private async verifyDraft(r: number, draft: readonly number[]): Promise<GeneratedToken[]> {
    const row = this.rows[r]!;
    const seq = this.sequences[r]!;
    const fed = [this.pending[0]!, ...draft];
    const logits = await this.batch.verify(fed, row.weights);
    const vocab = logits.length / fed.length;
    const chosen: GeneratedToken[] = [];
    let used = 0; // tokens of `fed` whose positions stay: the pending one and the accepted drafted ones
    let finished = false;
    while (used < fed.length) {
      const rowLogits = logits.subarray(used * vocab, (used + 1) * vocab);
      row.decoder.processors.process(rowLogits, seq);
      const id = row.decoder.choose(rowLogits);
      seq.push(id);
      chosen.push({ row: r, id, index: seq.length - 1 });
      used++;
      if (row.decoder.stopping.isDone(seq)) {
        this.finishReasons[r] = this.eos.has(id) ? 'eos' : 'length';
        finished = true;
        break;
      }
      if (used < fed.length && id !== fed[used]) break;
    }
    this.lookup?.feedback(draft.length, used - 1);
    this.batch.rewind(fed.length - used);
    this.active = finished ? [] : [r];
    this.pending = finished ? [] : [chosen[chosen.length - 1]!.id];
    return chosen;
  }
}
