/**
 * `npm run bench` / `steer bench`: model load, prefill, decode throughput, time from a change of weights
 * to a finished summary with and without prefix reuse, batched preview, and peak memory. Writes
 * results.json and results.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchPeer, PeerConfig, PeerResult, RunTimings } from './peer';
import { SteerPeer, median } from './peers/steer';
import { SAMPLE_DOCUMENT } from './sample';

export interface BenchOptions {
  modelDir: string;
  device: string;
  graph: string | null;
  threads: number | null;
  runs: number;
  maxNewTokens: number;
  inputFile: string | null;
  log: (line: string) => void;
  /** Peers to run; default: our engine alone. */
  peers?: BenchPeer[];
}

export interface BenchResults {
  date: string;
  machine: { platform: string; arch: string; cpus: number; cpuModel: string; memoryGb: number; node: string };
  settings: {
    modelDir: string;
    device: string;
    graph: string | null;
    runs: number;
    maxNewTokens: number;
    input: string;
  };
  peers: PeerResult[];
}

function medianTimings(runs: readonly RunTimings[]): RunTimings {
  const pick = (f: (r: RunTimings) => number): number => median(runs.map(f));
  return {
    totalMs: pick((r) => r.totalMs),
    prefillMs: pick((r) => r.prefillMs),
    decodeTokensPerSecond: pick((r) => r.decodeTokensPerSecond),
    promptTokens: pick((r) => r.promptTokens),
    generatedTokens: pick((r) => r.generatedTokens),
  };
}

async function runPeer(peer: BenchPeer, text: string, config: PeerConfig): Promise<PeerResult> {
  const t0 = performance.now();
  const runtime = await peer.load(config);
  const loadMs = performance.now() - t0;
  config.log(`${peer.name}: loaded in ${loadMs.toFixed(0)} ms (${runtime})`);
  try {
    await peer.coldRun(text, { ...config, maxNewTokens: Math.min(4, config.maxNewTokens) }); // warm-up
    const cold: RunTimings[] = [];
    for (let i = 0; i < config.runs; i++) {
      cold.push(await peer.coldRun(text, config));
      config.log(`${peer.name}: cold run ${i + 1}/${config.runs}: ${cold[i]!.totalMs.toFixed(0)} ms`);
    }
    const extra = await peer.extra(text, config);
    return {
      name: peer.name,
      runtime,
      loadMs,
      cold: medianTimings(cold),
      extra,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await peer.dispose();
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const text = options.inputFile ? readFileSync(options.inputFile, 'utf8') : SAMPLE_DOCUMENT;
  const config: PeerConfig = {
    modelDir: options.modelDir,
    device: options.device,
    graph: options.graph,
    threads: options.threads,
    maxNewTokens: options.maxNewTokens,
    runs: options.runs,
    log: options.log,
  };
  const peers = options.peers ?? [new SteerPeer()];
  const results: PeerResult[] = [];
  for (const peer of peers) results.push(await runPeer(peer, text, config));
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
    },
    settings: {
      modelDir: options.modelDir,
      device: options.device,
      graph: options.graph,
      runs: options.runs,
      maxNewTokens: options.maxNewTokens,
      input: options.inputFile ?? 'built-in sample',
    },
    peers: results,
  };
}

const f0 = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(0));
const f1 = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(1));

export function formatBenchSummary(r: BenchResults): string {
  const rows = r.peers.map(
    (p) =>
      `| ${p.name} | ${p.runtime} | ${f0(p.loadMs)} | ${f0(p.cold.promptTokens)} | ${f0(p.cold.prefillMs)} | ` +
      `${f1(p.cold.decodeTokensPerSecond)} | ${f0(p.cold.totalMs)} | ${f0(p.extra.resteerWithReuseMs)} | ` +
      `${f0(p.extra.resteerWithoutReuseMs)} | ${f0(p.extra.preview4BatchedMs)} | ${f0(p.extra.preview4SequentialMs)} | ${f0(p.peakRssMb)} |`,
  );
  return [
    `Benchmark ${r.date} — ${r.machine.cpuModel} (${r.machine.cpus} CPUs), ${r.machine.platform}-${r.machine.arch}, Node ${r.machine.node}`,
    `Input: ${r.settings.input}; ${r.settings.maxNewTokens} new tokens per summary; medians of ${r.settings.runs} runs.`,
    '',
    '| peer | runtime | load ms | prompt tokens | prefill ms | decode tok/s | cold summary ms | re-steer ms (reuse) | re-steer ms (no reuse) | preview×4 ms | 4 summaries one by one ms | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function writeBenchResults(r: BenchResults, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'results.json');
  const md = join(dir, 'results.md');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, `# Benchmark results\n\n${formatBenchSummary(r)}\n`);
  return [json, md];
}
