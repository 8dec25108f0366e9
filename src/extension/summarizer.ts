/**
 * Summaries as the extension's commands and view need them: from a Source and weights to a SummaryView with
 * estimates, through the engine process. Keeps recent summaries by id so that the view's actions (insert,
 * replace, ...) can refer to one without the webview sending text back.
 */
import { performance } from 'node:perf_hooks';
import type { SummaryView, WeightRecord } from '../common/messages';
import { estimateObjectives, wordCount, type Manifest, type ProgressEvent } from '../engine/extension-api';
import type { EngineClient } from './engine-client';
import type { Source } from './source';

export interface StoredSummary {
  view: SummaryView;
  source: Source;
}

export interface RunOptions {
  /** Each new piece of the summary's text as it is generated (summaries only). */
  onText?: (delta: string) => void;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
  supersede?: string;
}

const KEEP = 64;

export class Summarizer {
  private nextId = 1;
  private readonly store = new Map<number, StoredSummary>();

  constructor(
    private readonly client: EngineClient,
    private readonly manifest: () => Manifest,
    private readonly maxTokens: () => number,
  ) {}

  get(id: number): StoredSummary | undefined {
    return this.store.get(id);
  }

  async summarize(source: Source, weights: WeightRecord, options: RunOptions = {}): Promise<SummaryView> {
    const t0 = performance.now();
    const result = await this.client.summarize(
      { text: source.text, weights, ...this.limit() },
      {
        ...(options.onText ? { onToken: (e) => e.text && options.onText!(e.text) } : {}),
        ...this.handlers(options),
      },
    );
    return this.keep(source, {
      text: result.summary,
      weights: result.weights,
      ...(result.writtenAt ? { writtenAt: result.writtenAt } : {}),
      tokens: result.tokens.length,
      finishReason: result.finishReason,
      ms: performance.now() - t0,
    });
  }

  /** k summaries across the trade-off, decoded together from one prefill. */
  async preview(
    source: Source,
    weightsList: WeightRecord[],
    options: RunOptions = {},
  ): Promise<SummaryView[]> {
    const t0 = performance.now();
    const result = await this.client.preview(
      { text: source.text, weightsList, stream: false, ...this.limit() },
      this.handlers(options),
    );
    const ms = performance.now() - t0;
    return result.items.map((item) =>
      this.keep(source, {
        text: item.summary,
        weights: item.weights,
        ...(item.writtenAt ? { writtenAt: item.writtenAt } : {}),
        tokens: item.tokens.length,
        finishReason: item.finishReason,
        ms,
      }),
    );
  }

  private limit(): { maxNewTokens?: number } {
    const n = this.maxTokens();
    return n > 0 ? { maxNewTokens: n } : {};
  }

  private handlers(options: RunOptions) {
    return {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.supersede ? { supersede: options.supersede } : {}),
    };
  }

  private keep(source: Source, s: Omit<SummaryView, 'id' | 'words' | 'estimates'>): SummaryView {
    const ids = this.manifest().objectives.map((o) => o.id);
    const view: SummaryView = {
      ...s,
      id: this.nextId++,
      words: wordCount(s.text),
      estimates: estimateObjectives(source.text, s.text, ids),
      ms: Math.round(s.ms),
    };
    this.store.set(view.id, { view, source });
    for (const id of this.store.keys()) {
      if (this.store.size <= KEEP) break;
      this.store.delete(id);
    }
    return view;
  }
}
