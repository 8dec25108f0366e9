/**
 * Summaries already made, by text, weighting and decoding options: asking again gives the same summary at
 * once. Two things need it: a slider moved back to where it was, and a preview's weighting chosen as the
 * summary's, which must read as the card did (a preview decodes its weightings as branches of one sequence,
 * whose last bits of rounding differ from a single row's on the 4-bit graph: docs/architecture.md).
 */
import { createHash } from 'node:crypto';
import type { RowOutput } from './last-check';

export interface MemoEntry {
  row: RowOutput;
  promptTokens: number;
  chunks: number;
}

export class SummaryMemo {
  private readonly entries = new Map<string, MemoEntry>();

  constructor(readonly maxEntries = 64) {}

  /**
   * The key of a text, a weighting vector and whatever else decides the tokens (resolved options). The
   * weights as the graph sees them, in float32: weights that a round trip through the view's sliders changed in
   * the last bits of a double are the same weights.
   */
  static key(text: string, vector: readonly number[], options: unknown): string {
    const hash = createHash('sha1').update(text).digest('hex');
    return `${hash}|${Array.from(Float32Array.from(vector)).join(',')}|${JSON.stringify(options)}`;
  }

  get(key: string): MemoEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: MemoEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
