/**
 * The shipped model through the `steer` CLI, as a user runs it: a fluent summary of a ~400-word article, and
 * lengths that follow the concise weight. Skipped until `npm run setup` has built models/clp-smollm2-135m.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, ROOT } from './helpers';

const MODEL = join(ROOT, 'models', 'clp-smollm2-135m');
const ARTICLE = join(ROOT, 'examples', 'article.txt');
const built = existsSync(join(MODEL, 'onnx', 'model_quantized.onnx'));

function summarize(weights: string): { summary: string; tokens: number } {
  const r = spawnSync(
    process.execPath,
    [CLI, 'summarize', ARTICLE, '--json', '--device', 'cpu', '--weights', weights],
    {
      encoding: 'utf8',
      env: { ...process.env, STEER_MODEL_DIR: MODEL },
      timeout: 300_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { summary: string; timings: { generatedTokens: number } };
  return { summary: out.summary, tokens: out.timings.generatedTokens };
}

describe(
  'the shipped model from the command line',
  { skip: !built && 'models/clp-smollm2-135m not built' },
  () => {
    test('summarizes the article in words taken from it', () => {
      const { summary } = summarize('concise=0.34,faithful=0.33,complete=0.33');
      assert.ok(summary.split(/\s+/).length >= 4, summary);
      assert.match(summary, /solar|Harrow Bay/i);
    });

    test('the concise end is shorter than the complete end', () => {
      const concise = summarize('concise=1');
      const complete = summarize('complete=1');
      assert.ok(
        concise.tokens < complete.tokens,
        `concise ${concise.tokens} tokens: ${concise.summary}\ncomplete ${complete.tokens} tokens: ${complete.summary}`,
      );
    });
  },
);
