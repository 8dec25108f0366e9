/**
 * Prompt-lookup drafts against one token per run, side by side: `node dist/bench-lookup.js [--model DIR]
 * [--graph fast] [FILE ...]` summarizes each file at the vertices and the default weighting, with drafts
 * and without, interleaved (two rounds), and prints the time of each to a finished summary (the document
 * read before, as at a change of weights; the last check's decoding again included) and whether the
 * summaries are the same; then a preview of those four weightings at once (branches of one cache row, each
 * drafting on its own), with drafts and without, beside the one summary at the default weighting.
 * Default files: examples/article.txt, README.md, src/engine/decode.ts, docs/architecture.md.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename, join } from 'node:path';
import { NoUsableSummary } from '../src/engine/errors';
import { loadModel, type Model } from '../src/engine/model';
import { previewDetailed, summarize } from '../src/engine/summarize';
import type { SummarizeOptions } from '../src/engine/summary-types';
import { packageRoot } from '../src/shared/paths';
import type { WeightRecord } from '../src/engine/manifest';

interface Case {
  file: string;
  weights: WeightRecord;
  offMs: number[];
  onMs: number[];
  tokens: number;
  same: boolean;
  text: string;
}

/** Decode time and text of one summary; an answer that no usable summary came out is one too. */
async function timed(
  model: Model,
  text: string,
  options: SummarizeOptions,
): Promise<{ ms: number; text: string; tokens: number }> {
  const start = performance.now();
  try {
    const r = await summarize(model, text, options);
    return { ms: r.timings.totalMs, text: r.summary, tokens: r.timings.generatedTokens };
  } catch (e) {
    if (!(e instanceof NoUsableSummary)) throw e;
    return { ms: performance.now() - start, text: '(no usable summary)', tokens: 0 };
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const root = packageRoot(__dirname);
  const modelDir = flag('--model') ?? join(root, 'models', 'clp-smollm2-135m');
  const graph = flag('--graph');
  const files =
    args.length > 0
      ? args
      : ['examples/article.txt', 'README.md', 'src/engine/decode.ts', 'docs/architecture.md'].map((f) =>
          join(root, f),
        );
  const model = await loadModel(modelDir, { threads: 2, ...(graph ? { graph } : {}) });
  const weightings: WeightRecord[] = [{}, ...model.manifest.objectives.map((o) => ({ [o.id]: 1 }))];
  const cases: Case[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const weights of weightings) {
      const c: Case = { file: basename(file), weights, offMs: [], onMs: [], tokens: 0, same: true, text: '' };
      const chosen = Object.keys(weights).length > 0 ? { weights } : {};
      await timed(model, text, chosen); // the document's prefill, reused by every run after it
      for (let round = 0; round < 2; round++) {
        const off = await timed(model, text, { ...chosen, promptLookup: false });
        const on = await timed(model, text, { ...chosen, promptLookup: true });
        c.offMs.push(off.ms);
        c.onMs.push(on.ms);
        c.tokens = on.tokens;
        c.same &&= off.text === on.text;
        if (off.text !== on.text)
          console.log(`  one token per run: ${off.text}\n  with drafts:       ${on.text}`);
        c.text = on.text;
      }
      cases.push(c);
      const w = Object.keys(weights).join('') || 'default';
      console.log(
        `${c.file} ${w}: ${median(c.offMs).toFixed(0)} → ${median(c.onMs).toFixed(0)} ms, ${c.tokens} tokens${c.same ? '' : ' (summary differs)'}`,
      );
    }
  }
  const off = cases.reduce((s, c) => s + median(c.offMs), 0);
  const on = cases.reduce((s, c) => s + median(c.onMs), 0);
  console.log(
    `\nall: ${off.toFixed(0)} ms one token per run, ${on.toFixed(0)} ms with drafts: ×${(off / on).toFixed(2)}; ` +
      `${cases.filter((c) => c.same).length} of ${cases.length} summaries the same`,
  );

  console.log(
    '\npreviews of the 4 weightings (document read before), against one summary at the default weighting:',
  );
  let previewOff = 0;
  let previewOn = 0;
  let single = 0;
  const previewed = weightings.map((w) => (Object.keys(w).length > 0 ? w : model.manifest.defaultWeights));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const offMs: number[] = [];
    const onMs: number[] = [];
    let same = true;
    for (let round = 0; round < 2; round++) {
      const a = await previewDetailed(model, text, previewed, { promptLookup: false });
      const b = await previewDetailed(model, text, previewed, { promptLookup: true });
      offMs.push(a.timings.totalMs);
      onMs.push(b.timings.totalMs);
      same &&= a.items.every((item, i) => item.summary === b.items[i]!.summary);
    }
    const one = median(
      cases.find((c) => c.file === basename(file) && Object.keys(c.weights).length === 0)!.onMs,
    );
    previewOff += median(offMs);
    previewOn += median(onMs);
    single += one;
    console.log(
      `${basename(file)}: ${median(offMs).toFixed(0)} → ${median(onMs).toFixed(0)} ms (one summary ${one.toFixed(0)} ms: ` +
        `×${(median(onMs) / one).toFixed(2)})${same ? '' : ' (summaries differ)'}`,
    );
  }
  console.log(
    `all previews: ${previewOff.toFixed(0)} → ${previewOn.toFixed(0)} ms with drafts (×${(previewOff / previewOn).toFixed(2)}); ` +
      `preview / one summary ${(previewOn / single).toFixed(2)}`,
  );
  await model.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
