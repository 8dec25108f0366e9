/**
 * A loaded model: manifest, tokenizer, onnxruntime session on the chosen device, and its prefix cache.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { calibratePrefillChunk, probeBatchInvariance } from './batch-probe';
import { BadOptions } from './errors';
import { Runner } from './forward';
import { loadManifest, type Manifest } from './manifest';
import { DEFAULT_PREFIX_CACHE, PrefixCache, type PrefixCacheLimits } from './prefix-cache';
import { SummaryMemo } from './summary-memo';
import { openSession, type DeviceAttempt, type Provider, type SessionRequest } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

/** About how long one prefill run may take: how long a cancellation waits during a prefill. */
const PREFILL_RUN_TARGET_MS = 300;

export interface LoadOptions extends SessionRequest {
  /** Limits of the prefill LRU (default 4 entries, 512 MiB). */
  prefixCache?: Partial<PrefixCacheLimits>;
  /**
   * Tokens per prefill run. The prompt is prefilled in runs of this many tokens so that a cancellation is
   * seen between runs. Default: measured at load so that one run takes about 300 ms (8 to 512 tokens;
   * longer where the fixed cost of a run would otherwise dominate).
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
  const prefillChunkTokens =
    options.prefillChunkTokens ?? (await calibratePrefillChunk(runner, manifest, PREFILL_RUN_TARGET_MS, 512));
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
