import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/args';
import { UsageError, parseCli } from '../../src/cli/args';
import { modelDir } from '../../src/shared/paths';

test('summarize arguments parse', () => {
  const a = parseCli([
    'summarize',
    'doc.txt',
    '--weights',
    'concise=0.6,faithful=0.4',
    '--preview',
    '3',
    '--device',
    'cpu',
    '-n',
    '40',
    '--json',
  ]);
  assert.equal(a.command, 'summarize');
  if (a.command !== 'summarize') return;
  assert.equal(a.input, 'doc.txt');
  assert.equal(a.weights, 'concise=0.6,faithful=0.4');
  assert.equal(a.preview, 3);
  assert.equal(a.device, 'cpu');
  assert.equal(a.maxNewTokens, 40);
  assert.equal(a.json, true);
  const b = parseCli(['summarize', '-']);
  assert.ok(b.command === 'summarize' && b.input === '-' && b.device === 'auto' && b.preview === null);
});

test('help, version, info, bench', () => {
  assert.equal(parseCli([]).command, 'help');
  assert.equal(parseCli(['--help']).command, 'help');
  assert.equal(parseCli(['summarize', '--help']).command, 'help');
  assert.equal(parseCli(['--version']).command, 'version');
  const bench = parseBenchArgs(['--runs', '2', '--device', 'cpu']);
  assert.ok(bench.runs === 2 && bench.maxNewTokens === 32);
  assert.equal(parseCli(['info', '--json']).command, 'info');
});

test('bench: peers, lengths, install', () => {
  const b = parseBenchArgs(['--peers', 'transformers,llamacpp-1thread', '--lengths', '--install-peers']);
  assert.deepEqual(b.peers, ['steer', 'transformers', 'llamacpp-1thread']); // our engine always runs
  assert.ok(b.lengths && b.installPeers && !b.maxNewTokensGiven);
  const d = parseBenchArgs(['-n', '64']);
  assert.ok(d.peers === null && !d.lengths && d.maxNewTokensGiven);
  assert.throws(() => parseBenchArgs(['--peers', 'vllm']), /unknown peer "vllm"/);
});

const bad: [string[], RegExp][] = [
  [['frobnicate'], /Unknown command "frobnicate"/],
  [['summarize', '--bogus'], /Unknown option '--bogus'/],
  [['summarize', '--preview', '0'], /--preview must be an integer from 1 to 8/],
  [['summarize', '--preview', 'x'], /--preview/],
  [['summarize', '--device', 'tpu'], /--device must be one of/],
  [['summarize', '--max-new-tokens', '-3'], /max-new-tokens/],
  [['summarize', '--top-p', '2'], /--top-p/],
  [['summarize', 'a.txt', 'b.txt'], /Unexpected argument "b.txt"/],
];
for (const [argv, message] of bad) {
  test(`usage error: ${argv.join(' ')}`, () => {
    assert.throws(
      () => parseCli(argv),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  });
}

test('model directory: flag, then STEER_MODEL_DIR, then the package default', () => {
  assert.equal(modelDir('/x/y', {}), '/x/y');
  assert.equal(modelDir(null, { STEER_MODEL_DIR: '/env/model' }), '/env/model');
  assert.match(modelDir(null, {}), /models[/\\]clp-smollm2-135m$/);
});
