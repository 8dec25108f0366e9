/**
 * Greedy parity with the Python reference for any built model: set STEER_REFERENCE_MODELS to model
 * directories (comma-separated), e.g. STEER_REFERENCE_MODELS=models/clp-smollm2-135m. The tiny model is
 * always checked in model.test.ts; real models are opt-in because they are slow on a CPU.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { generateBatch } from '../../src/engine/decode';
import { loadModel } from '../../src/engine/model';
import { buildPrompt } from '../../src/engine/prompt';
import { referenceDecoding, type Reference } from '../support/helpers';

const dirs = (process.env.STEER_REFERENCE_MODELS ?? '')
  .split(',')
  .map((d) => d.trim())
  .filter((d) => d.length > 0)
  .map((d) => resolve(d));

for (const dir of dirs) {
  const file = join(dir, 'reference_tokens.json');
  test(
    `greedy tokens of ${dir} equal its Python reference (float32 graph)`,
    { skip: !existsSync(file) && `${file} missing` },
    async () => {
      const model = await loadModel(dir, { device: 'cpu', graph: 'float32' });
      try {
        const refs = JSON.parse(readFileSync(file, 'utf8')) as Reference[];
        for (const ref of refs) {
          if (ref.document !== undefined)
            assert.equal(buildPrompt(model.manifest, ref.document, ref.weights), ref.prompt_text);
          const ids = model.tokenizer.encode(ref.prompt_text);
          if (ref.prompt_tokens) assert.deepEqual(ids, ref.prompt_tokens);
          const { rows } = await generateBatch(
            model,
            [{ promptIds: ids, weights: ref.weights }],
            referenceDecoding(model, ref),
          );
          assert.deepEqual(rows[0]!.tokens, ref.tokens, `weights ${ref.weights.join(',')}`);
        }
      } finally {
        await model.dispose();
      }
    },
  );
}
