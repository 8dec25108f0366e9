/**
 * What every benchmarked runtime implements. Our engine is one peer; others (transformers.js on the same
 * graph, node-llama-cpp on the base GGUF) are added as further files in peers/ and listed in bench.ts.
 */

export interface PeerConfig {
  modelDir: string;
  device: string;
  graph: string | null;
  threads: number | null;
  maxNewTokens: number;
  runs: number;
  log: (line: string) => void;
}

export interface RunTimings {
  totalMs: number;
  prefillMs: number;
  decodeTokensPerSecond: number;
  promptTokens: number;
  generatedTokens: number;
}

export interface PeerResult {
  name: string;
  /** What the peer ran on (provider, graph or file). */
  runtime: string;
  loadMs: number;
  /** Medians over the runs of a cold summary (no cache). */
  cold: RunTimings;
  /** Peer-specific numbers (e.g. re-steering with and without prefix reuse). */
  extra: Record<string, number>;
  peakRssMb: number;
}

export interface BenchPeer {
  readonly name: string;
  /** Loads the model; returns a description of the runtime in use. */
  load(config: PeerConfig): Promise<string>;
  /** One summary of `text` from a cold start (no reuse of earlier work). */
  coldRun(text: string, config: PeerConfig): Promise<RunTimings>;
  /** Further measurements specific to this peer. */
  extra(text: string, config: PeerConfig): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}
