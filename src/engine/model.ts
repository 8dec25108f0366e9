/**
 * A loaded model: manifest, tokenizer, onnxruntime session on the chosen device, and its prefix cache.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeBatchInvariance } from './batch-probe';
import { BadOptions } from './errors';
import { Runner } from './forward';
import { loadManifest, type Manifest } from './manifest';
import { DEFAULT_PREFIX_CACHE, PrefixCache, type PrefixCacheLimits } from './prefix-cache';
import { SummaryMemo } from './summary-memo';
import { openSession, type DeviceAttempt, type Provider, type SessionRequest } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

/**
 * Tokens per prefill run: a cancellation waits for the run under way, about 0.3 to 0.5 s at this size for the
 * 135M model on a 2-core CPU. A fixed size, not one timed at load: the 4-bit graph rounds a prefill cut
 * elsewhere differently, and a size measured at load followed the machine's load, so the same text at the same
 * weighting gave other summaries from one start of the engine to the next (10 of a paper's 16 in the per-kind
 * evaluation: training/reports/table-pages).
 */
const PREFILL_RUN_TOKENS = 128;

export interface LoadOptions extends SessionRequest {
  /** Limits of the prefill LRU (default 4 entries, 512 MiB). */
  prefixCache?: Partial<PrefixCacheLimits>;
  /**
   * Tokens per prefill run. The prompt is prefilled in runs of this many tokens so that a cancellation is
   * seen between runs. Default 128, the same on every start so that a summary does not depend on the load.
   */
  prefillChunkTokens?: number;
  /**
   * Whether k weightings may be decoded as one batch. `auto` (default) checks at load that a row's logits do
   * not depend on the other rows of its batch (they do with dynamically quantized graphs, whose activation
   * scale spans the batch); where they do, every weighting is decoded on its own from the shared prefill, so
   * that a preview equals the summary of the same weighting alone. (Where rows are independent, the batch
   * size may still change the last bits of a float result, as the prefill run length does; greedy tokens
   * change only on a near-tie.)
   */
  batching?: 'auto' | 'always' | 'never';
}

export interface Model {
  readonly id: string;
  readonly dir: string;
  readonly manifest: Manifest;
  /** The execution provider actually used (`cpu`, `cuda`, `dml`, `coreml`, `webgpu`). */
  readonly device: Provider;
  /** Why `auto` fell back to cpu, or null. */
  readonly deviceNote: string | null;
  readonly deviceAttempts: readonly DeviceAttempt[];
  /** The graph variant in use (`quantized`, `float32`, ...). */
  readonly graph: string;
  readonly graphPath: string;
  readonly tokenizer: TextTokenizer;
  readonly runner: Runner;
  readonly prefixCache: PrefixCache;
  /** Summaries already made, given again when asked again (summary-memo.ts). */
  readonly summaries: SummaryMemo;
  readonly prefillChunkTokens: number;
  /** Whether a batch row's logits are independent of the other rows (then previews decode as one batch). */
  readonly batchInvariant: boolean;
  readonly loadMs: number;
  dispose(): Promise<void>;
}

/** Loads the model in `dir` (a directory with manifest.json). */
export async function loadModel(dir: string, options: LoadOptions = {}): Promise<Model> {
  const start = performance.now();
  const root = resolve(dir);
  const manifest = loadManifest(root);
  const tokenizer = loadTokenizer(root, manifest);
  const opened = await openSession(root, manifest, options);
  if (
    options.prefillChunkTokens !== undefined &&
    (!Number.isInteger(options.prefillChunkTokens) || options.prefillChunkTokens < 1)
  )
    throw new BadOptions(`prefillChunkTokens must be a positive integer, got ${options.prefillChunkTokens}.`);
  const runner = new Runner(
    opened.session,
    manifest,
    manifest.sharedKvCache.includes(opened.graph),
    manifest.branches.includes(opened.graph),
  );
  const prefixCache = new PrefixCache({ ...DEFAULT_PREFIX_CACHE, ...options.prefixCache });
  const summaries = new SummaryMemo();
  const batching = options.batching ?? 'auto';
  const batchInvariant =
    batching === 'auto' ? await probeBatchInvariance(runner, manifest) : batching === 'always';
  const prefillChunkTokens = options.prefillChunkTokens ?? PREFILL_RUN_TOKENS;
  return {
    id: manifest.id,
    dir: root,
    manifest,
    device: opened.device,
    deviceNote: opened.fallbackReason,
    deviceAttempts: opened.attempts,
    graph: opened.graph,
    graphPath: opened.graphPath,
    tokenizer,
    runner,
    prefixCache,
    summaries,
    prefillChunkTokens,
    batchInvariant,
    loadMs: performance.now() - start,
    async dispose(): Promise<void> {
      prefixCache.clear();
      summaries.clear();
      await opened.session.release();
    },
  };
}
