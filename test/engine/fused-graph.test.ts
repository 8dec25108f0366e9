/**
 * The fused graphs (training/steer_train/fused_graph.py: GroupQueryAttention, whose past and present are one
 * buffer the engine preallocates) on the tiny model: the cpu default when present, the Python reference
 * reproduced through the in-place cache, the in-place cache equal to the copied one, batch rows independent,
 * a preview's weightings decoded as branches of one sequence like batch rows, and model directories without
 * them still loading the quantized graph.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateBatch, prefill } from '../../src/engine/decode';
import { BranchBatch, RowBatch } from '../../src/engine/decode-batch';
import { buildRowDecoder, resolveSampling } from '../../src/engine/generation/config';
import { Generator } from '../../src/engine/generation/generator';
import { PromptLookup } from '../../src/engine/generation/prompt-lookup';
import { buildPrompt } from '../../src/engine/prompt';
import { normaliseWeights } from '../../src/engine/weights';
import { loadManifest, type WeightRecord } from '../../src/engine/manifest';
import { loadModel, type Model } from '../../src/engine/model';
import { chooseGraph, gpuUnfitReason } from '../../src/engine/session';
import { preview, summarize } from '../../src/engine/summarize';
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
  '12 million dollars and should open in 2027. Mayor Lena Ortiz said the library would include a wing.';
const W: WeightRecord[] = [{ concise: 1 }, { faithful: 1 }, { complete: 1 }];
const HAS_FUSED =
  existsSync(join(TINY_DIR, 'onnx', 'model_fast.onnx')) &&
  existsSync(join(TINY_DIR, 'onnx', 'model_fused.onnx'));

describe('fused graphs of the tiny model', { skip: SKIP_NO_MODEL || (!HAS_FUSED && 'not built') }, () => {
  let fast: Model;
  let fused: Model;

  before(async () => {
    fast = await loadModel(TINY_DIR, { device: 'cpu', graph: 'fast', threads: 1 });
    fused = await loadModel(TINY_DIR, { device: 'cpu', graph: 'fused_float32', threads: 1 });
  });
  after(async () => {
    await fast?.dispose();
    await fused?.dispose();
  });

  test('the fast graph writes its cache in place', () => {
    assert.equal(fast.graph, 'fast');
    assert.equal(fast.runner.sharedCache, true);
    assert.equal(fused.runner.sharedCache, true);
  });

  test('on the cpu the fast graph is the default; a GPU passes over it and takes a traced graph', async () => {
    const manifest = loadManifest(TINY_DIR);
    assert.equal(chooseGraph(manifest, 'cpu', undefined, TINY_DIR), 'fast');
    assert.equal(chooseGraph(manifest, 'cuda', undefined, TINY_DIR), 'float32');
    assert.match(gpuUnfitReason(manifest, 'fast') ?? '', /cpu only/);
    assert.equal(gpuUnfitReason(manifest, 'quantized'), null);
    const plain = await loadModel(TINY_DIR, { device: 'cpu', threads: 1 });
    try {
      assert.equal(plain.graph, 'fast');
    } finally {
      await plain.dispose();
    }
  });

  test('a model directory without fused graphs still defaults to the quantized one', async () => {
    const dir = tinyVariant((m) => {
      const graphs = m.graphs as Record<string, string>;
      delete graphs.fast;
      delete graphs.fused_float32;
      delete m.sharedKvCache;
    });
    const old = await loadModel(dir, {
      device: 'cpu',
      threads: 1,
      batching: 'always',
      prefillChunkTokens: 64,
    });
    try {
      assert.equal(old.graph, 'quantized');
      assert.equal(old.runner.sharedCache, false);
    } finally {
      await old.dispose();
    }
  });

  test('the float fused graph reproduces the Python reference tokens through the in-place cache', async () => {
    const refs = JSON.parse(readFileSync(join(TINY_DIR, 'reference_tokens.json'), 'utf8')) as Reference[];
    assert.ok(refs.length > 0);
    for (const ref of refs) {
      const ids = fused.tokenizer.encode(ref.prompt_text);
      const { rows } = await generateBatch(
        fused,
        [{ promptIds: ids, weights: ref.weights }],
        referenceDecoding(fused, ref),
      );
      assert.deepEqual(rows[0]!.tokens, ref.tokens, `weights ${ref.weights.join(',')}`);
    }
  });

  test('in place and copied caches give the same tokens, in short prefill runs too', async () => {
    const dir = tinyVariant((m) => (m.sharedKvCache = []));
    const copied = await loadModel(dir, { device: 'cpu', graph: 'fast', threads: 1, prefillChunkTokens: 8 });
    const chunked = await loadModel(TINY_DIR, { device: 'cpu', threads: 1, prefillChunkTokens: 8 });
    try {
      assert.equal(copied.runner.sharedCache, false);
      const opts = { maxNewTokens: 12, sampling: GREEDY };
      const want = await preview(copied, DOC, W, opts);
      for (const m of [fast, chunked]) {
        const got = await preview(m, DOC, W, opts);
        assert.deepEqual(
          got.map((i) => i.tokens),
          want.map((i) => i.tokens),
        );
      }
    } finally {
      await copied.dispose();
      await chunked.dispose();
    }
  });

  test('rows are independent: a preview equals each weighting alone (token-exact)', async () => {
    assert.equal(fast.batchInvariant, true);
    const opts = { maxNewTokens: 10, sampling: GREEDY };
    const items = await preview(fast, DOC, W, opts);
    for (let i = 0; i < W.length; i++) {
      const alone = await summarize(fast, DOC, { ...opts, weights: W[i]! });
      assert.deepEqual(items[i]!.tokens, alone.tokens, `weighting ${i}`);
    }
  });

  test('a preview decodes its weightings as branches of one cache row, as batch rows would', async () => {
    assert.equal(fast.runner.branches, true);
    assert.equal(fused.runner.branches, true);
    const dir = tinyVariant((m) => (m.branches = []));
    const opts = { maxNewTokens: 12, sampling: GREEDY };
    for (const graph of ['fused_float32', 'fast']) {
      const branched = graph === 'fast' ? fast : fused;
      const rows = await loadModel(dir, { device: 'cpu', graph, threads: 1 });
      try {
        assert.equal(rows.runner.branches, false);
        let branchSteps = 0;
        const step = branched.runner.stepBranches.bind(branched.runner);
        branched.runner.stepBranches = (input) => (branchSteps++, step(input));
        const got = await preview(branched, DOC, W, opts);
        delete (branched.runner as Partial<typeof branched.runner>).stepBranches;
        assert.ok(branchSteps >= 12, `${graph}: ${branchSteps} branch steps`);
        const want = await preview(rows, DOC, W, opts);
        assert.deepEqual(
          got.map((i) => i.tokens),
          want.map((i) => i.tokens),
          graph,
        );
      } finally {
        await rows.dispose();
      }
    }
  });

  test('branches that finish early leave the others as they were, also once these are gathered', async () => {
    const manifest = fused.manifest;
    const ids = fused.tokenizer.encode(buildPrompt(manifest, DOC, [1, 0, 0]));
    const weights = [...W, { concise: 1, complete: 1 }].map(
      (w) => normaliseWeights(manifest.objectives, w).vector,
    );
    const base = await prefill(fused, ids.slice(0, -1), [manifest.objectives.map(() => 0)]);
    // two finish after 2 and 3 tokens (then half the room is free: the other two are gathered), one after 5
    const limits = [2, 12, 3, 5];
    const last = ids[ids.length - 1]!;
    const all = [0, 1, 2, 3];
    const branches = limitedGenerator(
      fused,
      new BranchBatch(fused.runner, base.expand(1, BranchBatch.capacity(base.length, 4, 13)), 4, 13),
      last,
      weights,
      limits,
    );
    while (!branches.isDone()) await branches.generateNextToken();
    for (const r of all) {
      const rows = new RowBatch(fused.runner, base.expand(1, base.length + 13));
      const alone = limitedGenerator(fused, rows, last, [weights[r]!], [limits[r]!]);
      while (!alone.isDone()) await alone.generateNextToken();
      assert.equal(branches.sequences[r]!.length, limits[r]);
      assert.deepEqual(branches.sequences[r], alone.sequences[0], `branch ${r}`);
    }
  });

  test('a lone row checks a draft in one run and writes what single steps write', async () => {
    for (const model of [fused, fast]) {
      const { manifest } = model;
      const ids = model.tokenizer.encode(buildPrompt(manifest, DOC, [0, 1, 0]));
      const weights = normaliseWeights(manifest.objectives, { faithful: 1 }).vector;
      const base = await prefill(model, ids.slice(0, -1), [manifest.objectives.map(() => 0)]);
      const eos = manifest.specialTokens.eos;
      const run = async (lookup?: PromptLookup): Promise<{ tokens: number[]; runs: number }> => {
        const batch = new RowBatch(model.runner, base.expand(1, base.length + 25));
        const decoder = buildRowDecoder(resolveSampling(GREEDY, {}), 24, eos);
        const gen = new Generator(
          batch,
          [ids[ids.length - 1]!],
          [{ weights, decoder }],
          4096,
          eos,
          lookup && [lookup],
        );
        let runs = 0;
        while (!gen.isDone()) {
          await gen.generateNextToken();
          runs++;
        }
        return { tokens: gen.sequences[0]!, runs };
      };
      const plain = await run();
      // a "document" that is the row's own continuation: the drafts are right, and accepted
      const drafted = await run(new PromptLookup(plain.tokens));
      assert.deepEqual(drafted.tokens, plain.tokens, model.graph);
      assert.ok(drafted.runs <= plain.runs / 2, `${model.graph}: ${drafted.runs} runs vs ${plain.runs}`);
      // a document that has nothing to do with it: every draft refused, the same tokens again
      const refused = await run(new PromptLookup(model.tokenizer.encode(DOC)));
      assert.deepEqual(refused.tokens, plain.tokens, model.graph);
    }
  });

  test('branches check drafts each and write what they write without them, in fewer runs', async () => {
    for (const model of [fused, fast]) {
      const { manifest } = model;
      const ids = model.tokenizer.encode(buildPrompt(manifest, DOC, [1, 0, 0]));
      const weights = W.map((w) => normaliseWeights(manifest.objectives, w).vector);
      const base = await prefill(model, ids.slice(0, -1), [manifest.objectives.map(() => 0)]);
      const eos = manifest.specialTokens.eos;
      const steps = 21;
      const run = async (lookups?: PromptLookup[]): Promise<{ tokens: number[][]; runs: number }> => {
        // no room for drafts beyond the branches' own steps: refused drafts make the cache gather anew
        const batch = new BranchBatch(
          model.runner,
          base.expand(1, BranchBatch.capacity(base.length, W.length, steps)),
          W.length,
          steps,
        );
        const rows = weights.map((w) => ({
          weights: w,
          decoder: buildRowDecoder(resolveSampling(GREEDY, {}), 20, eos),
        }));
        const gen = new Generator(
          batch,
          W.map(() => ids[ids.length - 1]!),
          rows,
          4096,
          eos,
          lookups,
        );
        let runs = 0;
        while (!gen.isDone()) {
          await gen.generateNextToken();
          runs++;
        }
        return { tokens: gen.sequences, runs };
      };
      const plain = await run();
      // each branch's "document" is its own continuation: its drafts are right
      const drafted = await run(plain.tokens.map((t) => new PromptLookup(t)));
      assert.deepEqual(drafted.tokens, plain.tokens, model.graph);
      assert.ok(drafted.runs <= plain.runs / 2, `${model.graph}: ${drafted.runs} runs vs ${plain.runs}`);
      // each branch drafts from another branch's continuation: most drafts refused
      const crossed = await run(
        plain.tokens.map((_, r) => new PromptLookup(plain.tokens[(r + 1) % W.length]!)),
      );
      assert.deepEqual(crossed.tokens, plain.tokens, model.graph);
    }
  });

  test('a stepped cache refuses a second step; its rows can still be read', async () => {
    const m = fast.manifest.objectives.length;
    const w = [Array.from({ length: m }, () => 1 / m)];
    const first = await fast.runner.step({
      ids: [[5, 6, 7]],
      weights: w,
      cache: fast.runner.emptyCache(1),
      logits: false,
    });
    const second = await fast.runner.step({ ids: [[8]], weights: w, cache: first.cache, logits: true });
    assert.equal(first.cache.spent, true);
    await assert.rejects(fast.runner.step({ ids: [[9]], weights: w, cache: first.cache, logits: true }));
    // the copy of the spent cache holds its three positions: stepping it with 8 again gives the same logits
    const again = await fast.runner.step({
      ids: [[8]],
      weights: w,
      cache: first.cache.selectRows([0], first.cache.length + 4),
      logits: true,
    });
    assert.deepEqual(again.logits, second.logits);
    assert.equal(second.cache.length, 4);
    assert.ok(second.cache.capacity >= 4);
  });
});
