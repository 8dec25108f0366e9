/**
 * Text-level API: `summarize` (one weighting) and `preview` (k weightings decoded as one batch from one
 * prefill). A document longer than one pass is read through its salient passages (passages.ts), or, with
 * `longDocuments: 'chunks'`, split into token-aware chunks, summarized per chunk, and the joined chunk
 * summaries are summarized again until they fit.
 */
import { performance } from 'node:perf_hooks';
import { splitIntoChunks } from './chunking';
import { markdownProse } from './markdown-prose';
import { proseOpener } from './prose-opener';
import { selectPassages } from './passages';
import { BadOptions, BadWeights, InputTooLarge, NoUsableSummary, throwIfAborted } from './errors';
import { generateBatch, type BatchOptions, type BatchRequest } from './decode';
import {
  resolveMaxNewTokens,
  resolveSampling,
  type Grounding,
  type ResolvedSampling,
  type SamplingOptions,
} from './generation/config';
import { documentGrounding } from './grounding/document-grounding';
import {
  endAtSentence,
  endsSentence,
  unusable,
  unusableMessage,
  withoutUnfinishedEnd,
  type Unusable,
} from './grounding/usability';
import type { FinishReason } from './generation/generator';
import type { WeightRecord } from './manifest';
import type { Model } from './model';
import { buildPrompt } from './prompt';
import { checkDocument } from './text';
import { TextStreamer } from './tokenizer';
import { normaliseWeights, type Weighting } from './weights';

export interface TokenEvent {
  /** Index of the weighting (always 0 for summarize). */
  row: number;
  id: number;
  /** 0-based index in the summary. */
  index: number;
  /** New text of the summary (may be empty while a multi-byte character is incomplete). */
  text: string;
}

export interface ProgressEvent {
  stage: 'prefill' | 'select' | 'chunk' | 'combine' | 'retry';
  done: number;
  total: number;
  message: string;
}

export interface SummarizeOptions {
  /** id → weight; validated and normalised. Default: the manifest's defaultWeights. */
  weights?: WeightRecord;
  maxNewTokens?: number;
  sampling?: SamplingOptions;
  signal?: AbortSignal;
  onToken?: (event: TokenEvent) => void;
  onProgress?: (event: ProgressEvent) => void;
  /** Hard limit on the document's length in tokens (default 32768); longer input is `InputTooLarge`. */
  maxInputTokens?: number;
  /** Overlap between chunks of a long document, in tokens (default 64). */
  overlapTokens?: number;
  /** Use the prefix cache (default true); false forces a cold prefill (for benchmarks). */
  prefixReuse?: boolean;
  /**
   * A document longer than one pass: `passages` (default) reads its salient passages in one pass
   * (passages.ts); `chunks` summarizes it part by part, then the parts' summaries.
   */
  longDocuments?: 'passages' | 'chunks';
}

export type PreviewOptions = Omit<SummarizeOptions, 'weights'>;

export interface Timings {
  totalMs: number;
  prefillMs: number;
  decodeMs: number;
  /** From the call to the first token of the final summary. */
  firstTokenMs: number;
  promptTokens: number;
  generatedTokens: number;
  decodeTokensPerSecond: number;
  /** Whether the final stage's prefill came from the prefix cache. */
  prefixReused: boolean;
  /** Chunks of the document (1 when it fit at once). */
  chunks: number;
}

export interface SummaryResult {
  summary: string;
  tokens: number[];
  weights: WeightRecord;
  finishReason: FinishReason;
  timings: Timings;
}

export interface PreviewItem {
  weights: WeightRecord;
  /** Empty when no usable summary came out (see `problem`). */
  summary: string;
  tokens: number[];
  finishReason: FinishReason;
  /** Why this weighting has no summary: two decodings were empty, looping or markup only. */
  problem?: string;
}

export interface PreviewResult {
  items: PreviewItem[];
  timings: Timings;
}

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

interface RowOutput {
  tokens: number[];
  finishReason: FinishReason;
  summary: string;
  problem?: string;
}

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
    finishReason: row.finishReason,
    timings,
  };
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
      ...(r.problem !== undefined ? { problem: r.problem } : {}),
    })),
    timings,
  };
}

/** The words of the prompt around the document ("You are a helpful assistant ..."), lower case. */
function promptWords(model: Model): string {
  const t = model.manifest.prompt.template.replace('{document}', ' ').replace('{weights}', ' ');
  return ` ${t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
}

/** Whether a summary only repeats the prompt's own words (the system message), which small models do. */
function echoes(summary: string, prompt: string): boolean {
  const words = summary
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return words.length > 0 && prompt.includes(` ${words} `);
}

/**
 * A row's text. One cut off at the token limit, or ended by the model after a finished sentence and a
 * fragment, ends at its last finished sentence; a character left
 * incomplete is dropped; and under grounding, a last term left unfinished (the decoding ended inside a name
 * it could not complete) is cut off too, so the summary never ends in "Davi" for "David".
 */
function finished(
  model: Model,
  tokens: number[],
  finishReason: FinishReason,
  grounding?: Grounding,
): RowOutput {
  let text =
    tokens.length === 0
      ? ''
      : model.tokenizer
          .decode(tokens)
          .replace(/\uFFFD+$/u, '')
          .trim();
  // cut at the token limit, or ended without finishing its sentence: end at the last finished one
  if (finishReason !== 'eos' || !endsSentence(text)) text = endAtSentence(text);
  if (grounding) text = withoutUnfinishedEnd(text, grounding.continuation.doc);
  return { tokens, finishReason, summary: text };
}

/** Grounded decoding's view of `document`, unless the options turn it off. */
function groundingFor(model: Model, document: string, sampling: ResolvedSampling): Grounding | undefined {
  if (!sampling.grounded) return undefined;
  return documentGrounding(model.tokenizer, document);
}

/** A way to decode a row again: its sampling, and whether the summary opens with `proseOpener`'s words. */
interface RetryWay {
  sampling: ResolvedSampling;
  opener: boolean;
}

/**
 * The other ways a row is decoded when its summary is unusable, in order: greedy, opening with the words of
 * `proseOpener` ("This function ..."); then greedy with repeats penalised harder, in the model's own words.
 * On 16 test documents of the docs and code kinds at 16 weightings, the penalised way alone left 27% of
 * the summaries unusable; the opener first left 0.4%. (Sampling was tried as another way: on source files it
 * wrote code-like text that passed every check.)
 */
function retryWays(s: ResolvedSampling): RetryWay[] {
  return [
    { sampling: { ...s, temperature: 0 }, opener: true },
    {
      sampling: {
        ...s,
        temperature: 0,
        repetitionPenalty: Math.max(s.repetitionPenalty, 1.3),
        noRepeatNgramSize: s.noRepeatNgramSize > 0 ? Math.min(s.noRepeatNgramSize, 3) : 3,
        minNewTokens: Math.max(s.minNewTokens, 8),
      },
      opener: false,
    },
  ];
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

  const document = checkDocument(text);
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
    ...(signal ? { signal } : {}),
    ...(grounding ? { grounding } : {}),
  };

  // What the model reads: a Markdown document's prose (markdown-prose.ts); grounding keeps the whole document.
  const reading = markdownProse(document);
  const readingTokens = reading === document ? documentTokens : count(reading);
  // docs[r]: what row r still has to summarize; rows that share a text share its chunks' prefills.
  let docs = weightings.map(() => reading);
  let docTokens = weightings.map(() => readingTokens);
  if (readingTokens > budget && (options.longDocuments ?? 'passages') === 'passages') {
    const selection = selectPassages(reading, count, Math.min(budget, PASSAGE_TOKENS));
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
  const outputs: RowOutput[] = rows.map((r) => finished(model, r.tokens, r.finishReason, grounding));
  if (sampling.grounded)
    await retryUnusable(model, document, requests, outputs, batchOptions, options.onProgress);
  timings.totalMs = performance.now() - start;
  return { rows: outputs, timings };
}

/**
 * The last check: a row whose summary is empty, looping or markup only is decoded again in other ways (from
 * the cached prefill); if they all fail the row carries a `problem` instead of a summary.
 */
async function retryUnusable(
  model: Model,
  document: string,
  requests: readonly BatchRequest[],
  outputs: RowOutput[],
  batchOptions: BatchOptions,
  onProgress: SummarizeOptions['onProgress'],
): Promise<void> {
  const prompt = promptWords(model);
  const check = (summary: string): Unusable | null =>
    unusable(summary) ?? (echoes(summary, prompt) ? 'empty' : null);
  const reasons = outputs.map((o) => check(o.summary));
  const opener = model.tokenizer.encode(proseOpener(document), false);
  for (const { sampling, opener: opens } of retryWays(batchOptions.sampling)) {
    const bad = reasons.flatMap((reason, r) => (reason === null ? [] : [r]));
    if (bad.length === 0) return;
    onProgress?.({
      stage: 'retry',
      done: 0,
      total: bad.length,
      message: 'Rewriting the summary: the first attempt was not usable prose',
    });
    const { rows } = await generateBatch(
      model,
      bad.map((r) => requests[r]!),
      { ...batchOptions, sampling, ...(opens ? { start: opener } : {}) },
    );
    rows.forEach((row, i) => {
      const r = bad[i]!;
      const out = finished(model, row.tokens, row.finishReason, batchOptions.grounding);
      const again = check(out.summary);
      if (again === null) outputs[r] = out;
      reasons[r] = again;
    });
  }
  reasons.forEach((reason, r) => {
    if (reason !== null)
      outputs[r] = {
        tokens: [],
        finishReason: outputs[r]!.finishReason,
        summary: '',
        problem: unusableMessage(reason),
      };
  });
}
