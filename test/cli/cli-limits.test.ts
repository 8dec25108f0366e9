/** The CLI's limits: negative numbers are clear usage errors, --preview is capped, huge input fails before loading. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/args';
import { UsageError, parseCli } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import { manifestJson } from '../support/helpers';

test('a negative number is a clear error, not "argument is ambiguous"', () => {
  for (const argv of [
    ['summarize', '-n', '-1'],
    ['summarize', '--max-new-tokens', '-1'],
    ['summarize', 'doc.txt', '-n', '-5'],
  ])
    assert.throws(
      () => parseCli(argv),
      (e: unknown) =>
        e instanceof UsageError &&
        /--max-new-tokens must be an integer ≥ 1, got "-\d"/.test(e.message) &&
        !/ambiguous/.test(e.message),
      argv.join(' '),
    );
  assert.throws(() => parseCli(['summarize', '--temperature', '-0.5']), /--temperature must be a number/);
  assert.throws(() => parseBenchArgs(['--runs', '-2']), /--runs must be an integer ≥ 1, got "-2"/);
  const ok = parseCli(['summarize', '-', '-n', '12']);
  assert.ok(ok.command === 'summarize' && ok.maxNewTokens === 12 && ok.input === '-');
});

test('--preview is capped at 8 weightings', () => {
  assert.throws(() => parseCli(['summarize', '--preview', '9']), /--preview must be an integer from 1 to 8/);
  assert.throws(() => parseCli(['summarize', '-p', '1000000']), /from 1 to 8/);
  const p = parseCli(['summarize', '--preview', '8']);
  assert.ok(p.command === 'summarize' && p.preview === 8);
});

test('a 5 MB input is refused before the model is loaded', async () => {
  const work = mkdtempSync(join(tmpdir(), 'steer-cli-limits-'));
  // a manifest without graphs: loading the model would fail (exit 3), so exit 4 shows it was never tried
  const model = join(work, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'manifest.json'), JSON.stringify(manifestJson()));
  const file = join(work, 'big.txt');
  writeFileSync(file, 'The council met again on Tuesday. '.repeat(150_000));
  let err = '';
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        f(chunk.toString());
        done();
      },
    });
  const t0 = Date.now();
  const code = await main(['summarize', file, '--model', model, '-q'], {
    stdout: sink(() => undefined),
    stderr: sink((s) => (err += s)),
  });
  assert.equal(code, 4, err);
  assert.match(err, /too long \(5100000 characters/);
  assert.ok(Date.now() - t0 < 3000, `refused in ${Date.now() - t0} ms`);
});
