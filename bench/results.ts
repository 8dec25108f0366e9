/**
 * The benchmark's results: their shape, the summary printed on the terminal, and results.json and
 * results.md with how they were measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bandwidth } from './bandwidth';
import type { PeerResult } from './peer';

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
    /** Whether the load average before was above BUSY_LOAD (measured with --allow-busy). */
    busy: boolean;
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

const f0 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(0));
const f1 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const f2 = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(2));
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Our model on llama.cpp (LoRA adapters), where that peer ran: its change of weights alone. */
function clpOnLlamaCpp(r: BenchResults): string[] {
  const p = r.peers.find((q) => q.name === 'llama.cpp + CLP adapters');
  if (!p?.extra.resteerMs) return [];
  return [
    '',
    'Our model on llama.cpp (CLP deltas as LoRA adapters):',
    `- change of weights alone to the concise vertex (prompt kept in its cache, adapters set anew): ${f0(p.extra.resteerMs)} ms for ${f0(p.extra.resteerTokens)} tokens; ` +
      `a cold summary ${f0(p.cold.totalMs)} ms for ${f0(p.cold.generatedTokens)}`,
  ];
}

export function formatBenchSummary(r: BenchResults): string {
  const rows = r.peers.map(
    (p) =>
      `| ${p.name} | ${f0(p.loadMs)} | ${f0(p.cold.promptTokens)} | ${f0(p.cold.firstTokenMs)} | ` +
      `${f1(p.cold.decodeTokensPerSecond)} | ${f0(p.cold.totalMs)} | ${f0(p.peakRssMb)} |`,
  );
  const e = r.peers.find((p) => p.name === 'steer-engine')?.extra ?? {};
  const lines = [
    `Benchmark ${r.date} — ${r.machine.cpuModel} (${r.machine.cpus} CPUs), ${r.machine.platform}-${r.machine.arch}, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAverageBefore[0]} before, ${r.machine.loadAverageAfter[0]} after` +
      `${r.machine.busy ? ' (BUSY: other work shared the cores; measured with --allow-busy, ratios unreliable)' : ''}.`,
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
    `- a whole ${f0(e.wholeFileWords)}-word Markdown file (its salient passages, in one pass), as a user gets it: first token ${f0(e.wholeFileFirstTokenMs)} ms, finished ${f0(e.wholeFileTotalMs)} ms`,
    `- peak RSS after these (prefix cache, batch of 4, the whole file): ${f0(e.peakRssAfterExtrasMb)} MB`,
    ...clpOnLlamaCpp(r),
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
  cold runs; where one row decodes alone it checks drafts copied from the document in one run (prompt
  lookup, bench/prompt-lookup.md): the same tokens from fewer runs, so its decode tok/s are tokens delivered
  per second, and they depend on how much of the summary repeats the document. llama.cpp and transformers.js
  decode one token per run.
- transformers.js runs our graph itself: a temporary folder with a Llama config.json and onnx/model.onnx
  linked to the graph, loaded offline by AutoModelForCausalLM; its session is wrapped so that transformers.js
  sees the standard inputs and every run gets \`clp_weights\` (the default weighting per batch row). Once
  with its default session options (spinning threads) and once with ours (no spinning), same thread count.
- llama.cpp runs the base model's Q4_1 GGUF (no CLP deltas, its own kernels): a reference point for the
  runtime, not the same computation. llama.cpp's threads busy-wait; on a busy machine its 2-thread run
  collapses, so a 1-thread run is shown too.
- Re-steer: a summary after a change of weights alone (prefix cache hit: decoding only) against the same
  summary with a cold prefill (the same weighting, so the same tokens and the same drafts). Preview: 4 weightings from one prefill decoded as one batch, against the 4
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
