/** Error paths of the `steer` CLI, run as a child process (dist/cli.js must be built). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, manifestJson } from '../support/helpers';

const work = mkdtempSync(join(tmpdir(), 'steer-cli-'));
// A model directory with a manifest only: enough for everything checked before the graph is loaded.
const manifestOnly = join(work, 'manifest-only');
mkdirSync(manifestOnly);
writeFileSync(join(manifestOnly, 'manifest.json'), JSON.stringify(manifestJson()));
const doc = join(work, 'doc.txt');
writeFileSync(doc, 'The council met on Tuesday and voted to build a library.\n');

function steer(args: string[], input?: string | Buffer, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, STEER_MODEL_DIR: '', ...env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectError(r: ReturnType<typeof steer>, status: number, message: RegExp): void {
  assert.equal(r.status, status, `exit status (stderr: ${r.stderr})`);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.match(r.stderr, /^steer: /);
}

test('--help and --version', () => {
  const h = steer(['--help']);
  assert.equal(h.status, 0);
  assert.match(h.stdout, /steer summarize \[FILE\|-\]/);
  assert.match(h.stdout, /--preview K/);
  assert.match(steer(['--version']).stdout, /^steer \d+\.\d+\.\d+/);
});

test('missing model', () => {
  expectError(
    steer(['summarize', doc, '--model', join(work, 'nope')]),
    3,
    /No model at .*nope.*npm run setup/,
  );
  expectError(
    steer(['summarize', doc], undefined, { STEER_MODEL_DIR: join(work, 'absent') }),
    3,
    /No model at .*absent/,
  );
});

test('model without its graph', () => {
  expectError(
    steer(['summarize', doc, '--model', manifestOnly, '--device', 'cpu']),
    3,
    /tokenizer .* missing|graph .* missing/,
  );
});

test('bad weights', () => {
  expectError(
    steer(['summarize', doc, '--model', manifestOnly, '--weights', 'brevity=1']),
    2,
    /Unknown objective "brevity"/,
  );
  expectError(steer(['summarize', doc, '--model', manifestOnly, '--weights', 'concise=-1']), 2, /negative/);
  expectError(
    steer(['summarize', doc, '--model', manifestOnly, '--weights', 'concise=0,faithful=0']),
    2,
    /All weights are zero/,
  );
  expectError(
    steer(['summarize', doc, '--model', manifestOnly, '--weights', 'concise=abc']),
    2,
    /must be a number/,
  );
  expectError(
    steer(['summarize', doc, '--model', manifestOnly, '--weights', 'concise=nan']),
    2,
    /must be a number/,
  );
});

test('empty input', () => {
  const empty = join(work, 'empty.txt');
  writeFileSync(empty, '  \n\n ');
  expectError(steer(['summarize', empty, '--model', manifestOnly]), 4, /empty/);
  expectError(steer(['summarize', '-', '--model', manifestOnly], ''), 4, /empty/);
});

test('unreadable and binary files', () => {
  expectError(
    steer(['summarize', join(work, 'missing.txt'), '--model', manifestOnly]),
    4,
    /Cannot read .*missing\.txt: no such file/,
  );
  expectError(steer(['summarize', work, '--model', manifestOnly]), 4, /is a directory/);
  const bin = join(work, 'image.png');
  writeFileSync(bin, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
  expectError(steer(['summarize', bin, '--model', manifestOnly]), 4, /binary data/);
  expectError(
    steer(['summarize', '-', '--model', manifestOnly], Buffer.from([0xff, 0xfe, 0x00, 0x41])),
    4,
    /standard input looks like binary/,
  );
  if (process.getuid?.() !== 0) {
    const locked = join(work, 'locked.txt');
    writeFileSync(locked, 'text');
    chmodSync(locked, 0o000);
    expectError(steer(['summarize', locked, '--model', manifestOnly]), 4, /permission denied/);
  }
});

test('bad usage', () => {
  expectError(steer(['summarize', doc, '--preview', '0']), 2, /--preview/);
  expectError(steer(['summarise', doc]), 2, /Unknown command "summarise"/);
  expectError(steer(['summarize', doc, '--device', 'tpu']), 2, /--device must be one of/);
  expectError(steer(['summarize', doc, '--frobnicate']), 2, /Unknown option/);
});
