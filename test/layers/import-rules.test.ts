/**
 * The layers' import rules (eslint.config.mjs, docs/architecture.md "Layers"): `npm run lint` fails on a
 * file that imports across a layer, and passes the imports each layer is allowed. Runs the project's eslint
 * on crafted files given on stdin under a path inside each layer.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/helpers';

interface Lint {
  status: number | null;
  errors: string[];
}

function lint(file: string, imports: string[]): Lint {
  const source = `${imports.map((from, i) => `import * as m${i} from '${from}';`).join('\n')}
export const all = [${imports.map((_, i) => `m${i}`).join(', ')}];
`;
  const r = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
      '--stdin',
      '--stdin-filename',
      file,
      '-f',
      'json',
    ],
    { cwd: ROOT, input: source, encoding: 'utf8' },
  );
  const report = JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return {
    status: r.status,
    errors: report.flatMap((f) => f.messages.map((m) => `${m.ruleId}: ${m.message}`)),
  };
}

function refused(file: string, from: string, reason: RegExp): void {
  const r = lint(file, [from]);
  assert.equal(r.status, 1, `${file} importing ${from} must fail the lint`);
  assert.equal(r.errors.length, 1, r.errors.join('\n'));
  assert.match(r.errors[0]!, /^no-restricted-imports: /);
  assert.match(r.errors[0]!, reason);
}

test('the CLI and the benchmarks never import each other', () => {
  refused('src/cli/crafted.ts', '../../bench/bench', /no imports from bench\/\. \(the CLI\)/);
  refused('bench/crafted.ts', '../src/cli/args', /no imports from cli\/\. \(the benchmarks\)/);
});

test('the extension reaches the engine through its one entry, the webview not at all', () => {
  refused('src/extension/crafted.ts', '../engine/summarize', /through src\/engine\/extension-api\.ts only/);
  refused('src/extension/crafted.ts', '../engine', /through src\/engine\/extension-api\.ts only/);
  refused('src/webview/crafted.ts', '../engine/extension-api', /no imports from engine\/\. \(the webview/);
  refused('src/webview/crafted.ts', 'node:fs', /runs in the browser/);
});

test('the engine imports no layer above it, nor vscode', () => {
  refused('src/engine/crafted.ts', '../extension/config', /no imports from extension\/\. \(the engine/);
  refused('src/engine/generation/crafted.ts', '../../shared/paths', /no imports from shared\//);
  refused('src/engine/crafted.ts', 'vscode', /Only src\/extension may import vscode/);
});

test('the imports each layer is allowed pass', () => {
  const allowed: [string, string[]][] = [
    ['src/extension/crafted.ts', ['vscode', '../engine/extension-api', '../common/messages', './config']],
    ['src/webview/crafted.ts', ['../common/messages', './format']],
    ['src/cli/crafted.ts', ['../engine/model', '../shared/paths', './args']],
    ['bench/crafted.ts', ['../src/engine/session', '../src/shared/options', './registry']],
    ['src/bin/crafted.ts', ['../../bench/command', '../cli/main']],
  ];
  for (const [file, imports] of allowed)
    assert.deepEqual(lint(file, imports), { status: 0, errors: [] }, file);
});
