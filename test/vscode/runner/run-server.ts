// Runs Steer's VS Code tests in a real VS Code with nothing downloaded: the VS Code server carried by the
// npm package code-server (installed in test/vscode/server by scripts/setup-vscode.sh), run with Node 24,
// and its web workbench driven by Debian's Chromium through playwright-core.
//
//   run-server.js --tests dist/test/vscode/suite [--extension .] [--workspace DIR]
//   run-server.js --ui dist/test/vscode/ui/smoke.ui.js [--extension .] [--workspace DIR]
//   run-server.js --install-vsix steer-0.1.0-linux-x64.vsix --tests dist/test/vscode/suite
//
// Exit code: the tests' (0 pass, 1 fail), 1 on a UI test failure, 2 on a harness error or timeout.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { HELP, HarnessError, parseOptions } from './server-options';
import {
  findInstallation,
  installVsix,
  killServer,
  makeDirs,
  printDiagnostics,
  repoRoot,
  startServer,
  streamFile,
  vscodeRemote,
  type Installation,
  type Server,
} from './server-process';
import { makeStubExtension } from './stub-extension';
import { makeUiContext, waitForWorkbench, type UiTestModule } from './workbench';

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
  // what failed, said again after the diagnostics so that the tail of a CI log names it
  let failure = '';
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
            failure = `UI test ${opts.ui ?? ''} failed: ${err instanceof Error ? err.message : String(err)}`;
            return 1;
          },
        );
    code = await Promise.race([work, serverDied, timeout]);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    console.error(`[runner] ${failure}`);
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
  if (code !== 0)
    console.log(`[runner] ${failure || `the tests in ${opts.tests ?? ''} failed: see their output above`}`);
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
