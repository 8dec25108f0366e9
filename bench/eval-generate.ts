/**
 * Per-kind evaluation, part 1: summaries from the real engine, as a user gets them.
 *
 *   node dist/eval-generate.js --data /work/built-data --kinds news,dialogue,long --per-kind 6,long=2 \
 *     --out /tmp/per-kind.jsonl [--model DIR] [--label NAME] [--modes grounded,ungrounded]
 *   node dist/eval-generate.js --input docs.jsonl --out /tmp/per-kind.jsonl      # lines {id, kind, document}
 *
 * The model is loaded once (quantized graph on the CPU by default). Each document is previewed with the
 * simplex grid of `--divisions` (4: 15 weightings, the order of training/steer_train/metrics.simplex_grid)
 * plus the manifest's default weighting, once per mode: `grounded` (the engine's default) and `ungrounded`
 * (`sampling: { grounded: false }`, decoding as it was before grounded decoding). Both modes share the
 * document's prefill through the prefix cache. One JSONL line per (document, mode, weighting):
 * {id, kind, model, mode, weights, grid, summary, tokens, finishReason, problem?, writtenAt?, ms, chunks, docWords,
 * docSha1, cut?}. `weights` is id → weight; `grid` is false for the default weighting; `ms` is the time
 * of the whole preview (all weightings of the document in that mode); `cut` says how a document longer than
 * `--max-words` was shortened before the engine saw it ({lines: n}: its first n lines; {words: n}: its first
 * n words joined by spaces) and `docSha1` is the SHA-1 of the UTF-8 text the engine got, so the scorer can
 * check it rebuilt the same text.
 *
 * Resumable: (id, mode, model label) already in `--out` are skipped. With --data, the documents are the test
 * split of DIR/<kind>/data.jsonl, sorted by id and shuffled with `--seed`, the first N per kind taken; the
 * kinds are interleaved so a partial run covers every kind.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { modelDir } from '../src/shared/paths';
import type { WeightRecord } from '../src/engine/manifest';
import { loadModel, type Model } from '../src/engine/model';
import type { DeviceRequest } from '../src/engine/devices';
import { NoUsableSummary } from '../src/engine/errors';
import { previewDetailed, summarize } from '../src/engine/summarize';
import type { PreviewItem, PreviewOptions, Timings } from '../src/engine/summary-types';

export const MODES = ['grounded', 'ungrounded'] as const;
export type Mode = (typeof MODES)[number];

export interface EvalDocument {
  id: string;
  kind: string;
  document: string;
}

export interface Cut {
  lines?: number;
  words?: number;
}

interface Options {
  data: string | null;
  input: string | null;
  out: string;
  kinds: string[] | null;
  perKind: number;
  perKindOf: Map<string, number>;
  seed: number;
  maxWords: number;
  divisions: number;
  modes: Mode[];
  wording: 'open' | 'document';
  /** The end-of-sequence bias at the brevity vertex (SamplingOptions.endBias); null: the manifest's. */
  endBias: number | null;
  model: string;
  label: string | null;
  device: DeviceRequest;
  graph: string;
  threads: number | null;
  maxNewTokens: number | null;
  readingTokens: number | null;
  limit: number | null;
  /** Each weighting summarized on its own, with prompt-lookup drafts or without (null: one preview). */
  alone: 'drafts' | 'plain' | null;
}

const USAGE = `usage: node dist/eval-generate.js (--data DIR | --input FILE) --out FILE [options]
  --data DIR           built editor data (DIR/<kind>/data.jsonl); the test split is used
  --input FILE         JSONL of {id, kind, document} instead of --data
  --out FILE           JSONL of summaries (appended; finished documents are skipped)
  --kinds a,b,...      kinds to take from --data (default: every DIR/<kind> there)
  --per-kind N[,k=M]   documents per kind (default 6), e.g. 6,long=2
  --seed S             the shuffle of each kind's test split (default 0)
  --max-words N        longer documents are cut to about N words at a line boundary (default 2500)
  --divisions D        the simplex grid (default 4: 15 weightings), plus the default weighting
  --modes a,b          grounded,ungrounded (default both)
  --model DIR          model directory (default $STEER_MODEL_DIR or models/clp-smollm2-135m)
  --label NAME         the model's name in the records (default: the directory's name)
  --reading-tokens N   read at most N tokens of a document, its salient passages beyond
  --wording open|document  grounded decoding's lower-case words: any English word (default) or the
                       document's wording only (SamplingOptions.wording)
  --end-bias X         the end-of-sequence bias at the concise vertex (SamplingOptions.endBias;
                       default: the manifest's decoding.endBias, 0 turns it off)
  --device D --graph G --threads N --max-new-tokens N
  --limit N            stop after N documents (for timing runs)
  --alone drafts|plain each weighting summarized on its own, as one summary in the Steering view, with
                       prompt-lookup drafts or one token per run (default: all weightings in one preview)`;

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    data: null,
    input: null,
    out: '',
    kinds: null,
    perKind: 6,
    perKindOf: new Map(),
    seed: 0,
    maxWords: 2500,
    wording: 'open',
    endBias: null,
    divisions: 4,
    modes: [...MODES],
    model: modelDir(null),
    label: null,
    device: 'cpu',
    graph: 'quantized',
    threads: null,
    maxNewTokens: null,
    readingTokens: null,
    limit: null,
    alone: null,
  };
  const int = (flag: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer ≥ ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    switch (flag) {
      case '--data':
        o.data = v;
        break;
      case '--input':
        o.input = v;
        break;
      case '--out':
        o.out = v;
        break;
      case '--kinds':
        o.kinds = v.split(',').filter((k) => k.length > 0);
        break;
      case '--per-kind':
        for (const part of v.split(',')) {
          const [k, n] = part.includes('=') ? part.split('=') : [null, part];
          if (k === null) o.perKind = int(flag, n!, 0);
          else o.perKindOf.set(k!, int(flag, n!, 0));
        }
        break;
      case '--alone':
        if (v !== 'drafts' && v !== 'plain') throw new Error(`--alone is drafts or plain, got ${v}`);
        o.alone = v;
        break;
      case '--seed':
        o.seed = int(flag, v, 0);
        break;
      case '--max-words':
        o.maxWords = int(flag, v, 1);
        break;
      case '--divisions':
        o.divisions = int(flag, v, 1);
        break;
      case '--modes':
        o.modes = v.split(',').map((m) => {
          if (!(MODES as readonly string[]).includes(m)) throw new Error(`unknown mode ${m}`);
          return m as Mode;
        });
        break;
      case '--model':
        o.model = modelDir(v);
        break;
      case '--label':
        o.label = v;
        break;
      case '--device':
        o.device = v as DeviceRequest;
        break;
      case '--graph':
        o.graph = v;
        break;
      case '--threads':
        o.threads = int(flag, v, 1);
        break;
      case '--max-new-tokens':
        o.maxNewTokens = int(flag, v, 1);
        break;
      case '--reading-tokens':
        o.readingTokens = int(flag, v, 16);
        break;
      case '--wording':
        if (v !== 'open' && v !== 'document') throw new Error(`--wording is open or document, not ${v}`);
        o.wording = v;
        break;
      case '--end-bias':
        o.endBias = Number(v);
        if (!(o.endBias >= 0)) throw new Error(`--end-bias is a number >= 0, not ${v}`);
        break;
      case '--limit':
        o.limit = int(flag, v, 1);
        break;
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (!o.out) throw new Error(`--out is required\n${USAGE}`);
  if ((o.data === null) === (o.input === null)) throw new Error(`give one of --data and --input\n${USAGE}`);
  return o;
}

/** All points of the simplex with coordinates k/divisions, in metrics.simplex_grid's order. */
export function simplexGrid(m: number, divisions: number): number[][] {
  const compositions = (total: number, parts: number): number[][] => {
    if (parts === 1) return [[total]];
    const out: number[][] = [];
    for (let first = total; first >= 0; first--)
      for (const rest of compositions(total - first, parts - 1)) out.push([first, ...rest]);
    return out;
  };
  return compositions(divisions, m).map((c) => c.map((k) => k / divisions));
}

/** A deterministic PRNG (mulberry32) for the choice of documents. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const countWords = (s: string): number => s.split(/\s+/u).filter((w) => w.length > 0).length;

/** `text` cut to at most `maxWords` words: whole lines while they fit, else (one huge first line) words. */
export function capDocument(text: string, maxWords: number): { text: string; cut?: Cut } {
  if (countWords(text) <= maxWords) return { text };
  const lines = text.split('\n');
  let total = 0;
  let n = 0;
  while (n < lines.length && total + countWords(lines[n]!) <= maxWords) total += countWords(lines[n++]!);
  if (total > 0) return { text: lines.slice(0, n).join('\n'), cut: { lines: n } };
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  return { text: words.slice(0, maxWords).join(' '), cut: { words: maxWords } };
}

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function asDocument(r: Record<string, unknown>, kind: string | null): EvalDocument {
  const { id, document } = r;
  const k = kind ?? r.kind;
  if (typeof id !== 'string' || typeof document !== 'string' || typeof k !== 'string')
    throw new Error(`a record needs string id, kind and document: ${JSON.stringify(r).slice(0, 200)}`);
  return { id, kind: k, document };
}

/** The documents to summarize, kinds interleaved (first of each kind, then second of each, ...). */
function chooseDocuments(o: Options): EvalDocument[] {
  if (o.input !== null) return readJsonl(o.input).map((r) => asDocument(r, null));
  const data = o.data!;
  const kinds =
    o.kinds ??
    ['news', 'dialogue', 'science', 'docs', 'code', 'long', 'email'].filter((k) =>
      existsSync(join(data, k, 'data.jsonl')),
    );
  const perKind = kinds.map((kind) => {
    const test = readJsonl(join(data, kind, 'data.jsonl'))
      .filter((r) => r.split === 'test')
      .map((r) => asDocument(r, kind))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return shuffled(test, o.seed).slice(0, o.perKindOf.get(kind) ?? o.perKind);
  });
  const out: EvalDocument[] = [];
  for (let i = 0; perKind.some((docs) => i < docs.length); i++)
    for (const docs of perKind) if (i < docs.length) out.push(docs[i]!);
  return out;
}

function done(out: string): Set<string> {
  const seen = new Set<string>();
  if (!existsSync(out)) return seen;
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (line.trim().length === 0) continue;
    try {
      const r = JSON.parse(line) as { id: string; mode: string; model: string };
      seen.add(`${r.model}\t${r.id}\t${r.mode}`);
    } catch {
      // a line cut short by an interrupted run: its document is done again
    }
  }
  return seen;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const docs = chooseDocuments(o);
  const label = o.label ?? basename(o.model);
  const seen = done(o.out);
  const todo = docs.filter((d) => o.modes.some((m) => !seen.has(`${label}\t${d.id}\t${m}`)));
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  log(`eval-generate: ${docs.length} documents, ${docs.length - todo.length} already in ${o.out}`);
  if (todo.length === 0) return;

  const model: Model = await loadModel(o.model, {
    device: o.device,
    graph: o.graph,
    ...(o.threads !== null ? { threads: o.threads } : {}),
  });
  const objectives = model.manifest.objectives.map((x) => x.id);
  const toRecord = (v: readonly number[]): WeightRecord =>
    Object.fromEntries(objectives.map((id, i) => [id, v[i]!]));
  const grid = simplexGrid(objectives.length, o.divisions).map(toRecord);
  const weightsList = [...grid, model.manifest.defaultWeights];
  log(
    `eval-generate: ${label} on ${model.device}, ${model.graph} graph, loaded in ${model.loadMs.toFixed(0)} ms; ` +
      `${weightsList.length} weightings (grid of ${grid.length} + default) x ${o.modes.join(', ')}`,
  );

  const started = performance.now();
  const limit = o.limit ?? todo.length;
  try {
    for (let i = 0; i < Math.min(limit, todo.length); i++) {
      const d = todo[i]!;
      const { text, cut } = capDocument(d.document, o.maxWords);
      const docWords = countWords(text);
      const docSha1 = createHash('sha1').update(text, 'utf8').digest('hex');
      for (const mode of o.modes) {
        if (seen.has(`${label}\t${d.id}\t${mode}`)) continue;
        const t0 = performance.now();
        const base = { id: d.id, kind: d.kind, model: label, mode };
        const meta = { docWords, docSha1, ...(cut ? { cut } : {}) };
        let lines: string[];
        try {
          const options = {
            ...(o.maxNewTokens !== null ? { maxNewTokens: o.maxNewTokens } : {}),
            ...(o.readingTokens !== null ? { readingTokens: o.readingTokens } : {}),
            sampling: {
              grounded: mode === 'grounded',
              wording: o.wording,
              ...(o.endBias !== null ? { endBias: o.endBias } : {}),
            },
          };
          const { items, timings } =
            o.alone === null
              ? await previewDetailed(model, text, weightsList, options)
              : await oneByOne(model, text, weightsList, { ...options, promptLookup: o.alone === 'drafts' });
          const ms = Math.round(performance.now() - t0);
          lines = items.map((it, r) =>
            JSON.stringify({
              ...base,
              weights: it.weights,
              grid: r < grid.length,
              summary: it.summary,
              tokens: it.tokens.length,
              finishReason: it.finishReason,
              ...(it.problem !== undefined ? { problem: it.problem } : {}),
              ...(it.writtenAt !== undefined ? { writtenAt: it.writtenAt } : {}),
              ms,
              chunks: timings.chunks,
              ...meta,
            }),
          );
        } catch (err) {
          // An engine error (e.g. a document it refuses) is a result too: no summary at any weighting.
          const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
          const ms = Math.round(performance.now() - t0);
          lines = weightsList.map((w, r) =>
            JSON.stringify({
              ...base,
              weights: w,
              grid: r < grid.length,
              summary: '',
              tokens: 0,
              finishReason: 'error',
              problem: `engine error: ${message}`,
              error: true,
              ms,
              chunks: 0,
              ...meta,
            }),
          );
        }
        appendFileSync(o.out, `${lines.join('\n')}\n`);
        const elapsed = (performance.now() - started) / 1000;
        log(
          `[${i + 1}/${todo.length}] ${d.kind} ${d.id} ${mode}: ${docWords} words${cut ? ' (cut)' : ''}, ` +
            `${((performance.now() - t0) / 1000).toFixed(1)} s (${elapsed.toFixed(0)} s so far)`,
        );
      }
    }
  } finally {
    await model.dispose();
  }
}

/** The weightings summarized one after another, as preview items (a summary that could not be made has its problem). */
async function oneByOne(
  model: Model,
  text: string,
  weightsList: readonly WeightRecord[],
  options: PreviewOptions,
): Promise<{ items: PreviewItem[]; timings: Pick<Timings, 'chunks'> }> {
  const items: PreviewItem[] = [];
  let chunks = 1;
  for (const weights of weightsList) {
    try {
      const r = await summarize(model, text, { ...options, weights });
      chunks = r.timings.chunks;
      items.push({ weights: r.weights, summary: r.summary, tokens: r.tokens, finishReason: r.finishReason });
    } catch (e) {
      if (!(e instanceof NoUsableSummary)) throw e;
      items.push({ weights, summary: '', tokens: [], finishReason: 'length', problem: e.message });
    }
  }
  return { items, timings: { chunks } };
}

main().catch((err: unknown) => {
  process.stderr.write(`eval-generate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
