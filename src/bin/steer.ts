/**
 * The `steer` executable (dist/cli.js): the CLI's commands plus `steer bench`. The benchmarks are wired in
 * here, the one place that sees both, so that neither src/cli nor bench imports the other.
 */
import { benchCommand } from '../../bench/command';
import { main } from '../cli/main';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
void main(process.argv.slice(2), process, controller.signal, [benchCommand]).then((code) => {
  process.exitCode = code;
});
