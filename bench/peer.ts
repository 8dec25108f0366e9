/**
 * What every benchmarked runtime implements. Each peer runs in its own process (bench/worker.ts) so that its
 * load time and peak memory are its own; the parent interleaves the peers' runs so that they share the
 * machine's load alike.
 */

export interface PeerConfig {
  modelDir: string;
  device: string;
  graph: string | null;
  /** Intra-op threads for every peer (the same number for all). */
  threads: number;
  maxNewTokens: number;
  runs: number;
  /** The document. */
  text: string;
  /** The base model's GGUF file for the llama.cpp peer, or null. */
  gguf: string | null;
}

export interface RunTimings {
  /** From the call to the last token. */
  totalMs: number;
  /** From the call to the first generated token (prefill + one decode step). */
  firstTokenMs: number;
  /** The peer's own prefill time where it reports one, else firstTokenMs. */
  prefillMs: number;
  /** (generated − 1) tokens / time from the first to the last token. */
  decodeTokensPerSecond: number;
  promptTokens: number;
  generatedTokens: number;
}

export interface PeerResult {
  name: string;
  /** What the peer ran on (runtime, graph or file, threads). */
  runtime: string;
  loadMs: number;
  /** Medians over the runs of a cold summary (no cache). */
  cold: RunTimings;
  /** Every cold run, in round order. */
  runs: RunTimings[];
  /** Peer-specific numbers (e.g. re-steering with and without prefix reuse). */
  extra: Record<string, number>;
  /** Peak resident memory of the peer's process after load and the cold runs. */
  peakRssMb: number;
}

export interface BenchPeer {
  readonly name: string;
  /** Loads the model; returns a description of the runtime in use. */
  load(config: PeerConfig): Promise<string>;
  /** One summary of `config.text` from a cold start (no reuse of earlier work), `maxNewTokens` long. */
  coldRun(config: PeerConfig): Promise<RunTimings>;
  /** Further measurements specific to this peer. */
  extra(config: PeerConfig, log: (line: string) => void): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

/** Timings from the token timestamps of one run. */
export function timingsFrom(
  start: number,
  tokenTimes: readonly number[],
  promptTokens: number,
  prefillMs?: number,
): RunTimings {
  const n = tokenTimes.length;
  const first = n > 0 ? tokenTimes[0]! : start;
  const last = n > 0 ? tokenTimes[n - 1]! : start;
  return {
    totalMs: last - start,
    firstTokenMs: first - start,
    prefillMs: prefillMs ?? first - start,
    decodeTokensPerSecond: n > 1 && last > first ? ((n - 1) * 1000) / (last - first) : 0,
    promptTokens,
    generatedTokens: n,
  };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A peer whose package is not installed (bench/peers) or that cannot run here; the reason is reported. */
export class PeerUnavailable extends Error {
  override name = 'PeerUnavailable';
}
