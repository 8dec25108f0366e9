/**
 * Prompt-lookup drafts: what is drafted from the document, how the draft's length follows its success, and
 * that the generator checking drafts writes exactly what single steps write, in fewer runs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecodeBatch } from '../../src/engine/decode-batch';
import { buildRowDecoder, resolveSampling } from '../../src/engine/generation/config';
import { Generator } from '../../src/engine/generation/generator';
import { DEFAULT_DRAFT, PromptLookup } from '../../src/engine/generation/prompt-lookup';

test('a draft is what followed the end of the summary where it first occurs in the document', () => {
  const doc = [1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 10, 11];
  const lookup = new PromptLookup(doc, { maxNgram: 3, minNgram: 2, maxDraft: 8, firstDraft: 4 });
  // "2 3" occurs twice; its first occurrence is followed by 4 5 6 7
  assert.deepEqual(lookup.draft([20, 2, 3]), [4, 5, 6, 7]);
  // the longest n-gram decides: "9 2 3" is followed by 10 11 only
  assert.deepEqual(lookup.draft([9, 2, 3]), [10, 11]);
  // one token alone is no evidence (minNgram 2), nor is an n-gram the document lacks
  assert.deepEqual(lookup.draft([3]), []);
  assert.deepEqual(lookup.draft([40, 41]), []);
  // the limit (room left in the context) caps the draft
  assert.deepEqual(lookup.draft([1, 2], 2), [3, 4]);
  // a name the summary wrote before is drafted again from the summary itself
  assert.deepEqual(lookup.draft([50, 51, 52, 53, 50, 51]), [52, 53, 50, 51]);
});

test("a draft's length grows while drafts are accepted whole and shrinks after a miss", () => {
  const doc = Array.from({ length: 40 }, (_, i) => i);
  const lookup = new PromptLookup(doc, { ...DEFAULT_DRAFT, maxDraft: 8, firstDraft: 4 });
  assert.equal(lookup.draft([0, 1]).length, 4);
  lookup.feedback(4, 4);
  assert.equal(lookup.draft([0, 1]).length, 6);
  lookup.feedback(6, 6);
  lookup.feedback(8, 8);
  assert.equal(lookup.draft([0, 1]).length, 8);
  for (let i = 0; i < 10; i++) lookup.feedback(8, 0);
  assert.equal(lookup.draft([0, 1]).length, 1);
  assert.throws(() => new PromptLookup(doc, { maxNgram: 1, minNgram: 2, maxDraft: 4, firstDraft: 2 }));
});

const VOCAB = 16;
const EOS = 15;

/** The toy model: after token t comes (3t + 1) mod 13, and end-of-sequence after a 12. */
function next(t: number): number {
  return t === 12 ? EOS : (3 * t + 1) % 13;
}

function logitsAfter(t: number): Float32Array {
  const l = new Float32Array(VOCAB).fill(-1);
  l[next(t)] = 5;
  return l;
}

/** A batch over the toy model, counting its runs and the positions it holds (as the longest row's). */
class ToyBatch implements DecodeBatch {
  runs = 0;
  position = 10;
  private fed: number[] = [];
  constructor(readonly canVerify: boolean) {}

  step(tokens: readonly number[]): Promise<Float32Array> {
    this.runs++;
    this.position += 1;
    const out = new Float32Array(tokens.length * VOCAB);
    tokens.forEach((t, i) => out.set(logitsAfter(t), i * VOCAB));
    return Promise.resolve(out);
  }

  verify(tokens: readonly (readonly number[])[]): Promise<Float32Array> {
    this.runs++;
    const flat = tokens.flat();
    this.fed = tokens.map((own) => own.length);
    const out = new Float32Array(flat.length * VOCAB);
    flat.forEach((t, i) => out.set(logitsAfter(t), i * VOCAB));
    return Promise.resolve(out);
  }

  accept(used: readonly number[]): void {
    assert.ok(used.every((n, b) => n >= 1 && n <= this.fed[b]!));
    this.position += Math.max(...used);
  }

  keep(): void {}
}

async function decode(batch: ToyBatch, lookup?: PromptLookup): Promise<number[]> {
  const decoder = buildRowDecoder(resolveSampling({ grounded: false }, {}), 30, [EOS]);
  const gen = new Generator(batch, [0], [{ weights: [1], decoder }], 100, [EOS], lookup && [lookup]);
  while (!gen.isDone()) await gen.generateNextToken();
  return gen.sequences[0]!;
}

test('checking drafts writes the tokens single steps write, in fewer runs, and keeps the cache exact', async () => {
  const plain = new ToyBatch(false);
  const want = await decode(plain);
  // 0 → 1 → 4 → 0 → 1 ... never reaches 12: the row runs to its 30 tokens
  assert.equal(want.length, 30);

  // a document that holds the model's own continuation: every draft is accepted
  const copying = new ToyBatch(true);
  assert.deepEqual(await decode(copying, new PromptLookup([9, 1, 4, 0, 1, 4, 0, 1, 4, 0, 1, 4])), want);
  assert.ok(copying.runs < plain.runs / 2, `${copying.runs} runs vs ${plain.runs}`);
  assert.equal(copying.position, plain.position);

  // a document that disagrees: drafts are refused token by token, the output stays the model's
  const wrong = new ToyBatch(true);
  assert.deepEqual(await decode(wrong, new PromptLookup([1, 4, 7, 7, 4, 0, 2, 2, 0, 1, 5, 5])), want);
  assert.equal(wrong.position, plain.position);
});

test('a draft that runs into end-of-sequence stops the row there', async () => {
  // 2 → 7 → 9 → 2 ... ; a row starting at 11 goes 11 → 8 → 12 → EOS
  const decoder = buildRowDecoder(resolveSampling({ grounded: false }, {}), 30, [EOS]);
  const batch = new ToyBatch(true);
  const gen = new Generator(
    batch,
    [11],
    [{ weights: [1], decoder }],
    100,
    [EOS],
    [new PromptLookup([8, 12, 15, 3, 3])],
  );
  const chosen = [];
  while (!gen.isDone()) chosen.push(...(await gen.generateNextToken()));
  assert.deepEqual(gen.sequences[0], [8, 12, EOS]);
  assert.deepEqual(
    chosen.map((t) => t.index),
    [0, 1, 2],
  );
  assert.equal(gen.finishReasons[0], 'eos');
});

test('rows that draft together each write what single steps write, in fewer runs', async () => {
  const starts = [0, 2, 11, 5];
  const run = async (lookups?: PromptLookup[]): Promise<{ seqs: number[][]; runs: number }> => {
    const batch = new ToyBatch(lookups !== undefined);
    const rows = starts.map(() => ({
      weights: [1],
      decoder: buildRowDecoder(resolveSampling({ grounded: false }, {}), 20, [EOS]),
    }));
    const gen = new Generator(batch, starts, rows, 100, [EOS], lookups);
    while (!gen.isDone()) await gen.generateNextToken();
    return { seqs: gen.sequences, runs: batch.runs };
  };
  const plain = await run();
  // a document that holds the continuations of the rows starting at 0 and 2, not of the others
  const doc = [0, 1, 4, 0, 1, 4, 0, 1, 4, 0, 1, 4, 0, 2, 7, 9, 2, 7, 9, 2, 7, 9, 2, 7, 9];
  const drafted = await run(starts.map(() => new PromptLookup(doc)));
  assert.deepEqual(drafted.seqs, plain.seqs);
  assert.ok(drafted.runs < plain.runs, `${drafted.runs} runs vs ${plain.runs}`);
  // a document of other tokens: every draft refused, still the same sequences
  const wrong = await run(starts.map(() => new PromptLookup([1, 4, 7, 7, 4, 0, 2, 2, 0, 1, 5, 5])));
  assert.deepEqual(wrong.seqs, plain.seqs);
});
