/**
 * A `steer` subcommand that lives outside src/cli (the benchmarks): the CLI runs it with its own error
 * handling and exit statuses, and the executable (src/bin/steer.ts) hands it over, so the CLI never imports
 * the benchmarks and the benchmarks never import the CLI.
 */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Subcommand {
  name: string;
  /** One line for the help's usage list, e.g. `steer bench [options]   measure ...`. */
  usage: string;
  /** The help's section on its options. */
  help: string;
  /** Returns the exit status; usage errors and engine errors are thrown (the CLI maps them). */
  run(argv: string[], io: Io, signal: AbortSignal): Promise<number>;
}
