// The command line of run-server.ts: its modes and options, and the error type for harness problems.
import * as path from 'node:path';
import { parseArgs } from 'node:util';

export const HELP = `Usage: node dist/test/vscode/runner/run-server.js MODE [options]
Modes (one of):
  --tests PATH         run the mocha suites at PATH (extensionTestsPath) in the extension host
  --ui MODULE          load the workbench, then call MODULE's run(page, ctx)
Options:
  --extension DIR      extension development path (default: the repository root)
  --install-vsix FILE  install FILE into a fresh extensions dir and test it instead of --extension
  --workspace DIR      folder to open (default: a fresh empty temp folder)
  --timeout MIN        give up after MIN minutes (default 20)
  --keep               keep the temp dir (server logs, user data) for inspection
Environment: STEER_VSCODE_SERVER_MODULES (test/vscode/server/node_modules), STEER_CHROMIUM (/usr/bin/chromium)`;

export interface Options {
  tests?: string;
  ui?: string;
  extension?: string;
  installVsix?: string;
  workspace?: string;
  timeoutMs: number;
  keep: boolean;
}

/** Thrown for harness problems (exit 2), as opposed to failing tests (exit 1). */
export class HarnessError extends Error {}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      tests: { type: 'string' },
      ui: { type: 'string' },
      extension: { type: 'string' },
      'install-vsix': { type: 'string' },
      workspace: { type: 'string' },
      timeout: { type: 'string', default: '20' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (!values.tests === !values.ui) throw new HarnessError(`give exactly one of --tests and --ui\n${HELP}`);
  if (values.extension && values['install-vsix'])
    throw new HarnessError('--extension and --install-vsix exclude each other');
  const minutes = Number(values.timeout);
  if (!(minutes > 0)) throw new HarnessError(`--timeout must be a positive number of minutes`);
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(p));
  return {
    tests: abs(values.tests),
    ui: abs(values.ui),
    extension: abs(values.extension),
    installVsix: abs(values['install-vsix']),
    workspace: abs(values.workspace),
    timeoutMs: minutes * 60_000,
    keep: values.keep ?? false,
  };
}
