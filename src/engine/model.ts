/**
 * A loaded model: manifest, tokenizer, onnxruntime session on the chosen device, and its prefix cache.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Runner } from './forward';
import { loadManifest, type Manifest } from './manifest';
import { DEFAULT_PREFIX_CACHE, PrefixCache, type PrefixCacheLimits } from './prefix-cache';
import { openSession, type DeviceAttempt, type Provider, type SessionRequest } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

export interface LoadOptions extends SessionRequest {
  /** Limits of the prefill LRU (default 4 entries, 512 MiB). */
  prefixCache?: Partial<PrefixCacheLimits>;
  /**
   * Tokens per prefill run. The prompt is prefilled in runs of this many tokens so that a cancellation
   * is seen between runs. Default 64 on cpu, 512 on a GPU.
   */
  prefillChunkTokens?: number;
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
  readonly prefillChunkTokens: number;
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
  const prefillChunkTokens = options.prefillChunkTokens ?? (opened.device === 'cpu' ? 64 : 512);
  if (!Number.isInteger(prefillChunkTokens) || prefillChunkTokens < 1)
    throw new RangeError('prefillChunkTokens must be a positive integer');
  const runner = new Runner(opened.session, manifest);
  const prefixCache = new PrefixCache({ ...DEFAULT_PREFIX_CACHE, ...options.prefixCache });
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
    prefillChunkTokens,
    loadMs: performance.now() - start,
    async dispose(): Promise<void> {
      prefixCache.clear();
      await opened.session.release();
    },
  };
}
