/**
 * llama.cpp (node-llama-cpp, prebuilt CPU backend, never built here) on the BASE model's GGUF (SmolLM2-135M
 * Q4_1, without our deltas): the same prompt text, greedy, the same number of new tokens (end-of-sequence is
 * not a stop: tokens are taken from sequence.evaluate until there are enough).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifest } from '../../src/engine/manifest';
import { buildPrompt } from '../../src/engine/prompt';
import { normaliseWeights } from '../../src/engine/weights';
import { PeerUnavailable, timingsFrom, type BenchPeer, type PeerConfig, type RunTimings } from '../peer';
import { importPeer, peerVersion } from './require';

/* Just the parts of node-llama-cpp used here (and by the CLP peer, llamacpp-clp.ts). */
export type Token = number;
export interface LlamaSequence {
  evaluate(tokens: Token[], options?: Record<string, unknown>): AsyncGenerator<Token>;
  evaluateWithoutGeneratingNewTokens(tokens: Token[]): Promise<void>;
  eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
  readonly nextTokenIndex: number;
  clearHistory(): Promise<void>;
}
export interface LlamaContext {
  getSequence(): LlamaSequence;
  dispose(): Promise<void>;
}
export interface LlamaModel {
  tokenize(text: string, specialTokens?: boolean): Token[];
  createContext(options: Record<string, unknown>): Promise<LlamaContext>;
  dispose(): Promise<void>;
}
export interface Llama {
  loadModel(options: Record<string, unknown>): Promise<LlamaModel>;
  dispose(): Promise<void>;
  buildType?: string;
  gpu?: unknown;
}
export interface NodeLlamaCpp {
  getLlama(options: Record<string, unknown>): Promise<Llama>;
}

export class LlamaCppPeer implements BenchPeer {
  readonly name: string;
  private llama: Llama | null = null;
  private model: LlamaModel | null = null;
  private context: LlamaContext | null = null;
  private sequence: LlamaSequence | null = null;
  private tokens: Token[] = [];

  /** @param threads threads for llama.cpp; null: the same as the other peers */
  constructor(private readonly threads: number | null) {
    this.name = threads === null ? 'llama.cpp' : `llama.cpp (${threads} thread${threads === 1 ? '' : 's'})`;
  }

  async load(config: PeerConfig): Promise<string> {
    if (!config.gguf) throw new PeerUnavailable('no GGUF file given (--gguf FILE)');
    const file = resolve(config.gguf);
    if (!existsSync(file)) throw new PeerUnavailable(`the GGUF file ${file} does not exist`);
    const lib = await importPeer<NodeLlamaCpp>('node-llama-cpp');
    this.llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: 'error' });
    this.model = await this.llama.loadModel({ modelPath: file, gpuLayers: 0 });
    const manifest = loadManifest(resolve(config.modelDir));
    const weights = normaliseWeights(manifest.objectives, manifest.defaultWeights).vector;
    this.tokens = this.model.tokenize(buildPrompt(manifest, config.text, weights), true);
    this.context = await this.model.createContext({
      contextSize: Math.min(manifest.contextLength, 2048),
      threads: this.threads ?? config.threads,
      batchSize: 512,
      sequences: 1,
    });
    this.sequence = this.context.getSequence();
    const mb = (statSync(file).size / 2 ** 20).toFixed(0);
    return `node-llama-cpp ${peerVersion('node-llama-cpp')} (llama.cpp prebuilt cpu), base GGUF ${file.split('/').pop()} (${mb} MB, no CLP deltas), ${plural(this.threads ?? config.threads, 'thread')}`;
  }

  async coldRun(config: PeerConfig): Promise<RunTimings> {
    const seq = this.sequence!;
    await seq.clearHistory();
    const times: number[] = [];
    const start = performance.now();
    for await (const token of seq.evaluate(this.tokens, { temperature: 0 })) {
      void token;
      times.push(performance.now());
      if (times.length >= config.maxNewTokens) break;
    }
    return timingsFrom(start, times, this.tokens.length);
  }

  async extra(): Promise<Record<string, number>> {
    return {};
  }

  async dispose(): Promise<void> {
    await disposeAll(this.context, this.model, this.llama);
    this.context = null;
    this.model = null;
    this.llama = null;
  }
}

/** Context, then model, then the library: node-llama-cpp frees them in that order. */
export async function disposeAll(...parts: ({ dispose(): Promise<void> } | null)[]): Promise<void> {
  for (const part of parts) await part?.dispose();
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
