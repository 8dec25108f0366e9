/**
 * The engine against the tiny random model (models/tiny-random): reference tokens, batching, prefix
 * reuse, cancellation, chunking, streaming. Skipped when the tiny model has not been built.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probeBatchInvariance } from '../../src/engine/batch-probe';
import { generateBatch } from '../../src/engine/decode';
import { BinaryInput, Cancelled, EmptyInput, InputTooLarge } from '../../src/engine/errors';
import { RowBatch } from '../../src/engine/decode-batch';
import { KvCache } from '../../src/engine/kvcache';
import { loadModel, type Model } from '../../src/engine/model';
import { TextStreamer } from '../../src/engine/tokenizer';
import { buildPrompt } from '../../src/engine/prompt';
import { summarizeStream } from '../../src/engine/stream';
import { preview, previewDetailed, summarize, type ProgressEvent } from '../../src/engine/summarize';
import { prefill } from '../../src/engine/decode';
import { normaliseWeights } from '../../src/engine/weights';
import type { WeightRecord } from '../../src/engine/manifest';
import {
  GREEDY,
  type Reference,
  SKIP_NO_MODEL,
  TINY_DIR,
  limitedGenerator,
  referenceDecoding,
  tinyVariant,
} from '../support/helpers';

const DOC =
  'The city council voted on Tuesday to build a new library in the north district. The project will cost ' +
  "12 million dollars and should open in 2027. Mayor Lena Ortiz said the library would include a children's " +
  'wing and a makerspace. Some residents objected to the loss of a parking lot.';
const W: WeightRecord[] = [{ concise: 1 }, { faithful: 1 }, { complete: 1 }, { concise: 0.5, faithful: 0.5 }];

describe('tiny model', { skip: SKIP_NO_MODEL }, () => {
  let f32: Model;
  let quant: Model;

  before(async () => {
    f32 = await loadModel(TINY_DIR, { device: 'cpu', graph: 'float32', threads: 1 });
    quant = await loadModel(TINY_DIR, { device: 'cpu', graph: 'quantized', threads: 1 });
  });
  after(async () => {
    await f32?.dispose();
    await quant?.dispose();
  });

  test('loads on cpu (the cpu default, the fused graph: fused-graph.test.ts)', () => {
    assert.equal(f32.device, 'cpu');
    assert.equal(f32.graph, 'float32');
    assert.equal(quant.graph, 'quantized');
    assert.equal(quant.id, 'tiny-random');
  });

  test('device auto falls back to cpu and says why', async () => {
    const m = await loadModel(TINY_DIR, { device: 'auto', threads: 1 });
    try {
      if (m.device === 'cpu') assert.ok(m.deviceNote && m.deviceNote.length > 0, 'a reason for the fallback');
      assert.ok(m.deviceAttempts.length >= 1);
    } finally {
      await m.dispose();
    }
  });

  test(
    'prompts and greedy tokens equal the Python reference',
    { skip: !existsSync(join(TINY_DIR, 'reference_tokens.json')) },
    async () => {
      const refs = JSON.parse(readFileSync(join(TINY_DIR, 'reference_tokens.json'), 'utf8')) as Reference[];
      assert.ok(refs.length > 0);
      let exact = 0;
      for (const ref of refs) {
        if (ref.document !== undefined)
          assert.equal(buildPrompt(f32.manifest, ref.document, ref.weights), ref.prompt_text);
        const ids = f32.tokenizer.encode(ref.prompt_text);
        if (ref.prompt_tokens) assert.deepEqual(ids, ref.prompt_tokens, 'prompt tokens');
        const { rows } = await generateBatch(
          f32,
          [{ promptIds: ids, weights: ref.weights }],
          referenceDecoding(f32, ref),
        );
        assert.deepEqual(rows[0]!.tokens, ref.tokens, `weights ${ref.weights.join(',')}`);
        exact++;
      }
      assert.equal(exact, refs.length);
    },
  );

  test('a preview batch gives each weighting the tokens it gets alone (greedy, token-exact)', async () => {
    const opts = { maxNewTokens: 12, sampling: GREEDY };
    const batch = await preview(f32, DOC, W, opts);
    for (let i = 0; i < W.length; i++) {
      const alone = await summarize(f32, DOC, { ...opts, weights: W[i]! });
      assert.deepEqual(batch[i]!.tokens, alone.tokens, `weighting ${i}`);
      assert.equal(batch[i]!.summary, alone.summary);
      assert.deepEqual(batch[i]!.weights, alone.weights);
    }
    // the weights steer: not every weighting gives the same tokens
    assert.ok(new Set(batch.map((b) => b.tokens.join(','))).size > 1, 'weights change the output');
  });

  test('rows that finish early leave the batch without changing the others', async () => {
    const manifest = f32.manifest;
    const ids = f32.tokenizer.encode(buildPrompt(manifest, DOC, [1, 0, 0]));
    const rowsW = W.slice(0, 3).map((w) => normaliseWeights(manifest.objectives, w).vector);
    const base = await prefill(f32, ids.slice(0, -1), [manifest.objectives.map(() => 0)]);
    const limits = [3, 10, 6];
    const run = async (rows: number[], lim: number[]): Promise<number[][]> => {
      const gen = limitedGenerator(
        f32,
        new RowBatch(f32.runner, base.expand(rows.length)),
        ids[ids.length - 1]!,
        rows.map((r) => rowsW[r]!),
        lim,
      );
      while (!gen.isDone()) await gen.generateNextToken();
      return gen.sequences;
    };
    const together = await run([0, 1, 2], limits);
    for (let r = 0; r < 3; r++) {
      const [alone] = await run([r], [limits[r]!]);
      assert.equal(together[r]!.length, limits[r]);
      assert.deepEqual(together[r], alone, `row ${r}`);
    }
  });

  test('reusing a prefill gives the tokens of a cold run', async () => {
    f32.prefixCache.clear();
    const opts = { maxNewTokens: 10, sampling: GREEDY };
    const first = await summarize(f32, DOC, { ...opts, weights: W[0]! });
    assert.equal(first.timings.prefixReused, false);
    const hits = f32.prefixCache.hits;
    const warm = await summarize(f32, DOC, { ...opts, weights: W[1]! });
    assert.equal(warm.timings.prefixReused, true);
    assert.equal(f32.prefixCache.hits, hits + 1);
    const cold = await summarize(f32, DOC, { ...opts, weights: W[1]!, prefixReuse: false });
    assert.equal(cold.timings.prefixReused, false);
    assert.deepEqual(warm.tokens, cold.tokens);
    assert.ok(warm.timings.prefillMs < cold.timings.prefillMs || cold.timings.prefillMs < 5);
  });

  test('batch invariance is probed: float32 and weight-only 4-bit graphs decode previews as a batch', () => {
    assert.equal(f32.batchInvariant, true);
    // MatMulNBits keeps activations in float, so rows stay independent (and bit-exact) in a batch
    assert.equal(quant.batchInvariant, true, 'the quantized graph should be weight-only (MatMulNBits)');
  });

  test('the probe finds a graph whose rows depend on each other (as with dynamic int8)', async () => {
    // a stand-in for DynamicQuantizeLinear: one activation scale over the whole batch
    const coupled = {
      emptyCache: (batch: number) => f32.runner.emptyCache(batch),
      async step(input: Parameters<typeof f32.runner.step>[0]) {
        const out = await f32.runner.step(input);
        const logits = out.logits!;
        let max = 0;
        for (const v of logits) max = Math.max(max, Math.abs(v));
        const scale = max / 127;
        for (let i = 0; i < logits.length; i++) logits[i] = Math.round(logits[i]! / scale) * scale;
        return out;
      },
    };
    assert.equal(await probeBatchInvariance(coupled, f32.manifest), false);
    assert.equal(await probeBatchInvariance(f32.runner, f32.manifest), true);
  });

  test('batching: never decodes row by row and gives the same tokens as a batch', async () => {
    const rowByRow = await loadModel(TINY_DIR, {
      device: 'cpu',
      graph: 'quantized',
      threads: 1,
      batching: 'never',
    });
    try {
      assert.equal(rowByRow.batchInvariant, false);
      const opts = { maxNewTokens: 8, sampling: GREEDY };
      const a = await preview(rowByRow, DOC, W.slice(0, 3), opts);
      const b = await preview(quant, DOC, W.slice(0, 3), opts);
      assert.deepEqual(
        a.map((i) => i.tokens),
        b.map((i) => i.tokens),
      );
    } finally {
      await rowByRow.dispose();
    }
  });

  test('on the quantized graph too, a preview equals each weighting alone (token-exact)', async () => {
    const opts = { maxNewTokens: 8, sampling: GREEDY };
    const items = await preview(quant, DOC, W.slice(0, 3), opts);
    for (let i = 0; i < 3; i++) {
      const alone = await summarize(quant, DOC, { ...opts, weights: W[i]! });
      assert.deepEqual(items[i]!.tokens, alone.tokens, `weighting ${i}`);
    }
  });

  test("asked for again, a summary is given as it was without decoding; a preview card's weights too", async () => {
    const opts = { maxNewTokens: 8, sampling: GREEDY, reuseSummaries: true };
    const items = await preview(quant, DOC, W.slice(0, 3), opts);
    const streamed: string[] = [];
    const again = await summarize(quant, DOC, {
      ...opts,
      weights: W[1]!,
      onToken: (t) => streamed.push(t.text),
    });
    assert.deepEqual(again.tokens, items[1]!.tokens);
    assert.equal(again.summary, items[1]!.summary);
    // the replay streams the tokens as a first decoding does; the summary shown may differ from them by the
    // last check's rewrites (here a capital opening the sentence)
    assert.equal(streamed.join('').trim(), quant.tokenizer.decode(again.tokens).trim());
    assert.equal(again.summary.toLowerCase(), streamed.join('').trim().toLowerCase());
    assert.equal(again.timings.decodeMs, 0);
    assert.equal(again.timings.prefillMs, 0);
    // other options or another text decode again; so does a caller that does not ask for it
    const longer = await summarize(quant, DOC, { ...opts, maxNewTokens: 9, weights: W[1]! });
    assert.ok(longer.timings.decodeMs > 0);
    const fresh = await summarize(quant, DOC, { ...opts, reuseSummaries: false, weights: W[1]! });
    assert.ok(fresh.timings.decodeMs > 0);
    assert.deepEqual(fresh.tokens, again.tokens);
  });

  test('seeded sampling is reproducible, and a batch samples like single runs', async () => {
    const sampling = { ...GREEDY, temperature: 0.9, topP: 0.95, seed: 7 };
    const a = await summarize(f32, DOC, { maxNewTokens: 8, sampling, weights: W[0]! });
    const b = await summarize(f32, DOC, { maxNewTokens: 8, sampling, weights: W[0]! });
    assert.deepEqual(a.tokens, b.tokens);
    const batch = await preview(f32, DOC, [W[0]!, W[1]!], { maxNewTokens: 8, sampling });
    assert.deepEqual(batch[0]!.tokens, a.tokens);
    const other = await summarize(f32, DOC, {
      maxNewTokens: 8,
      sampling: { ...sampling, seed: 8 },
      weights: W[0]!,
    });
    assert.notDeepEqual(other.tokens, a.tokens);
  });

  test('streaming: onToken pieces and the async iterator add up to the summary', async () => {
    let streamed = '';
    const result = await summarize(f32, DOC, {
      maxNewTokens: 10,
      sampling: GREEDY,
      onToken: (t) => {
        assert.equal(t.row, 0);
        streamed += t.text;
      },
    });
    assert.equal(streamed.trim(), result.summary);
    let fromIterator = '';
    let done = false;
    for await (const e of summarizeStream(f32, DOC, { maxNewTokens: 10, sampling: GREEDY })) {
      if (e.type === 'token') fromIterator += e.token.text;
      if (e.type === 'done') {
        done = true;
        assert.deepEqual(e.result.tokens, result.tokens);
      }
    }
    assert.ok(done);
    assert.equal(fromIterator.trim(), result.summary);
  });

  test('leaving the async iterator early stops the work', async () => {
    let count = 0;
    for await (const e of summarizeStream(f32, DOC, {
      maxNewTokens: 200,
      sampling: { ...GREEDY, minNewTokens: 200 },
    })) {
      if (e.type === 'token' && ++count === 3) break;
    }
    assert.equal(count, 3);
  });

  const longDoc = Array.from(
    { length: 60 },
    (_, i) =>
      `Paragraph ${i}: the committee reviewed item ${i} of the budget and asked for changes to section ${i + 1}.`,
  ).join('\n');

  for (const phase of ['prefill', 'decode'] as const) {
    test(`cancellation during ${phase} stops within 100 ms`, async () => {
      const m = await loadModel(TINY_DIR, {
        device: 'cpu',
        graph: 'float32',
        threads: 1,
        prefillChunkTokens: 16,
      });
      try {
        const controller = new AbortController();
        let abortedAt = 0;
        const abort = (): void => {
          if (abortedAt === 0) {
            abortedAt = performance.now();
            controller.abort();
          }
        };
        const run = summarize(m, longDoc, {
          maxNewTokens: 200,
          sampling: { ...GREEDY, minNewTokens: 200 },
          signal: controller.signal,
          prefixReuse: false,
          ...(phase === 'prefill'
            ? { onProgress: (p: ProgressEvent) => p.stage === 'prefill' && p.done >= 64 && abort() }
            : { onToken: (t: { index: number }) => t.index === 5 && abort() }),
        });
        await assert.rejects(run, Cancelled);
        const latency = performance.now() - abortedAt;
        assert.ok(abortedAt > 0, 'aborted');
        assert.ok(latency < 100, `stopped ${latency.toFixed(1)} ms after the abort`);
      } finally {
        await m.dispose();
      }
    });
  }

  test('an already aborted signal rejects at once', async () => {
    await assert.rejects(summarize(f32, DOC, { signal: AbortSignal.abort() }), Cancelled);
  });

  test('a web page is summarized as its text: scripts, styles and menus change nothing', async () => {
    const page =
      '<!DOCTYPE html><html><head><title>Library</title><style>p { color: red; }</style></head><body>' +
      '<nav><ul><li><a href="/">Home</a></li></ul></nav><script>track("page view", 2027);</script>' +
      `<main><p>${DOC.replace("children's", 'children&#39;s')}</p></main></body></html>`;
    const options = { weights: W[3]!, maxNewTokens: 24 };
    const ofPage = await summarize(f32, page, options);
    const ofText = await summarize(f32, DOC, options);
    assert.equal(ofPage.summary, ofText.summary);
    await assert.rejects(summarize(f32, '<html><body><script>x()</script></body></html>'), EmptyInput);
  });

  test('input errors: empty, binary, too large', async () => {
    await assert.rejects(summarize(f32, ' \n '), EmptyInput);
    await assert.rejects(summarize(f32, 'abc\u0000def'), BinaryInput);
    await assert.rejects(summarize(f32, longDoc, { maxInputTokens: 300 }), (e: unknown) => {
      assert.ok(e instanceof InputTooLarge);
      assert.equal(e.limit, 300);
      assert.match(e.message, /too long \(\d+ tokens; the limit is 300\)/);
      return true;
    });
    // far over the limit: refused from its length in characters, before tokenizing
    await assert.rejects(
      summarize(f32, longDoc, { maxInputTokens: 10 }),
      /too long \(\d+ characters, far over the limit of 10 tokens\)/,
    );
  });

  test('a long document is chunked, summarized per chunk, then combined, with progress', async () => {
    const dir = tinyVariant((m) => (m.contextLength = 256));
    const m = await loadModel(dir, { device: 'cpu', graph: 'float32', threads: 1 });
    try {
      const progress: ProgressEvent[] = [];
      const r = await previewDetailed(m, longDoc, [W[0]!, W[1]!], {
        maxNewTokens: 24,
        sampling: GREEDY,
        longDocuments: 'chunks',
        onProgress: (p) => progress.push(p),
      });
      assert.ok(r.timings.chunks > 1, `chunks: ${r.timings.chunks}`);
      const chunkEvents = progress.filter((p) => p.stage === 'chunk');
      assert.ok(chunkEvents.length >= r.timings.chunks);
      assert.equal(chunkEvents.at(-1)!.done, chunkEvents.at(-1)!.total);
      assert.equal(r.items.length, 2);
      for (const it of r.items) assert.ok(it.tokens.length > 0);
    } finally {
      await m.dispose();
    }
  });

  test('without response-only conditioning the whole prompt runs with w (no reuse), still batch = alone', async () => {
    const dir = tinyVariant((m) => ((m.conditioning as Record<string, unknown>).responseOnly = false));
    const m = await loadModel(dir, { device: 'cpu', graph: 'float32', threads: 1 });
    try {
      const opts = { maxNewTokens: 8, sampling: GREEDY };
      const batch = await previewDetailed(m, DOC, W.slice(0, 2), opts);
      assert.equal(batch.timings.prefixReused, false);
      const again = await summarize(m, DOC, { ...opts, weights: W[0]! });
      assert.equal(again.timings.prefixReused, false);
      assert.equal(m.prefixCache.size, 0);
      assert.deepEqual(batch.items[0]!.tokens, again.tokens);
      const second = await summarize(m, DOC, { ...opts, weights: W[1]! });
      assert.deepEqual(batch.items[1]!.tokens, second.tokens);
      // response-only and full conditioning differ on the same weights
      const responseOnly = await summarize(f32, DOC, { ...opts, weights: W[0]! });
      assert.equal(responseOnly.tokens.length, again.tokens.length);
    } finally {
      await m.dispose();
    }
  });

  test('with prompt conditioning the weights are written into the prompt', async () => {
    const dir = tinyVariant((m) => {
      const p = m.prompt as Record<string, unknown>;
      p.weightsFormat = '{id}={value}';
      p.weightsPrefix = ' Objective weights: ';
      p.weightsSuffix = '.';
    });
    const m = await loadModel(dir, { device: 'cpu', graph: 'float32', threads: 1 });
    try {
      const prompt = buildPrompt(m.manifest, DOC, [1, 0, 0]);
      assert.match(prompt, /Objective weights: concise=1\.00, faithful=0\.00, complete=0\.00\./);
      const items = await preview(m, DOC, W.slice(0, 2), { maxNewTokens: 6, sampling: GREEDY });
      const alone = await summarize(m, DOC, { maxNewTokens: 6, sampling: GREEDY, weights: W[1]! });
      assert.deepEqual(items[1]!.tokens, alone.tokens);
    } finally {
      await m.dispose();
    }
  });

  test('a row that ended at its first step streams and reads as empty text, not an error', () => {
    // grounded decoding may end a row before its first token (a number its word binds otherwise)
    assert.equal(f32.tokenizer.decode([]), '');
    assert.equal(new TextStreamer(f32.tokenizer).flush(), '');
  });

  test('the empty cache of a batch has the contract shape', () => {
    const c = KvCache.empty(f32.manifest.io, 2);
    assert.deepEqual(c.keys[0]!.dims, [2, f32.manifest.io.numKvHeads, 0, f32.manifest.io.headDim]);
  });
});
