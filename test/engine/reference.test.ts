/**
 * Greedy parity with the Python reference for any built model: set STEER_REFERENCE_MODELS to model
 * directories (comma-separated), e.g. STEER_REFERENCE_MODELS=models/clp-smollm2-135m. The tiny model is
 * always checked in model.test.ts and fused-graph.test.ts; real models are opt-in because they are slow on a
 * CPU. Each float graph is checked: the traced one, and the fused one when the model has it (its 4-bit twin,
 * the cpu default, is the same graph with the same cache handling).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { generateBatch } from '../../src/engine/decode';
import { loadManifest } from '../../src/engine/manifest';
import { loadModel } from '../../src/engine/model';
import { buildPrompt } from '../../src/engine/prompt';
import { referenceDecoding, type Reference } from '../support/helpers';

const dirs = (process.env.STEER_REFERENCE_MODELS ?? '')
  .split(',')
  .map((d) => d.trim())
  .filter((d) => d.length > 0)
  .map((d) => resolve(d));

/** The float graphs of the model in `dir` whose files are present. */
function floatGraphs(dir: string): string[] {
  if (!existsSync(join(dir, 'manifest.json'))) return ['float32'];
  const { graphs } = loadManifest(dir);
  return ['float32', 'fused_float32'].filter((g) => g in graphs && existsSync(join(dir, graphs[g]!)));
}

for (const dir of dirs) {
  const file = join(dir, 'reference_tokens.json');
  for (const graph of floatGraphs(dir)) {
    test(
      `greedy tokens of ${dir} equal its Python reference (${graph} graph)`,
      { skip: !existsSync(file) && `${file} missing` },
      async () => {
        const model = await loadModel(dir, { device: 'cpu', graph });
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
}
