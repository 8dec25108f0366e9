/**
 * Option parsing shared by the `steer` commands (the CLI's own and the benchmarks'): one usage error type
 * and one way of reading numbers and devices, so every command refuses bad options with the same messages.
 * Pure: no file or model access.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEVICE_REQUESTS, type DeviceRequest } from '../engine/devices';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function int(name: string, value: string | undefined, min: number, max = Infinity): number | null {
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

export function num(name: string, value: string | undefined, min: number, max = Infinity): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number in [${min}, ${max}], got "${value}".`);
  return n;
}

export function device(value: string | undefined): DeviceRequest {
  const d = (value ?? 'auto').toLowerCase();
  if (!(DEVICE_REQUESTS as readonly string[]).includes(d))
    throw new UsageError(`--device must be one of ${DEVICE_REQUESTS.join(', ')}, got "${value}".`);
  return d as DeviceRequest;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValue = string | boolean | (string | boolean)[] | undefined;
export type Parsed = { values: Record<string, OptionValue>; positionals: string[] };

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

/** Parses one command's options; at most `positionals` positional arguments. */
export function parse(argv: string[], options: OptionSpec, positionals: number): Parsed {
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

export const str = (v: OptionValue): string | undefined => (typeof v === 'string' ? v : undefined);
