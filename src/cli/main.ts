/**
 * The `steer` command line: summarize and info, plus the subcommands the executable adds (src/bin/steer.ts
 * adds bench), all with the same error handling and exit statuses.
 */
import { SteerError, errorMessage, type SteerErrorCode } from '../engine/errors';
import { loadManifest } from '../engine/manifest';
import { loadModel, type Model } from '../engine/model';
import {
  DEFAULT_MAX_INPUT_TOKENS,
  previewDetailed,
  summarize,
  type ProgressEvent,
  type Timings,
} from '../engine/summarize';
import type { SamplingOptions } from '../engine/generation/config';
import type { WeightRecord } from '../engine/manifest-types';
import { checkDocument } from '../engine/text';
import { normaliseWeights, parseWeightsSpec, spreadWeights, formatWeights } from '../engine/weights';
import type { Io, Subcommand } from '../shared/command';
import { modelDir, packageVersion } from '../shared/paths';
import { UsageError, helpText, parseCli, type InfoArgs, type SummarizeArgs } from './args';
import { checkInputSize, readInput } from './input';

const EXIT: Record<SteerErrorCode, number> = {
  BAD_WEIGHTS: 2,
  BAD_OPTIONS: 2,
  MODEL_NOT_FOUND: 3,
  BAD_MANIFEST: 3,
  EMPTY_INPUT: 4,
  BINARY_INPUT: 4,
  UNREADABLE_INPUT: 4,
  INPUT_TOO_LARGE: 4,
  INFERENCE_FAILED: 5,
  DEVICE_UNAVAILABLE: 5,
  NO_USABLE_SUMMARY: 5,
  CANCELLED: 130,
};

export type { Io };

function progressWriter(io: Io, quiet: boolean): ((e: ProgressEvent) => void) | undefined {
  if (quiet) return undefined;
  let last = '';
  return (e) => {
    // Prefill progress only for long prompts; chunk progress always.
    if (e.stage === 'prefill' && e.total < 512) return;
    const line = `steer: ${e.message}`;
    if (line === last) return;
    last = line;
    io.stderr.write(`${line}\n`);
  };
}

async function summarizeCommand(args: SummarizeArgs, io: Io, signal: AbortSignal): Promise<number> {
  const text = await readInput(args.input);
  checkDocument(text); // empty or binary input fails before the model loads, and so does a huge one
  checkInputSize(text, args.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS);
  const dir = modelDir(args.model);
  const manifest = loadManifest(dir);
  const centre =
    args.weights === null ? manifest.defaultWeights : parseWeightsSpec(args.weights, manifest.presets);
  const weighting = normaliseWeights(manifest.objectives, centre);
  const weightsList =
    args.preview === null ? null : spreadWeights(manifest.objectives, args.preview, weighting.record);

  const sampling: SamplingOptions = {};
  if (args.temperature !== null) sampling.temperature = args.temperature;
  if (args.topP !== null) sampling.topP = args.topP;
  if (args.seed !== null) sampling.seed = args.seed;
  if (!args.grounded) sampling.grounded = false;

  const model: Model = await loadModel(dir, {
    device: args.device,
    ...(args.graph !== null ? { graph: args.graph } : {}),
    ...(args.threads !== null ? { threads: args.threads } : {}),
  });
  try {
    if (args.verbose)
      io.stderr.write(
        `steer: ${model.id} on ${model.device}, ${model.graph} graph, loaded in ${model.loadMs.toFixed(0)} ms` +
          `${model.deviceNote ? ` (no GPU: ${model.deviceNote})` : ''}\n`,
      );
    const common = {
      sampling,
      signal,
      ...(args.maxNewTokens !== null ? { maxNewTokens: args.maxNewTokens } : {}),
      ...(args.maxInputTokens !== null ? { maxInputTokens: args.maxInputTokens } : {}),
    };
    const onProgress = progressWriter(io, args.quiet);

    if (weightsList === null) {
      // Streamed to a terminal only: when the last check rewrites a summary, a pipe must get the final text alone.
      const stream = !args.json && (io.stdout as { isTTY?: boolean }).isTTY === true;
      let streamed = '';
      const result = await summarize(model, text, {
        ...common,
        weights: weighting.record,
        ...(onProgress ? { onProgress } : {}),
        ...(stream
          ? {
              onToken: (t) => {
                const piece = streamed.length === 0 ? t.text.trimStart() : t.text;
                streamed += piece;
                io.stdout.write(piece);
              },
            }
          : {}),
      });
      if (args.verbose) io.stderr.write(`steer: ${formatTimings(result.timings)}\n`);
      if (result.writtenAt && !args.quiet) io.stderr.write(`steer: ${writtenAtNote(result.writtenAt)}\n`);
      if (args.json) {
        io.stdout.write(
          `${JSON.stringify({
            summary: result.summary,
            weights: result.weights,
            ...(result.writtenAt ? { writtenAt: result.writtenAt } : {}),
            finishReason: result.finishReason,
            model: model.id,
            device: model.device,
            deviceNote: model.deviceNote,
            graph: model.graph,
            timings: result.timings,
          })}\n`,
        );
      } else {
        const rewritten = streamed.length > 0 && streamed.trim() !== result.summary;
        io.stdout.write(
          streamed.length === 0 ? `${result.summary}\n` : rewritten ? `\n\n${result.summary}\n` : '\n',
        );
      }
      return 0;
    }

    const { items, timings } = await previewDetailed(model, text, weightsList, {
      ...common,
      ...(onProgress ? { onProgress } : {}),
    });
    if (args.verbose) io.stderr.write(`steer: ${formatTimings(timings)}\n`);
    if (args.json) {
      io.stdout.write(
        `${JSON.stringify({
          summaries: items.map((i) => ({
            weights: i.weights,
            ...(i.writtenAt ? { writtenAt: i.writtenAt } : {}),
            summary: i.summary,
            finishReason: i.finishReason,
            ...(i.problem !== undefined ? { problem: i.problem } : {}),
          })),
          model: model.id,
          device: model.device,
          graph: model.graph,
          timings,
        })}\n`,
      );
    } else {
      io.stdout.write(
        items
          .map(
            (i) =>
              `## ${formatWeights(i.weights)}\n${i.problem ?? i.summary}\n` +
              (i.writtenAt ? `(${writtenAtNote(i.writtenAt)})\n` : ''),
          )
          .join('\n'),
      );
    }
    return 0;
  } finally {
    await model.dispose();
  }
}

function formatTimings(t: Timings): string {
  return (
    `${t.promptTokens} prompt tokens, ${t.generatedTokens} generated; prefill ${t.prefillMs.toFixed(0)} ms` +
    `${t.prefixReused ? ' (reused)' : ''}, first token ${t.firstTokenMs.toFixed(0)} ms, ` +
    `${t.decodeTokensPerSecond.toFixed(1)} tokens/s, total ${t.totalMs.toFixed(0)} ms` +
    `${t.chunks > 1 ? `, ${t.chunks} chunks` : ''}`
  );
}

function infoCommand(args: InfoArgs, io: Io): number {
  const dir = modelDir(args.model);
  const m = loadManifest(dir);
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ dir, ...m })}\n`);
    return 0;
  }
  const lines = [
    `model       ${m.id} (${dir})`,
    `base        ${m.base ? `${m.base.name}, ${m.base.licence}` : 'unknown'}`,
    `objectives  ${m.objectives.map((o) => `${o.id} (${o.label})`).join(', ')}`,
    `default     ${formatWeights(normaliseWeights(m.objectives, m.defaultWeights).record)}`,
    ...Object.entries(m.presets).map(([name, w]) => `preset      ${name}: ${formatWeights(w)}`),
    `conditioning ${m.conditioning.subset}, rank ${m.conditioning.rank}, ${m.conditioning.responseOnly ? 'response only' : 'every position'}`,
    `context     ${m.contextLength} tokens`,
    `graphs      ${Object.entries(m.graphs)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Runs the CLI; returns the exit status. Never throws. */
export async function main(
  argv: string[],
  io: Io = process,
  signal: AbortSignal = new AbortController().signal,
  subcommands: readonly Subcommand[] = [],
): Promise<number> {
  try {
    const [name, ...rest] = argv;
    const sub = subcommands.find((c) => c.name === name);
    if (sub !== undefined && !rest.includes('--help') && !rest.includes('-h'))
      return await sub.run(rest, io, signal);
    const args = parseCli(
      argv,
      subcommands.map((c) => c.name),
    );
    switch (args.command) {
      case 'help':
        io.stdout.write(helpText(subcommands));
        return 0;
      case 'version':
        io.stdout.write(`steer ${packageVersion()}\n`);
        return 0;
      case 'summarize':
        return await summarizeCommand(args, io, signal);
      case 'info':
        return infoCommand(args, io);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`steer: ${e.message}\n`);
      return 2;
    }
    if (e instanceof SteerError) {
      io.stderr.write(`steer: ${e.message.split('\n')[0]}\n`);
      return EXIT[e.code];
    }
    io.stderr.write(`steer: unexpected error: ${errorMessage(e).split('\n')[0]}\n`);
    if (process.env.STEER_DEBUG) io.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    return 1;
  }
}

/** Why a summary came from another weighting than asked for (the last check's fallback). */
function writtenAtNote(writtenAt: WeightRecord): string {
  return `no usable summary came at the weights asked for; this one was written at ${formatWeights(writtenAt)}`;
}
