import type { Unwrapped } from './document-format';
import { proseOfStructured } from './markdown-prose';
import { whitespaceWords } from './words';

/**
 * A Jupyter notebook (`.ipynb`) as text. On disk a notebook is JSON: its cells' sources in string arrays,
 * its outputs, images in base64 and metadata. Read as written, the model summarized the JSON ("The cell_type
 * parameter specifies the output of the cell_type method."), so a notebook is turned into text once, two
 * ways:
 * - what a reader sees (`shown`): the markdown and code of its cells and the text of their outputs, in order;
 *   grounding and the last check hold a summary to it;
 * - what the model reads (`article`): the prose of its markdown cells, which say what the notebook does,
 *   without the code, as the Markdown reading leaves out code blocks (markdown-prose.ts). A notebook with next
 *   to no markdown is read as its code, as a source file is.
 */

interface Cell {
  kind: 'markdown' | 'code';
  source: string;
  outputs: string[];
}

/**
 * Of each output, what grounding sees: a printed table of ten thousand rows would make the notebook too long
 * to summarize, and a summary cites the start of an output if anything.
 */
const MAX_OUTPUT_CHARS = 2000;

/** Below this many words of markdown, a notebook is read as its code. */
const MIN_MARKDOWN_WORDS = 20;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A notebook's source or output text: a string, or lines in an array (nbformat 4). */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').join('');
  return '';
}

/** The text of a code cell's outputs: printed streams and plain-text results, not images or HTML. */
function outputsOf(cell: Record<string, unknown>): string[] {
  const outputs = Array.isArray(cell['outputs']) ? cell['outputs'] : [];
  return outputs.flatMap((o: unknown) => {
    if (!isRecord(o)) return [];
    if (o['output_type'] === 'stream') return [textOf(o['text'])];
    const data = o['data'];
    return isRecord(data) && 'text/plain' in data ? [textOf(data['text/plain'])] : [];
  });
}

function cellsOf(text: string): Cell[] | null {
  const head = text.trimStart();
  if (!head.startsWith('{') || !text.includes('"cells"') || !text.includes('"cell_type"')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(json) || !Array.isArray(json['cells'])) return null;
  const cells: Cell[] = [];
  for (const c of json['cells'] as unknown[]) {
    if (!isRecord(c)) continue;
    const kind = c['cell_type'];
    if (kind !== 'markdown' && kind !== 'code') continue; // raw cells are for converters
    const source = textOf(c['source']).trim();
    const outputs =
      kind === 'code'
        ? outputsOf(c)
            .map((o) => o.trim().slice(0, MAX_OUTPUT_CHARS))
            .filter((o) => o.length > 0)
        : [];
    if (source.length > 0 || outputs.length > 0) cells.push({ kind, source, outputs });
  }
  return cells;
}

/** The notebook `text` as text (see the module comment), or null when it is not a notebook. */
export function notebookText(text: string): Unwrapped | null {
  const cells = cellsOf(text);
  if (cells === null) return null;
  const shown = cells.flatMap((c) => [c.source, ...c.outputs].filter((s) => s.length > 0)).join('\n\n');
  const markdown = cells.filter((c) => c.kind === 'markdown' && c.source.length > 0).map((c) => c.source);
  const code = cells.filter((c) => c.kind === 'code' && c.source.length > 0).map((c) => c.source);
  const prose = proseOfStructured(markdown.join('\n\n'));
  const article =
    whitespaceWords(prose).length >= MIN_MARKDOWN_WORDS || code.length === 0 ? prose : code.join('\n\n');
  return { shown, article };
}
