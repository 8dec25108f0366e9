/**
 * Our engine as a benchmark peer, including the measurements of the steering fast path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NoUsableSummary } from '../../src/engine/errors';
import { packageRoot } from '../../src/shared/paths';
import { loadModel, type Model } from '../../src/engine/model';
import { previewDetailed, summarize, type SummarizeOptions } from '../../src/engine/summarize';
import { spreadWeights } from '../../src/engine/weights';
import type { DeviceRequest } from '../../src/engine/devices';
import { median, timingsFrom, type BenchPeer, type PeerConfig, type RunTimings } from '../peer';

/** Words of the whole-file case: the size of a long design document or README. */
export const WHOLE_FILE_WORDS = 5000;

/**
 * A Markdown file of `words` words from the package's own documents (README.md, then docs/architecture.md),
 * cut at the line where the count is reached: what a user opens and summarizes whole.
 */
export function wholeMarkdownFile(words = WHOLE_FILE_WORDS): string {
  const root = packageRoot(__dirname);
  const lines = ['README.md', join('docs', 'architecture.md')]
    .map((f) => readFileSync(join(root, f), 'utf8'))
    .join('\n\n')
    .split('\n');
  const kept: string[] = [];
  let count = 0;
  for (const line of lines) {
    if (count >= words) break;
    kept.push(line);
    count += line.split(/\s+/).filter((w) => w.length > 0).length;
  }
  return kept.join('\n');
}

export class SteerPeer implements BenchPeer {
  readonly name: string;
  private model: Model | null = null;

  /** @param spinning onnxruntime's spinning intra-op threads (the engine's default is off) */
  constructor(private readonly spinning: boolean) {
    this.name = spinning ? 'steer-engine (spinning threads)' : 'steer-engine';
  }

  private get m(): Model {
    if (!this.model) throw new Error('load() first');
    return this.model;
  }

  private options(config: PeerConfig, reuse: boolean): SummarizeOptions {
    // A fixed length (end-of-sequence suppressed) so that runs and peers decode the same number of tokens;
    // plain greedy decoding (no n-gram blocking or repetition penalty), as the peers do.
    return {
      maxNewTokens: config.maxNewTokens,
      prefixReuse: reuse,
      sampling: {
        temperature: 0,
        minNewTokens: config.maxNewTokens,
        noRepeatNgramSize: 0,
        repetitionPenalty: 1,
      },
    };
  }

  async load(config: PeerConfig): Promise<string> {
    this.model = await loadModel(config.modelDir, {
      device: config.device as DeviceRequest,
      threads: config.threads,
      spinning: this.spinning,
      ...(config.graph ? { graph: config.graph } : {}),
    });
    const m = this.model;
    const rows = m.batchInvariant ? 'previews batched' : 'previews row by row (graph not batch-invariant)';
    return `onnxruntime-node ${m.device}, ${m.graph} graph, ${config.threads} threads${this.spinning ? ' (spinning)' : ''}, ${rows}, prefill runs of ${m.prefillChunkTokens} tokens`;
  }

  /** One summary, timed from its token stream. */
  private async timed(config: PeerConfig, options: SummarizeOptions): Promise<RunTimings> {
    const times: number[] = [];
    const start = performance.now();
    const r = await summarize(this.m, config.text, {
      ...options,
      onToken: () => times.push(performance.now()),
    });
    return timingsFrom(start, times, r.timings.promptTokens, r.timings.prefillMs);
  }

  async coldRun(config: PeerConfig): Promise<RunTimings> {
    return this.timed(config, this.options(config, false));
  }

  async extra(config: PeerConfig, log: (line: string) => void): Promise<Record<string, number>> {
    if (this.spinning) return {};
    const m = this.m;
    const weightings = spreadWeights(m.manifest.objectives, Math.max(4, config.runs + 1));
    const withReuse: number[] = [];
    const withoutReuse: number[] = [];
    const firstTokenReuse: number[] = [];
    const firstTokenCold: number[] = [];
    // the same weighting's cold summary writes the same tokens: its decode is what a re-steer should cost
    const vsColdDecode: number[] = [];
    // Warm the prefix cache with the first weighting; every later change of weights alone reuses it.
    await summarize(m, config.text, { ...this.options(config, true), weights: weightings[0]! });
    for (let i = 0; i < config.runs; i++) {
      const weights = weightings[(i % (weightings.length - 1)) + 1]!;
      const warm = await this.timed(config, { ...this.options(config, true), weights });
      const cold = await this.timed(config, { ...this.options(config, false), weights });
      withReuse.push(warm.totalMs);
      firstTokenReuse.push(warm.firstTokenMs);
      withoutReuse.push(cold.totalMs);
      firstTokenCold.push(cold.firstTokenMs);
      vsColdDecode.push(warm.totalMs / (cold.totalMs - cold.firstTokenMs));
      log(
        `re-steer ${i + 1}/${config.runs}: ${warm.totalMs.toFixed(0)} ms with prefix reuse, ${cold.totalMs.toFixed(0)} ms without`,
      );
    }

    const k = 4;
    const four = weightings.slice(0, k);
    const batched: number[] = [];
    const sequential: number[] = [];
    for (let i = 0; i < config.runs; i++) {
      const b = await previewDetailed(m, config.text, four, this.options(config, true));
      batched.push(b.timings.totalMs);
      let total = 0;
      for (const weights of four)
        total += (await summarize(m, config.text, { ...this.options(config, true), weights })).timings
          .totalMs;
      sequential.push(total);
      log(
        `preview ×${k} ${i + 1}/${config.runs}: ${b.timings.totalMs.toFixed(0)} ms batched, ${total.toFixed(0)} ms one by one`,
      );
    }

    // A whole file as a user summarizes it: the engine's own decoding (grounded, its stopping rules), cold.
    const file = wholeMarkdownFile();
    const fileTimes: number[] = [];
    const fileStart = performance.now();
    try {
      await summarize(m, file, { onToken: () => fileTimes.push(performance.now()) });
    } catch (e) {
      if (!(e instanceof NoUsableSummary)) throw e; // saying so is an answer too, and it took this long
    }
    const fileEnd = performance.now();
    log(
      `whole ${WHOLE_FILE_WORDS}-word file: first token ${((fileTimes[0] ?? fileEnd) - fileStart).toFixed(0)} ms, finished ${(fileEnd - fileStart).toFixed(0)} ms`,
    );
    return {
      wholeFileWords: file.split(/\s+/).filter((w) => w.length > 0).length,
      wholeFileFirstTokenMs: (fileTimes[0] ?? fileEnd) - fileStart,
      wholeFileTotalMs: fileEnd - fileStart,
      resteerWithReuseMs: median(withReuse),
      resteerWithoutReuseMs: median(withoutReuse),
      resteerFirstTokenWithReuseMs: median(firstTokenReuse),
      resteerFirstTokenWithoutReuseMs: median(firstTokenCold),
      resteerVsColdDecode: median(vsColdDecode),
      preview4BatchedMs: median(batched),
      preview4SequentialMs: median(sequential),
      batchInvariant: m.batchInvariant ? 1 : 0,
      prefillChunkTokens: m.prefillChunkTokens,
    };
  }

  async dispose(): Promise<void> {
    await this.model?.dispose();
    this.model = null;
  }
}
