/** The `steer` CLI end to end on the tiny model (skipped when it has not been built). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, SKIP_NO_MODEL, TINY_DIR } from '../support/helpers';

const work = mkdtempSync(join(tmpdir(), 'steer-cli-model-'));
const doc = join(work, 'doc.txt');
writeFileSync(doc, 'The council met on Tuesday and voted to build a library in the north district.\n');

function steer(args: string[], input = '') {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, STEER_MODEL_DIR: TINY_DIR },
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('steer CLI on the tiny model', { skip: SKIP_NO_MODEL }, () => {
  test('summarize --json prints {"summary": ...}', () => {
    const r = steer([
      'summarize',
      doc,
      '--json',
      '--device',
      'cpu',
      '-n',
      '6',
      '--weights',
      'concise=0.6,faithful=0.4',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      summary: string;
      weights: Record<string, number>;
      device: string;
      graph: string;
    };
    assert.equal(typeof out.summary, 'string');
    assert.deepEqual(out.weights, { concise: 0.6, faithful: 0.4, complete: 0 });
    assert.equal(out.device, 'cpu');
    assert.equal(out.graph, 'fast');
  });

  test('summarize --preview K --json prints K weightings spread over the objectives', () => {
    const r = steer(
      ['summarize', '-', '--json', '--preview', '3', '--device', 'cpu', '-n', '4', '--graph', 'float32'],
      'Some text to summarize here.',
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { summaries: { weights: Record<string, number>; summary: string }[] };
    assert.equal(out.summaries.length, 3);
    const keys = new Set(out.summaries.map((s) => JSON.stringify(s.weights)));
    assert.equal(keys.size, 3);
    for (const s of out.summaries) {
      assert.equal(typeof s.summary, 'string');
      const total = Object.values(s.weights).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(total - 1) < 1e-6);
    }
  });

  test('plain summarize streams text to stdout; a preset name works as weights', () => {
    // the tiny model is random: without grounding, its text is shown as it comes
    const r = steer([
      'summarize',
      doc,
      '--device',
      'cpu',
      '-n',
      '4',
      '--weights',
      'Headline',
      '-q',
      '--no-grounding',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.endsWith('\n'));
    assert.equal(r.stderr, '');
  });

  test('input over --max-input-tokens is a clear error', () => {
    const r = steer(['summarize', doc, '--device', 'cpu', '--max-input-tokens', '5']);
    assert.equal(r.status, 4);
    assert.match(r.stderr, /^steer: The document is too long \(\d+ tokens; the limit is 5\)/);
  });

  test('info lists the objectives', () => {
    const r = steer(['info']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /objectives\s+concise \(Concise\), faithful \(Faithful\), complete \(Complete\)/);
  });
});
