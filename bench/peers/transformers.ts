/**
 * transformers.js (@huggingface/transformers on onnxruntime-node) generating from the SAME ONNX graph as our
 * engine, with the same prompt tokens, greedy, the same number of new tokens.
 *
 * How it loads our graph: a temporary model folder with a Llama config.json (layer count, kv heads and head
 * size from our manifest) and onnx/model.onnx linked to our graph; AutoModelForCausalLM loads it offline
 * (env.allowRemoteModels = false). Our graph has one input transformers.js does not know, `clp_weights`
 * [batch, m]: the model's session is wrapped so that transformers.js sees the standard inputs only and every
 * run gets `clp_weights` = the manifest's default weighting for each batch row (the graph computes the
 * deltas whatever their value, so the cost is that of a steered run). The graph returns the logits of the
 * last position only, which is all transformers.js' generate() reads.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifest, type Manifest } from '../../src/engine/manifest';
import { chooseGraph } from '../../src/engine/session';
import { buildPrompt } from '../../src/engine/prompt';
import { loadTokenizer } from '../../src/engine/tokenizer';
import { normaliseWeights } from '../../src/engine/weights';
import { timingsFrom, type BenchPeer, type PeerConfig, type RunTimings } from '../peer';
import { peerVersion, requirePeer } from './require';

/* Just the parts of transformers.js used here. */
interface TjsTensor {
  dims: number[];
}
interface OrtLikeTensor {
  dims: readonly number[];
  constructor: new (type: string, data: Float32Array, dims: number[]) => unknown;
}
interface OrtLikeSession {
  inputNames: string[];
  run(feeds: Record<string, OrtLikeTensor>, ...rest: unknown[]): Promise<unknown>;
}
interface TjsModel {
  sessions: Record<string, OrtLikeSession>;
  generate(options: Record<string, unknown>): Promise<unknown>;
  dispose(): Promise<unknown>;
}
interface Transformers {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  AutoModelForCausalLM: { from_pretrained(id: string, options: Record<string, unknown>): Promise<TjsModel> };
  Tensor: new (type: string, data: BigInt64Array, dims: number[]) => TjsTensor;
  version?: string;
}

export class TransformersJsPeer implements BenchPeer {
  readonly name: string;
  private tjs: Transformers | null = null;
  private model: TjsModel | null = null;
  private folder: string | null = null;
  private promptIds: number[] = [];

  /** @param spinning onnxruntime's spinning intra-op threads (transformers.js' default: on) */
  constructor(private readonly spinning: boolean) {
    this.name = spinning ? 'transformers.js' : 'transformers.js (no spinning)';
  }

  async load(config: PeerConfig): Promise<string> {
    const tjs = requirePeer<Transformers>('@huggingface/transformers');
    this.tjs = tjs;
    const dir = resolve(config.modelDir);
    const manifest = loadManifest(dir);
    const graph = config.graph ?? chooseGraph(manifest, 'cpu', undefined);
    // transformers.js starts from an empty past (batch 0), which GroupQueryAttention refuses
    if (manifest.sharedKvCache.includes(graph))
      throw new Error(
        `the ${graph} graph keeps its key/value cache in one buffer (GroupQueryAttention), which transformers.js does not feed`,
      );
    const graphFile = join(dir, manifest.graphs[graph]!);

    const root = mkdtempSync(join(tmpdir(), 'steer-tjs-'));
    this.folder = root;
    const model = join(root, 'steer');
    mkdirSync(join(model, 'onnx'), { recursive: true });
    writeFileSync(join(model, 'config.json'), JSON.stringify(llamaConfig(manifest)));
    symlinkSync(graphFile, join(model, 'onnx', 'model.onnx'));
    tjs.env.allowRemoteModels = false;
    tjs.env.allowLocalModels = true;
    tjs.env.localModelPath = root;

    this.model = await tjs.AutoModelForCausalLM.from_pretrained('steer', {
      dtype: 'fp32', // selects onnx/model.onnx (our graph, whatever its variant); the cache stays float32
      device: 'cpu',
      session_options: {
        intraOpNumThreads: config.threads,
        graphOptimizationLevel: 'all',
        ...(this.spinning
          ? {}
          : { extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } } }),
      },
    });
    const weights = normaliseWeights(manifest.objectives, manifest.defaultWeights).vector;
    wrapSession(this.model, manifest.io.names.weights, weights);

    const tokenizer = loadTokenizer(dir, manifest);
    this.promptIds = tokenizer.encode(buildPrompt(manifest, config.text, weights));
    return `@huggingface/transformers ${peerVersion('@huggingface/transformers')} on onnxruntime-node ${peerVersion('onnxruntime-node')} cpu, our ${graph} graph, ${config.threads} threads${this.spinning ? '' : ' (no spinning)'}, clp_weights fed by a session wrapper`;
  }

  async coldRun(config: PeerConfig): Promise<RunTimings> {
    const tjs = this.tjs!;
    const n = this.promptIds.length;
    const inputIds = new tjs.Tensor('int64', BigInt64Array.from(this.promptIds.map(BigInt)), [1, n]);
    const mask = new tjs.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    const times: number[] = [];
    let calls = 0;
    const streamer = {
      put: () => {
        // the first call carries the prompt; each later one a new token
        if (calls++ > 0) times.push(performance.now());
      },
      end: () => undefined,
    };
    const start = performance.now();
    await this.model!.generate({
      input_ids: inputIds,
      attention_mask: mask,
      max_new_tokens: config.maxNewTokens,
      min_new_tokens: config.maxNewTokens,
      do_sample: false,
      streamer,
    });
    return timingsFrom(start, times, n);
  }

  async extra(): Promise<Record<string, number>> {
    return {};
  }

  async dispose(): Promise<void> {
    await this.model?.dispose();
    this.model = null;
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
    this.folder = null;
  }
}

/** A Llama config.json with what transformers.js needs to build the empty cache and pick the model class. */
function llamaConfig(manifest: Manifest): Record<string, unknown> {
  const { numLayers, numKvHeads, headDim, vocabSize } = manifest.io;
  const eos = manifest.specialTokens.eos;
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    num_hidden_layers: numLayers,
    num_key_value_heads: numKvHeads,
    num_attention_heads: numKvHeads * 3,
    head_dim: headDim,
    hidden_size: numKvHeads * 3 * headDim,
    vocab_size: vocabSize,
    max_position_embeddings: manifest.contextLength,
    eos_token_id: eos.length === 1 ? eos[0] : eos,
    pad_token_id: manifest.specialTokens.pad,
    bos_token_id: manifest.specialTokens.bos ?? undefined,
    use_cache: true,
  };
}

/**
 * Hides `clp_weights` from transformers.js (it checks that it feeds every input the session names) and adds
 * it to every run: one row of `weights` per batch row.
 */
function wrapSession(model: TjsModel, name: string, weights: readonly number[]): void {
  const inner = model.sessions.model;
  if (!inner) throw new Error('transformers.js loaded no "model" session');
  if (!inner.inputNames.includes(name)) return;
  const inputNames = inner.inputNames.filter((n) => n !== name);
  model.sessions.model = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'inputNames') return inputNames;
      if (prop === 'run')
        return (feeds: Record<string, OrtLikeTensor>, ...rest: unknown[]) => {
          const ids = feeds.input_ids!;
          const batch = ids.dims[0] ?? 1;
          const data = new Float32Array(batch * weights.length);
          for (let r = 0; r < batch; r++) data.set(weights, r * weights.length);
          // the same onnxruntime Tensor class transformers.js uses
          const Ctor = ids.constructor;
          return target.run(
            { ...feeds, [name]: new Ctor('float32', data, [batch, weights.length]) as OrtLikeTensor },
            ...rest,
          );
        };
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as OrtLikeSession;
}
