/**
 * Text-level API: `summarize` (one weighting) and `preview` (k weightings decoded as one batch from one
 * prefill). A document longer than one pass is read through its salient passages (passages.ts), or, with
 * `longDocuments: 'chunks'`, split into token-aware chunks, summarized per chunk, and the joined chunk
 * summaries are summarized again until they fit. The result goes through the last check (last-check.ts).
 */
import { performance } from 'node:perf_hooks';
import { splitIntoChunks } from './chunking';
import { selectPassages } from './passages';
import { unwrapFormat } from './document-format';
import { readingOf } from './reading';
import { BadOptions, BadWeights, EmptyInput, InputTooLarge, NoUsableSummary, throwIfAborted } from './errors';
import { generateBatch, type BatchOptions, type BatchRequest } from './decode';
import {
  resolveMaxNewTokens,
  resolveSampling,
  type Grounding,
  type ResolvedSampling,
} from './generation/config';
import { documentGrounding } from './grounding/document-grounding';
import { finished, retryUnusable, type RowOutput } from './last-check';
import type { WeightRecord } from './manifest';
import type { Model } from './model';
import { buildPrompt } from './prompt';
import type {
  PreviewOptions,
  PreviewResult,
  PreviewItem,
  SummarizeOptions,
  SummaryResult,
  Timings,
} from './summary-types';
import { SummaryMemo, type MemoEntry } from './summary-memo';
import { checkDocument } from './text';
import { TextStreamer } from './tokenizer';
import { normaliseWeights, weightRecord, type Weighting } from './weights';

export type {
  PreviewItem,
  PreviewOptions,
  PreviewResult,
  ProgressEvent,
  SummarizeOptions,
  SummaryResult,
  Timings,
  TokenEvent,
} from './summary-types';

export const DEFAULT_MAX_INPUT_TOKENS = 32768;
const DEFAULT_OVERLAP_TOKENS = 64;
const MAX_LEVELS = 6;
/**
 * How much of a long document's salient passages the model reads. Less than the context: this small model
 * summarized the opening 1,500 characters of the project's README well and 1,800 tokens of its passages badly.
 */
const PASSAGE_TOKENS = 768;
/** A document of more characters than this many per allowed token is refused before tokenizing it. */
const CHARS_PER_TOKEN_BOUND = 32;

/** Summarizes `text` with one weighting. */
export async function summarize(
  model: Model,
  text: string,
  options: SummarizeOptions = {},
): Promise<SummaryResult> {
  const weighting = normaliseWeights(
    model.manifest.objectives,
    options.weights ?? model.manifest.defaultWeights,
  );
  const { rows, timings } = await run(model, text, [weighting], options);
  const row = rows[0]!;
  if (row.problem !== undefined) throw new NoUsableSummary(row.problem);
  return {
    summary: row.summary,
    tokens: row.tokens,
    weights: weighting.record,
    ...writtenAtRecord(model, row),
    finishReason: row.finishReason,
    timings,
  };
}

/** `writtenAt` as a weight record, where the summary was decoded at another weighting than asked. */
function writtenAtRecord(model: Model, row: RowOutput): { writtenAt?: WeightRecord } {
  return row.writtenAt === undefined
    ? {}
    : { writtenAt: weightRecord(model.manifest.objectives, row.writtenAt) };
}

/** Summarizes `text` with each weighting; the weightings are decoded together from one shared prefill. */
export async function preview(
  model: Model,
  text: string,
  weightsList: readonly WeightRecord[],
  options: PreviewOptions = {},
): Promise<PreviewItem[]> {
  return (await previewDetailed(model, text, weightsList, options)).items;
}

/** `preview` with its timings. */
export async function previewDetailed(
  model: Model,
  text: string,
  weightsList: readonly WeightRecord[],
  options: PreviewOptions = {},
): Promise<PreviewResult> {
  if (weightsList.length === 0) throw new BadWeights('Give at least one weighting to preview.');
  const weightings = weightsList.map((w) => normaliseWeights(model.manifest.objectives, w));
  const { rows, timings } = await run(model, text, weightings, options);
  return {
    items: rows.map((r, i) => ({
      weights: weightings[i]!.record,
      summary: r.summary,
      tokens: r.tokens,
      finishReason: r.finishReason,
      ...writtenAtRecord(model, r),
      ...(r.problem !== undefined ? { problem: r.problem } : {}),
    })),
    timings,
  };
}

/** Grounded decoding's view of `document`, unless the options turn it off. */
function groundingFor(model: Model, document: string, sampling: ResolvedSampling): Grounding | undefined {
  if (!sampling.grounded) return undefined;
  return documentGrounding(model.tokenizer, document, sampling.wording);
}

async function run(
  model: Model,
  text: string,
  weightings: readonly Weighting[],
  options: SummarizeOptions,
): Promise<{ rows: RowOutput[]; timings: Timings }> {
  const start = performance.now();
  const { manifest, tokenizer } = model;
  const maxNewTokens = resolveMaxNewTokens(options.maxNewTokens, manifest.generation);
  const sampling = resolveSampling(options.sampling, manifest.generation);
  const maxInputTokens = options.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS;
  if (!Number.isInteger(maxInputTokens) || maxInputTokens < 1)
    throw new BadOptions(`maxInputTokens must be a positive integer, got ${maxInputTokens}.`);
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0)
    throw new BadOptions(`overlapTokens must be an integer ≥ 0, got ${overlapTokens}.`);
  const signal = options.signal;
  throwIfAborted(signal);

  const written = checkDocument(text);
  // A web page or a notebook is held to what a reader sees of it and read as its article (document-format.ts).
  const unwrapped = unwrapFormat(written);
  const document = unwrapped?.shown ?? written;
  if (document.length === 0) throw new EmptyInput('The file shows no text: there is nothing to summarize.');
  if (document.length > maxInputTokens * CHARS_PER_TOKEN_BOUND)
    throw new InputTooLarge(document.length, maxInputTokens, 'characters');
  const count = (s: string): number => tokenizer.encode(s, false).length;
  const documentTokens = count(document);
  if (documentTokens > maxInputTokens) throw new InputTooLarge(documentTokens, maxInputTokens);

  // Room for the document: the context minus the template, the response and the token fed first.
  const overhead = Math.max(
    ...weightings.map((w) => tokenizer.encode(buildPrompt(manifest, '', w.vector)).length),
  );
  const budget = manifest.contextLength - overhead - maxNewTokens - 1;
  if (budget < 16)
    throw new BadOptions(
      `maxNewTokens=${maxNewTokens} leaves no room for the document in the model's context of ${manifest.contextLength} tokens; ask for fewer new tokens.`,
    );

  // A summary already made with these weights and options is given again as it was (summary-memo.ts).
  const memoOptions = {
    maxNewTokens,
    sampling,
    overlapTokens,
    longDocuments: options.longDocuments ?? 'passages',
    readingTokens: options.readingTokens ?? null,
  };
  const memoKeys = weightings.map((w) => SummaryMemo.key(document, w.vector, memoOptions));
  const remembered = (options.reuseSummaries ?? false) ? memoKeys.map((k) => model.summaries.get(k)) : [];
  if (remembered.length > 0 && remembered.every((e) => e !== undefined))
    return replay(model, remembered as MemoEntry[], start, options);

  const timings: Timings = {
    totalMs: 0,
    prefillMs: 0,
    decodeMs: 0,
    firstTokenMs: 0,
    promptTokens: 0,
    generatedTokens: 0,
    decodeTokensPerSecond: 0,
    prefixReused: false,
    chunks: 1,
  };
  const grounding = groundingFor(model, document, sampling);
  const batchOptions: BatchOptions = {
    maxNewTokens,
    sampling,
    prefixReuse: options.prefixReuse ?? true,
    promptLookup: options.promptLookup ?? true,
    ...(signal ? { signal } : {}),
    ...(grounding ? { grounding } : {}),
  };

  // What the model reads (reading.ts); grounding keeps the whole document.
  const reading = readingOf(unwrapped && unwrapped.article.trim().length > 0 ? unwrapped.article : document);
  const readingTokens = reading === document ? documentTokens : count(reading);
  // docs[r]: what row r still has to summarize; rows that share a text share its chunks' prefills.
  let docs = weightings.map(() => reading);
  let docTokens = weightings.map(() => readingTokens);
  const cap = Math.min(budget, options.readingTokens ?? budget);
  if (readingTokens > cap && (options.longDocuments ?? 'passages') === 'passages') {
    const selection = selectPassages(reading, count, Math.min(cap, PASSAGE_TOKENS));
    options.onProgress?.({
      stage: 'select',
      done: selection.kept,
      total: selection.total,
      message: `Reading the ${selection.kept} most relevant of ${selection.total} passages`,
    });
    docs = weightings.map(() => selection.text);
    docTokens = weightings.map(() => count(selection.text));
  }
  for (let level = 0; ; level++) {
    if (docTokens.every((t) => t <= budget)) break;
    if (level >= MAX_LEVELS)
      throw new BadOptions(
        'The document could not be reduced to fit the context; use fewer --max-new-tokens or a shorter document.',
      );
    const next = [...docs];
    const byText = new Map<string, number[]>();
    docs.forEach((d, r) => {
      if (docTokens[r]! > budget) byText.set(d, [...(byText.get(d) ?? []), r]);
    });
    for (const [doc, rowsOfDoc] of byText) {
      const chunks = splitIntoChunks(doc, count, { maxTokens: budget, overlapTokens });
      if (level === 0) timings.chunks = chunks.length;
      const summaries: string[][] = rowsOfDoc.map(() => []);
      for (let c = 0; c < chunks.length; c++) {
        throwIfAborted(signal);
        options.onProgress?.({
          stage: level === 0 ? 'chunk' : 'combine',
          done: c,
          total: chunks.length,
          message: `${level === 0 ? 'Summarizing part' : 'Combining summaries, part'} ${c + 1} of ${chunks.length}`,
        });
        const requests: BatchRequest[] = rowsOfDoc.map((r) => ({
          promptIds: tokenizer.encode(buildPrompt(manifest, chunks[c]!, weightings[r]!.vector)),
          weights: weightings[r]!.vector,
        }));
        const { rows, stats } = await generateBatch(model, requests, batchOptions);
        timings.prefillMs += stats.prefillMs;
        timings.decodeMs += stats.decodeMs;
        rows.forEach((row, i) => summaries[i]!.push(tokenizer.decode(row.tokens).trim()));
      }
      rowsOfDoc.forEach((r, i) => {
        const joined = summaries[i]!.filter((s) => s.length > 0).join('\n\n');
        next[r] = joined.length > 0 ? joined : doc.slice(0, 1000);
      });
      options.onProgress?.({
        stage: level === 0 ? 'chunk' : 'combine',
        done: chunks.length,
        total: chunks.length,
        message: `Summarized ${chunks.length} parts`,
      });
    }
    const nextTokens = next.map(count);
    if (nextTokens.some((t, r) => docTokens[r]! > budget && t >= docTokens[r]!))
      throw new BadOptions(
        'The chunk summaries are not shorter than the document; use fewer --max-new-tokens.',
      );
    docs = next;
    docTokens = nextTokens;
  }

  // The final stage, streamed.
  throwIfAborted(signal);
  const finalStart = performance.now();
  const streamers = weightings.map(() => new TextStreamer(tokenizer));
  const requests: BatchRequest[] = weightings.map((w, r) => ({
    promptIds: tokenizer.encode(buildPrompt(manifest, docs[r]!, w.vector)),
    weights: w.vector,
  }));
  const eos = new Set(manifest.specialTokens.eos);
  const { rows, stats } = await generateBatch(model, requests, {
    ...batchOptions,
    onToken: (t) => {
      if (!options.onToken || eos.has(t.id)) return;
      options.onToken({ row: t.row, id: t.id, index: t.index, text: streamers[t.row]!.push(t.id) });
    },
    onPrefill: (done, total) =>
      options.onProgress?.({
        stage: 'prefill',
        done,
        total,
        message: `Reading the document (${done}/${total} tokens)`,
      }),
  });
  if (options.onToken) {
    streamers.forEach((s, r) => {
      const rest = s.flush();
      if (rest.length > 0) options.onToken?.({ row: r, id: -1, index: rows[r]!.tokens.length, text: rest });
    });
  }

  timings.prefillMs += stats.prefillMs;
  timings.decodeMs += stats.decodeMs;
  timings.firstTokenMs = finalStart - start + stats.firstTokenMs;
  timings.promptTokens = requests[0]!.promptIds.length;
  timings.generatedTokens = stats.generatedTokens;
  timings.decodeTokensPerSecond = stats.decodeMs > 0 ? (stats.generatedTokens * 1000) / stats.decodeMs : 0;
  timings.prefixReused = stats.prefixReused;
  const outputs: RowOutput[] = rows.map((r) => finished(model, r, grounding));
  if (sampling.grounded)
    await retryUnusable(model, document, requests, outputs, batchOptions, options.onProgress);
  outputs.forEach((row, r) =>
    model.summaries.set(memoKeys[r]!, { row, promptTokens: timings.promptTokens, chunks: timings.chunks }),
  );
  timings.totalMs = performance.now() - start;
  return { rows: outputs, timings };
}

/** Remembered summaries, streamed as if decoded (no prefill, no decoding). */
function replay(
  model: Model,
  entries: readonly MemoEntry[],
  start: number,
  options: SummarizeOptions,
): { rows: RowOutput[]; timings: Timings } {
  if (options.onToken) {
    entries.forEach(({ row }, r) => {
      const streamer = new TextStreamer(model.tokenizer);
      row.tokens.forEach((id, index) => options.onToken?.({ row: r, id, index, text: streamer.push(id) }));
      const rest = streamer.flush();
      if (rest.length > 0) options.onToken?.({ row: r, id: -1, index: row.tokens.length, text: rest });
    });
  }
  const ms = performance.now() - start;
  return {
    rows: entries.map((e) => e.row),
    timings: {
      totalMs: ms,
      prefillMs: 0,
      decodeMs: 0,
      firstTokenMs: ms,
      promptTokens: entries[0]!.promptTokens,
      generatedTokens: 0,
      decodeTokensPerSecond: 0,
      prefixReused: true,
      chunks: entries[0]!.chunks,
    },
  };
}
