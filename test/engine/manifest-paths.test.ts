/** Paths in a manifest (graphs, tokenizer) must stay inside the model directory. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PathOutsideModel } from '../../src/engine/errors';
import { loadManifest, modelFile, parseManifest } from '../../src/engine/manifest';
import { loadModel } from '../../src/engine/model';
import { SKIP_NO_MODEL, TINY_DIR, manifestJson } from '../support/helpers';

const work = mkdtempSync(join(tmpdir(), 'steer-paths-'));
const outside = (e: unknown) => e instanceof PathOutsideModel && e.code === 'BAD_MANIFEST';

const ESCAPES = [
  '../secret.onnx',
  'onnx/../../secret.onnx',
  '/etc/passwd',
  '\\\\server\\share\\model.onnx',
  'C:\\models\\model.onnx',
  'c:model.onnx',
  '..\\secret.onnx',
  '.',
  'onnx/\u0000model.onnx',
];

test('a graph or tokenizer path that leaves the model directory is refused with a typed error', () => {
  for (const path of ESCAPES) {
    const graphs = { ...manifestJson(), graphs: { float32: path } };
    assert.throws(() => parseManifest(graphs), outside, `graph ${JSON.stringify(path)}`);
    const tokenizer = { ...manifestJson(), tokenizer: path };
    assert.throws(() => parseManifest(tokenizer), outside, `tokenizer ${JSON.stringify(path)}`);
  }
  const fine = parseManifest({
    ...manifestJson(),
    graphs: { float32: 'onnx/./model.onnx', quantized: 'onnx/sub/../q.onnx' },
  });
  assert.equal(fine.graphs.quantized, 'onnx/sub/../q.onnx');
});

test('modelFile resolves inside the directory and refuses the rest', () => {
  const dir = join(work, 'model');
  assert.equal(modelFile(dir, 'onnx/./model.onnx'), join(dir, 'onnx', 'model.onnx'));
  for (const path of ESCAPES) assert.throws(() => modelFile(dir, path), outside, JSON.stringify(path));
});

test(
  'loading a model whose manifest points outside fails before reading it',
  { skip: SKIP_NO_MODEL },
  async () => {
    const dir = join(work, 'escape');
    cpSync(TINY_DIR, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...manifest, tokenizer: '../escape/../../tokenizer.json' }),
    );
    assert.throws(() => loadManifest(dir), outside);
    await assert.rejects(loadModel(dir, { device: 'cpu' }), outside);
  },
);
