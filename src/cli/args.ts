/**
 * Command-line parsing for `steer`. Pure: no file or model access, so it is unit-tested directly.
 */
import type { DeviceRequest } from '../engine/devices';
import { MAX_WEIGHTINGS } from '../engine/protocol';
import type { Subcommand } from '../shared/command';
import { UsageError, device, int, num, parse, str } from '../shared/options';

export { UsageError };

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

export interface InfoArgs {
  command: 'info';
  model: string | null;
  json: boolean;
}

export type Args =
  SummarizeArgs | InfoArgs | { command: 'help'; topic: string | null } | { command: 'version' };

/** The help text; `subcommands` are those the executable adds (see src/shared/command.ts). */
export function helpText(subcommands: readonly Pick<Subcommand, 'usage' | 'help'>[] = []): string {
  return `steer — steerable summaries from a Conditional Language Policy model

Usage:
  steer summarize [FILE|-] [options]   summarize a text file (or stdin: "-" or a pipe); an HTML page,
                                       a Jupyter notebook or a LaTeX source is read as the text it shows,
                                       a JSON, YAML, TOML or INI configuration file as its settings,
                                       source code without the licence its header states
  steer info [--model DIR] [--json]     show the model's objectives, presets and files
${subcommands.map((c) => `  ${c.usage}\n`).join('')}  steer --help | --version

Summarize options:
  -w, --weights SPEC        objective weights, e.g. concise=0.6,faithful=0.4 (missing objectives get 0;
                            normalised to sum 1), or a preset name; default: the model's default weights
  -p, --preview K           K summaries (1 to 8) for K weightings spread over the objectives (around --weights),
                            decoded together as one batch from one reading of the document
      --device D            auto (default: a GPU if one works, else cpu) | cpu | gpu | cuda | dml | coreml | webgpu
      --graph G             graph variant: fast (fused, 4-bit; default on cpu) | quantized | float32
                            (default on a GPU) | fused_float32
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

${subcommands.map((c) => `${c.help}\n`).join('')}Exit status: 0 ok; 2 bad usage, weights or options; 3 model missing or broken; 4 input empty, binary,
unreadable or too long; 5 inference or device failure; 130 cancelled.
`;
}

/** `subcommands`: names of the commands the executable adds, for the message on an unknown command. */
export function parseCli(argv: string[], subcommands: readonly string[] = []): Args {
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

  if (command === 'info') {
    const { values: v } = parse(
      rest,
      { model: { type: 'string', short: 'm' }, json: { type: 'boolean' } },
      0,
    );
    return { command: 'info', model: str(v.model) ?? null, json: v.json === true };
  }

  const names = ['summarize', 'info', ...subcommands];
  throw new UsageError(
    `Unknown command "${command}"; use ${names.slice(0, -1).join(', ')} or ${names.at(-1)}. See "steer --help".`,
  );
}
