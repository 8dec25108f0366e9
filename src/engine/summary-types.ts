/**
 * What `summarize` and `preview` take and give: the options, the streamed token and progress events, the
 * results with their timings. Types only, so the extension and the engine process share them without loading
 * the engine.
 */
import type { SamplingOptions } from './generation/config';
import type { FinishReason } from './generation/generator';
import type { WeightRecord } from './manifest';

export interface TokenEvent {
  /** Index of the weighting (always 0 for summarize). */
  row: number;
  id: number;
  /** 0-based index in the summary. */
  index: number;
  /** New text of the summary (may be empty while a multi-byte character is incomplete). */
  text: string;
}

export interface ProgressEvent {
  stage: 'prefill' | 'select' | 'chunk' | 'combine' | 'retry';
  done: number;
  total: number;
  message: string;
}

export interface SummarizeOptions {
  /** id → weight; validated and normalised. Default: the manifest's defaultWeights. */
  weights?: WeightRecord;
  maxNewTokens?: number;
  sampling?: SamplingOptions;
  signal?: AbortSignal;
  onToken?: (event: TokenEvent) => void;
  onProgress?: (event: ProgressEvent) => void;
  /** Hard limit on the document's length in tokens (default 32768); longer input is `InputTooLarge`. */
  maxInputTokens?: number;
  /** Overlap between chunks of a long document, in tokens (default 64). */
  overlapTokens?: number;
  /** Use the prefix cache (default true); false forces a cold prefill (for benchmarks). */
  prefixReuse?: boolean;
  /**
   * Check runs of the document's tokens as drafts of a greedy summary, several tokens per run of the model
   * (default true; the same summary either way: generation/prompt-lookup.ts). false: one token per run.
   */
  promptLookup?: boolean;
  /**
   * Give a summary this model already made of the same text with the same weights and options again at once
   * (it keeps the last 64) instead of decoding it again (default false; the engine host, which serves the
   * extension, asks for it: a slider moved back, or a preview card's weights chosen, shows that summary).
   */
  reuseSummaries?: boolean;
  /**
   * A document longer than one pass: `passages` (default) reads its salient passages in one pass
   * (passages.ts); `chunks` summarizes it part by part, then the parts' summaries.
   */
  longDocuments?: 'passages' | 'chunks';
  /** Read at most this many tokens of the document, its salient passages beyond (default: see summarize.ts). */
  readingTokens?: number;
}

export type PreviewOptions = Omit<SummarizeOptions, 'weights'>;

export interface Timings {
  totalMs: number;
  prefillMs: number;
  decodeMs: number;
  /** From the call to the first token of the final summary. */
  firstTokenMs: number;
  promptTokens: number;
  generatedTokens: number;
  decodeTokensPerSecond: number;
  /** Whether the final stage's prefill came from the prefix cache. */
  prefixReused: boolean;
  /** Chunks of the document (1 when it fit at once). */
  chunks: number;
}

export interface SummaryResult {
  summary: string;
  tokens: number[];
  weights: WeightRecord;
  /**
   * Where no way of decoding gave a usable summary at `weights` (most often at an end of the trade-off), the
   * weighting nearer the model's default that this summary was decoded at.
   */
  writtenAt?: WeightRecord;
  finishReason: FinishReason;
  timings: Timings;
}

export interface PreviewItem {
  weights: WeightRecord;
  /** As SummaryResult.writtenAt. */
  writtenAt?: WeightRecord;
  /** Empty when no usable summary came out (see `problem`). */
  summary: string;
  tokens: number[];
  finishReason: FinishReason;
  /** Why this weighting has no summary: two decodings were empty, looping or markup only. */
  problem?: string;
}

export interface PreviewResult {
  items: PreviewItem[];
  timings: Timings;
}
