// The same suites in desktop VS Code through @vscode/test-electron, for machines that can download VS Code
// (this one cannot: there run-server.ts is the way).
//
//   run-electron.js --tests dist/test/vscode/suite [--extension .] [--workspace DIR] [--install-vsix FILE]
//
// STEER_VSCODE_VERSION picks the VS Code version (default: the oldest the extension supports, 1.90.0).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { makeStubExtension } from './stub-extension';
import {
  downloadAndUnzipVSCode,
  resolveCliArgsFromVSCodeExecutablePath,
  runTests,
  TestRunFailedError,
} from '@vscode/test-electron';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      tests: { type: 'string' },
      extension: { type: 'string' },
      workspace: { type: 'string' },
      'install-vsix': { type: 'string' },
    },
  });
  if (!values.tests)
    throw new Error(
      'usage: run-electron.js --tests PATH [--extension DIR] [--workspace DIR] [--install-vsix FILE]',
    );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steer-electron-'));
  const workspace = values.workspace ? path.resolve(values.workspace) : path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const extensionsDir = path.join(tmp, 'extensions');
  const vscodeExecutablePath = await downloadAndUnzipVSCode(process.env.STEER_VSCODE_VERSION ?? '1.90.0');

  let extensionDevelopmentPath = path.resolve(values.extension ?? '.');
  const vsix = values['install-vsix'];
  if (vsix) {
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    const args = [
      ...cliArgs,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      path.resolve(vsix),
      '--force',
    ];
    const result = spawnSync(cli ?? '', args, { stdio: 'inherit', shell: process.platform === 'win32' });
    if (result.status !== 0) throw new Error(`installing ${vsix} failed (exit ${result.status})`);
    extensionDevelopmentPath = makeStubExtension(tmp);
  }

  // The desktop extension host's output reaches our stdout directly, so STEER_TEST_LOG is not needed here.
  return runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath,
    extensionTestsPath: path.resolve(values.tests),
    launchArgs: [
      workspace,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      path.join(tmp, 'user-data'),
      '--disable-workspace-trust',
      '--skip-welcome',
      '--disable-gpu',
    ],
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[run-electron] ${err instanceof Error ? err.message : String(err)}`);
    // runTests rejects with the VS Code process's exit code when tests fail.
    process.exit(err instanceof TestRunFailedError ? (err.code ?? 1) : 1);
  },
);
