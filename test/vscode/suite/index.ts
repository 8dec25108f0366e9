// The extension-tests entry point (VS Code's extensionTestsPath contract: a module exporting run()).
// It runs every *.test.js bundled next to it with mocha, inside the extension host.
//
// The extension host's stdout does not reach the terminal that started VS Code (in the browser-hosted
// server it goes to the page's console), so the reporter's output is also appended to the file named by
// STEER_TEST_LOG, which test/vscode/runner/run-server.ts streams to its own stdout. (Tests' and the
// extension's own console output go to the page's console; the runner prints it when a run fails.)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
// mocha stays external to the bundle (it loads reporters and test files with require at run time) and is
// resolved from the repository's node_modules.
import Mocha from 'mocha';

// Model inference on a CPU can take most of a minute for one summary.
const TEST_TIMEOUT_MS = 120_000;

export function run(): Promise<void> {
  const logFile = process.env.STEER_TEST_LOG;
  // The extension host's console cannot be replaced (its methods are getters with no-op setters), so the
  // reporter's own print function is: every built-in reporter prints through Base.consoleLog.
  const print = (...args: unknown[]): void => {
    console.log(...args);
    if (logFile) fs.appendFileSync(logFile, format(...args) + '\n');
  };
  Mocha.reporters.Base.consoleLog = print;

  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: TEST_TIMEOUT_MS,
    slow: 10_000,
    grep: process.env.STEER_TEST_GREP,
  });
  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const name of files) mocha.addFile(path.join(__dirname, name));
  if (files.length === 0) {
    return Promise.reject(new Error(`no *.test.js files in ${__dirname}`));
  }

  return new Promise<void>((resolve, reject) => {
    let runner: Mocha.Runner | undefined;
    try {
      runner = mocha.run((failures) => {
        const { passes = 0, pending = 0 } = runner?.stats ?? {};
        // A plain closing line that CI log readers recognise, whatever mocha's own summary looks like.
        print(`${passes} passed, ${failures} failed` + (pending ? `, ${pending} skipped` : ''));
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // A test file that throws while loading makes run() throw: report it as a failure.
      print(`failed to load the tests: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
