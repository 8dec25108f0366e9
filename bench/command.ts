/**
 * `steer bench`: the speed benchmark against its peers, or the summary-length check. A subcommand the
 * executable (src/bin/steer.ts) adds to the CLI, so the CLI itself never imports the benchmarks.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadManifest } from '../src/engine/manifest';
import type { Io, Subcommand } from '../src/shared/command';
import { modelDir, packageRoot } from '../src/shared/paths';
import { BENCH_HELP, BENCH_USAGE, parseBenchArgs, type BenchArgs } from './args';
import { busyReason, runBench } from './bench';
import { installPeers } from './install-peers';
import { formatLengths, runLengths, writeLengths } from './lengths';
import { formatBenchSummary, writeBenchResults } from './results';

/** Exit status when the machine is too busy to measure (as for an unusable input: try again later). */
const BUSY_EXIT = 4;

async function runBenchCommand(args: BenchArgs, io: Io): Promise<number> {
  const dir = modelDir(args.model);
  loadManifest(dir); // a missing or broken model fails here, with its exit status
  const log = (line: string): void => void io.stderr.write(`steer bench: ${line}\n`);
  const out = args.out ?? join(packageRoot(), 'bench');
  if (args.installPeers) await installPeers(log);
  if (args.lengths) {
    const r = await runLengths({
      modelDir: dir,
      inputFile: args.input,
      device: args.device,
      graph: args.graph,
      threads: args.threads,
      maxNewTokens: args.maxNewTokensGiven ? args.maxNewTokens : null,
      log,
    });
    const files = writeLengths(r, out);
    if (args.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else io.stdout.write(`${formatLengths(r)}\nWrote ${files.join(', ')}\n`);
    return 0;
  }
  const busy = busyReason(loadavg(), args.allowBusy);
  if (busy) {
    log(busy);
    return BUSY_EXIT;
  }
  const results = await runBench({
    modelDir: dir,
    device: args.device,
    graph: args.graph,
    threads: args.threads,
    runs: args.runs,
    maxNewTokens: args.maxNewTokens,
    inputFile: args.input,
    allowBusy: args.allowBusy,
    ...(args.peers ? { peers: args.peers } : {}),
    ...(args.gguf ? { gguf: args.gguf } : {}),
    log,
  });
  const files = writeBenchResults(results, out);
  if (args.json) io.stdout.write(`${JSON.stringify(results)}\n`);
  else io.stdout.write(`${formatBenchSummary(results)}\nWrote ${files.join(', ')}\n`);
  return 0;
}

export const benchCommand: Subcommand = {
  name: 'bench',
  usage: BENCH_USAGE,
  help: BENCH_HELP,
  run: (argv, io) => runBenchCommand(parseBenchArgs(argv), io),
};
