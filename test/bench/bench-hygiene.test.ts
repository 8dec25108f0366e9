/**
 * The benchmark's hygiene: it refuses to measure while other work shares the cores unless told to (and then
 * says so), and its whole-file case is a real Markdown document of the size the speed targets name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/args';
import { BUSY_LOAD, busyReason } from '../../bench/bench';
import { PeerUnavailable } from '../../bench/peer';
import { LlamaCppClpPeer, llamaCppExportDir } from '../../bench/peers/llamacpp-clp';
import { DEFAULT_PEERS } from '../../bench/registry';
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

test('our model on llama.cpp is skipped with the export command when the model has no llama.cpp export', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'steer-no-export-'));
  const peer = new LlamaCppClpPeer();
  const config = {
    modelDir: dir,
    device: 'cpu',
    graph: null,
    threads: 1,
    maxNewTokens: 4,
    runs: 1,
    text: 'x',
    gguf: null,
  };
  await assert.rejects(peer.load(config), (e: unknown) => {
    assert.ok(e instanceof PeerUnavailable);
    assert.match(e.message, /steer_train\.export_gguf --model-dir .* --out .*llama-cpp/);
    return true;
  });
  assert.equal(llamaCppExportDir(dir), join(dir, 'llama-cpp'));
  assert.ok(DEFAULT_PEERS.includes('llamacpp-clp'));
});
