/**
 * A Jupyter notebook is summarized as what it says, not as its JSON: the model reads the prose of its markdown
 * cells (or its code, when it has next to no markdown), and grounding sees its cells and their text outputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unwrapFormat } from '../../src/engine/document-format';
import { notebookText } from '../../src/engine/notebook';

const notebook = (cells: unknown[]): string =>
  JSON.stringify(
    { cells, metadata: { kernelspec: { name: 'python3' } }, nbformat: 4, nbformat_minor: 5 },
    null,
    1,
  );

const md = (...lines: string[]): unknown => ({ cell_type: 'markdown', metadata: {}, source: lines });
const code = (source: string, outputs: unknown[] = []): unknown => ({
  cell_type: 'code',
  execution_count: 1,
  metadata: {},
  outputs,
  source: source.split(/(?<=\n)/u),
});

const SORTING = notebook([
  md(
    '# Sorting Arrays\n',
    '\n',
    'This chapter covers **algorithms** for sorting values in [NumPy](https://numpy.org) arrays.',
  ),
  code('import numpy as np\nx = np.array([2, 1, 4, 3, 5])\nnp.sort(x)', [
    {
      output_type: 'execute_result',
      data: { 'text/plain': ['array([1, 2, 3, 4, 5])'], 'image/png': 'iVBORw0KGgo=' },
    },
  ]),
  md(
    'The `np.argsort` function returns the indices of the sorted elements, and `np.partition` finds the k smallest values.',
  ),
  code('print(np.argsort(x))', [{ output_type: 'stream', name: 'stdout', text: ['[1 0 3 2 4]\n'] }]),
  { cell_type: 'raw', metadata: {}, source: ['.. raw for nbconvert'] },
]);

test("the model reads a notebook's markdown as prose: no JSON, code, headings or outputs", () => {
  const text = notebookText(SORTING);
  assert.ok(text !== null);
  assert.equal(
    text.article,
    'This chapter covers algorithms for sorting values in NumPy arrays.\n\n' +
      'The np.argsort function returns the indices of the sorted elements, and np.partition finds the k smallest values.',
  );
  assert.doesNotMatch(text.article, /cell_type|import numpy|array\(\[/u);
});

test('grounding sees the cells and their text outputs, never images or metadata', () => {
  const text = notebookText(SORTING)!;
  assert.match(text.shown, /import numpy as np/u);
  assert.match(text.shown, /array\(\[1, 2, 3, 4, 5\]\)/u);
  assert.match(text.shown, /\[1 0 3 2 4\]/u);
  assert.doesNotMatch(text.shown, /iVBORw0KGgo|kernelspec|nbformat|raw for nbconvert/u);
});

test('a notebook of code with next to no markdown is read as its code', () => {
  const text = notebookText(
    notebook([md('# Scratch'), code('def area(r):\n    return 3.14159 * r * r'), code('area(2)')]),
  );
  assert.equal(text?.article, 'def area(r):\n    return 3.14159 * r * r\n\narea(2)');
});

test('JSON that is not a notebook, and text that only mentions cells, are read as written', () => {
  assert.equal(notebookText('{"name": "steer", "cells": 3}'), null);
  assert.equal(notebookText('The "cells" of a "cell_type" table are { not JSON'), null);
  assert.equal(unwrapFormat('{"cells": [], "cell_type": "x"'), null);
  assert.equal(unwrapFormat('A plain note about cells.'), null);
});

test('a long printed output counts only by its start, so the notebook is not refused as too long', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `${i}  ${i * 2}  ${i * 3}`).join('\n');
  const text = notebookText(
    notebook([
      md('This notebook prints a table of multiples for every number below five thousand.'),
      code('print(df)', [{ output_type: 'stream', name: 'stdout', text: [rows] }]),
    ]),
  )!;
  assert.ok(text.shown.length < 2200, `${text.shown.length} characters`);
  assert.match(text.shown, /^This notebook prints/u);
});

test('a notebook with an image in its output is read at once, not after a minute of matching its base64 line', () => {
  const image = 'iVBORw0KGgo'.repeat(30000);
  const text = notebook([
    md('This notebook plots the colour maps of Matplotlib and compares them side by side.'),
    code('plt.show()', [
      { output_type: 'display_data', data: { 'image/png': image, 'text/plain': ['<Figure>'] } },
    ]),
  ]);
  const start = performance.now();
  assert.ok(unwrapFormat(text) !== null);
  assert.ok(performance.now() - start < 5000, `${(performance.now() - start).toFixed(0)} ms`);
});
