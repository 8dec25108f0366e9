// Bundles everything with esbuild: the CLI, engine and engine process (Node), the extension (Node, `vscode`
// external), the webview (browser), and with `--tests` the test bundles. onnxruntime-node stays external:
// it loads its native binary from node_modules.
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The files of `dir` ending in `suffix` (Node 20 has no fs.globSync). */
const files = (dir, suffix) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .map((f) => join(dir, f))
    : [];

const withTests = process.argv.includes('--tests');
/**
 * The unit tests' folders: test/<layer>/ mirrors src/<layer>/ (and bench/), each bundled to
 * dist/test/<layer>/; test/vscode runs inside VS Code and is bundled on its own below.
 */
const unitTestDirs = readdirSync('test', { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'vscode')
  .map((d) => join('test', d.name));
// The test runs glob dist/test: a test moved or deleted since the last build must not run from an old bundle.
if (withTests) rmSync(join('dist', 'test'), { recursive: true, force: true });
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['onnxruntime-node', 'vscode', 'mocha'],
  sourcemap: true,
  logLevel: 'warning',
  // The rule data shared with the Python training code (rules/*.txt) is bundled as text.
  loader: { '.txt': 'text' },
};

const jobs = [
  build({
    ...node,
    entryPoints: {
      cli: 'src/bin/steer.ts',
      engine: 'src/engine/index.ts',
      'engine-host': 'src/engine/host-main.ts',
      'bench-worker': 'bench/worker.ts',
      'eval-generate': 'bench/eval-generate.ts',
      'bench-lookup': 'bench/prompt-lookup.ts',
      extension: 'src/extension/main.ts',
    },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: true,
    logLevel: 'warning',
    entryPoints: ['src/webview/steering.ts'],
    outfile: 'dist/webview/steering.js',
  }),
];
if (withTests) {
  jobs.push(
    build({
      ...node,
      entryPoints: unitTestDirs.flatMap((d) => files(d, '.test.ts')),
      outbase: 'test',
      outdir: 'dist/test',
    }),
    build({
      ...node,
      entryPoints: ['suite', 'ui', 'runner'].flatMap((d) => files(`test/vscode/${d}`, '.ts')),
      outbase: 'test/vscode',
      outdir: 'dist/test/vscode',
      external: [...node.external, 'playwright-core', '@vscode/test-electron'],
    }),
  );
}
await Promise.all(jobs);
// The extension host must never load onnxruntime: inference belongs to the engine process.
if (/require\("onnxruntime-node"\)/.test(readFileSync('dist/extension.js', 'utf8')))
  throw new Error('dist/extension.js loads onnxruntime-node: import engine modules that do not need it');
chmodSync('dist/cli.js', 0o755);
