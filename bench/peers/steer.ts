/**
 * Our engine as a benchmark peer, including the measurements of the steering fast path.
 */
import { loadModel, type Model } from '../../src/engine/model';
import { previewDetailed, summarize, type SummarizeOptions } from '../../src/engine/summarize';
import { spreadWeights } from '../../src/engine/weights';
import type { DeviceRequest } from '../../src/engine/session';
import type { BenchPeer, PeerConfig, RunTimings } from '../peer';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export class SteerPeer implements BenchPeer {
  readonly name = 'steer-engine';
  private model: Model | null = null;

  private get m(): Model {
    if (!this.model) throw new Error('load() first');
    return this.model;
  }

  private options(config: PeerConfig, reuse: boolean): SummarizeOptions {
    // A fixed length (end-of-sequence suppressed) so that runs and peers decode the same number of tokens.
    return {
      maxNewTokens: config.maxNewTokens,
      prefixReuse: reuse,
      sampling: { minNewTokens: config.maxNewTokens },
    };
  }

  async load(config: PeerConfig): Promise<string> {
    this.model = await loadModel(config.modelDir, {
      device: config.device as DeviceRequest,
      ...(config.graph ? { graph: config.graph } : {}),
      ...(config.threads ? { threads: config.threads } : {}),
    });
    const m = this.model;
    const rows = m.batchInvariant ? 'previews batched' : 'previews row by row (graph not batch-invariant)';
    return `onnxruntime-node ${m.device}, ${m.graph} graph, ${rows}, prefill runs of ${m.prefillChunkTokens} tokens`;
  }

  async coldRun(text: string, config: PeerConfig): Promise<RunTimings> {
    const r = await summarize(this.m, text, this.options(config, false));
    return {
      totalMs: r.timings.totalMs,
      prefillMs: r.timings.prefillMs,
      decodeTokensPerSecond: r.timings.decodeTokensPerSecond,
      promptTokens: r.timings.promptTokens,
      generatedTokens: r.timings.generatedTokens,
    };
  }

  async extra(text: string, config: PeerConfig): Promise<Record<string, number>> {
    const m = this.m;
    const weightings = spreadWeights(m.manifest.objectives, Math.max(4, config.runs + 1));
    const withReuse: number[] = [];
    const withoutReuse: number[] = [];
    const firstTokenReuse: number[] = [];
    // Warm the prefix cache with the first weighting; every later change of weights alone reuses it.
    await summarize(m, text, { ...this.options(config, true), weights: weightings[0]! });
    for (let i = 0; i < config.runs; i++) {
      const w = weightings[(i % (weightings.length - 1)) + 1]!;
      const warm = await summarize(m, text, { ...this.options(config, true), weights: w });
      withReuse.push(warm.timings.totalMs);
      firstTokenReuse.push(warm.timings.firstTokenMs);
      const cold = await summarize(m, text, { ...this.options(config, false), weights: w });
      withoutReuse.push(cold.timings.totalMs);
      config.log(
        `re-steer ${i + 1}/${config.runs}: ${warm.timings.totalMs.toFixed(0)} ms with reuse, ${cold.timings.totalMs.toFixed(0)} ms without`,
      );
    }

    const k = 4;
    const four = weightings.slice(0, k);
    const batched: number[] = [];
    const sequential: number[] = [];
    for (let i = 0; i < config.runs; i++) {
      const b = await previewDetailed(m, text, four, this.options(config, true));
      batched.push(b.timings.totalMs);
      let total = 0;
      for (const w of four)
        total += (await summarize(m, text, { ...this.options(config, true), weights: w })).timings.totalMs;
      sequential.push(total);
    }
    return {
      resteerWithReuseMs: median(withReuse),
      resteerWithoutReuseMs: median(withoutReuse),
      resteerFirstTokenWithReuseMs: median(firstTokenReuse),
      preview4BatchedMs: median(batched),
      preview4SequentialMs: median(sequential),
    };
  }

  async dispose(): Promise<void> {
    await this.model?.dispose();
    this.model = null;
  }
}
