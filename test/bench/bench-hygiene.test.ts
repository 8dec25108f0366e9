/**
 * The benchmark's hygiene: it refuses to measure while other work shares the cores unless told to (and then
 * says so), and its whole-file case is a real Markdown document of the size the speed targets name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/args';
import { BUSY_LOAD, busyReason } from '../../bench/bench';
import { WHOLE_FILE_WORDS, wholeMarkdownFile } from '../../bench/peers/steer';
import { looksLikeMarkdown } from '../../src/engine/markdown-prose';

test('a busy machine is refused with the load average and the way out; an idle one is measured', () => {
  const reason = busyReason([1.8, 1.2, 0.9], false);
  assert.match(reason ?? '', /load average is 1\.80/);
  assert.match(reason ?? '', /--allow-busy/);
  assert.equal(busyReason([BUSY_LOAD - 0.1, 2, 2], false), null);
  assert.equal(busyReason([1.8, 1.2, 0.9], true), null);
  assert.equal(parseBenchArgs(['--allow-busy']).allowBusy, true);
  assert.equal(parseBenchArgs([]).allowBusy, false);
});

test('the whole-file case is a Markdown document of about 5,000 words', () => {
  const file = wholeMarkdownFile();
  const words = file.split(/\s+/).filter((w) => w.length > 0).length;
  assert.ok(words >= WHOLE_FILE_WORDS && words < WHOLE_FILE_WORDS + 200, `${words} words`);
  assert.ok(looksLikeMarkdown(file));
});
