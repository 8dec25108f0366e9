/**
 * llama.cpp (node-llama-cpp, prebuilt CPU backend) running OUR model: the base GGUF with the CLP deltas as
 * LoRA adapters (`python -m steer_train.export_gguf`): the shared delta at scale 1, each objective's delta at
 * scale w_i. As in the engine, the prompt without its last token is read with the objectives at 0
 * (response-only conditioning), then the adapters are set to the weighting and the answer is decoded. Greedy,
 * the same number of new tokens as the other peers unless the model ends first (node-llama-cpp's generator
 * stops at end-of-sequence; the results give the tokens of each run).
 *
 * The adapters are set through node-llama-cpp's internal `_setLoras` (its public API fixes them when a
 * context is made), so this peer pins node-llama-cpp's version in bench/peers/package.json.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifest } from '../../src/engine/manifest';
import { buildPrompt } from '../../src/engine/prompt';
import { normaliseWeights } from '../../src/engine/weights';
import { PeerUnavailable, timingsFrom, type BenchPeer, type PeerConfig, type RunTimings } from '../peer';
import {
  disposeAll,
  type Llama,
  type LlamaContext,
  type LlamaModel,
  type LlamaSequence,
  type NodeLlamaCpp,
  type Token,
} from './llamacpp';
import { importPeer, peerVersion } from './require';

/** What export_gguf writes next to the files (llama-cpp.json). */
interface ClpExport {
  model: string;
  shared: string;
  objectives: Record<string, string>;
  responseOnly: boolean;
}

interface LoraSetting {
  filePath: string;
  scale: number;
}
type ContextWithLoras = LlamaContext & { _setLoras?(loras: LoraSetting[]): Promise<void> };

/** Where `npm run bench` looks for the export of a model directory. */
export const llamaCppExportDir = (modelDir: string): string => join(resolve(modelDir), 'llama-cpp');

export class LlamaCppClpPeer implements BenchPeer {
  readonly name = 'llama.cpp + CLP adapters';
  private llama: Llama | null = null;
  private model: LlamaModel | null = null;
  private context: ContextWithLoras | null = null;
  private sequence: LlamaSequence | null = null;
  private tokens: Token[] = [];
  private files: ClpExport | null = null;
  private dir = '';
  private weights: number[] = [];

  async load(config: PeerConfig): Promise<string> {
    this.dir = llamaCppExportDir(config.modelDir);
    const index = join(this.dir, 'llama-cpp.json');
    if (!existsSync(index))
      throw new PeerUnavailable(
        `no llama.cpp export of the model in ${this.dir}; make it with ` +
          `"PYTHONPATH=training .venv/bin/python -m steer_train.export_gguf --model-dir ${config.modelDir} --out ${this.dir}"`,
      );
    this.files = JSON.parse(readFileSync(index, 'utf8')) as ClpExport;
    const lib = await importPeer<NodeLlamaCpp>('node-llama-cpp');
    this.llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: 'error' });
    const file = join(this.dir, this.files.model);
    this.model = await this.llama.loadModel({ modelPath: file, gpuLayers: 0 });
    const manifest = loadManifest(resolve(config.modelDir));
    this.weights = [...normaliseWeights(manifest.objectives, manifest.defaultWeights).vector];
    this.tokens = this.model.tokenize(buildPrompt(manifest, config.text, this.weights), true);
    this.context = (await this.model.createContext({
      contextSize: Math.min(manifest.contextLength, 2048),
      threads: config.threads,
      batchSize: 512,
      sequences: 1,
    })) as ContextWithLoras;
    if (typeof this.context._setLoras !== 'function')
      throw new PeerUnavailable(
        `node-llama-cpp ${peerVersion('node-llama-cpp')} has no _setLoras on its context`,
      );
    this.sequence = this.context.getSequence();
    const mb = (n: string): number => statSync(join(this.dir, n)).size / 2 ** 20;
    const adapters = [this.files.shared, ...Object.values(this.files.objectives)];
    return `node-llama-cpp ${peerVersion('node-llama-cpp')} (llama.cpp prebuilt cpu), ${this.files.model} (${mb(this.files.model).toFixed(0)} MB) + ${adapters.length} LoRA adapters (${adapters.reduce((s, n) => s + mb(n), 0).toFixed(0)} MB), ${config.threads} threads`;
  }

  /** The shared adapter and each objective's at its weight (left out at 0). */
  private async setWeights(weights: readonly number[]): Promise<void> {
    const f = this.files!;
    const objectives = Object.values(f.objectives).map((n, i) => ({
      filePath: join(this.dir, n),
      scale: weights[i] ?? 0,
    }));
    await this.context!._setLoras!([
      { filePath: join(this.dir, f.shared), scale: 1 },
      ...objectives.filter((o) => o.scale > 0),
    ]);
  }

  private async decode(n: number): Promise<number[]> {
    const times: number[] = [];
    for await (const token of this.sequence!.evaluate(this.tokens.slice(-1), { temperature: 0 })) {
      void token;
      times.push(performance.now());
      if (times.length >= n) break;
    }
    return times;
  }

  async coldRun(config: PeerConfig): Promise<RunTimings> {
    const seq = this.sequence!;
    await seq.clearHistory();
    const start = performance.now();
    await this.setWeights(this.files!.responseOnly ? this.weights.map(() => 0) : this.weights);
    await seq.evaluateWithoutGeneratingNewTokens(this.tokens.slice(0, -1));
    await this.setWeights(this.weights);
    return timingsFrom(start, await this.decode(config.maxNewTokens), this.tokens.length);
  }

  /** A change of weights alone: the prompt stays in the cache, the answer is decoded at the concise vertex. */
  async extra(config: PeerConfig): Promise<Record<string, number>> {
    const seq = this.sequence!;
    await this.coldRun(config);
    const keep = this.tokens.length - 1;
    const start = performance.now();
    await seq.eraseContextTokenRanges([{ start: keep, end: seq.nextTokenIndex }]);
    await this.setWeights(this.weights.map((_, i) => (i === 0 ? 1 : 0)));
    const times = await this.decode(config.maxNewTokens);
    // the generator ends at the end of sequence, which the concise end reaches early: report the tokens too
    return { resteerMs: times[times.length - 1]! - start, resteerTokens: times.length };
  }

  async dispose(): Promise<void> {
    await disposeAll(this.context, this.model, this.llama);
    this.context = null;
    this.model = null;
    this.llama = null;
  }
}
