/**
 * Browser-driven soak of the Steering view: with live summaries on, the Concise slider moves 20 times a
 * second for 60 s (arrow keys, so every step is a committed change and starts a summary that supersedes the
 * one before). Afterwards the summary shown is the one for the slider's last position, and the engine's
 * resident memory grew less than 10% over the soak, in the same process: the median of one reading a second
 * over the soak's last 20 s against the same over the warm-up's last 20 s. Single readings swing by a fifth
 * while summaries start and stop (the float16 cache's buffers are freed and taken again), a leak does not.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import type { UiContext } from '../runner/workbench';
import { check, enginePids, finishedSummary, openFile, openSteeringView, rssKb } from './steering-page';

const ARTICLE = resolve(__dirname, '..', '..', '..', '..', 'examples', 'article.txt');
const RATE_PER_S = 20;
const SOAK_S = 60;
// long enough for the float16 cache's smaller buffers to reach their working size too (single readings after
// 10 s measured 393 → 502 MB, after 25 s 459 → 503 MB, after 40 s 444 → 399 MB)
const WARMUP_S = 40;
const MAX_GROWTH = 0.1;
const SAMPLED_S = 20; // the last seconds of each phase whose readings are compared

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Presses arrow keys on the focused slider at RATE_PER_S for `seconds`: a seeded random walk. Calls `each`
 * once a second over the last SAMPLED_S seconds.
 */
async function moveSlider(page: Page, seconds: number, seed: number, each: () => void): Promise<number> {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let up = true;
  const t0 = Date.now();
  const n = seconds * RATE_PER_S;
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / RATE_PER_S;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    if (random() < 0.1) up = !up; // runs of steps one way, now and then turning
    await page.keyboard.press(up ? 'ArrowRight' : 'ArrowLeft');
    if (i % RATE_PER_S === RATE_PER_S - 1 && i >= n - SAMPLED_S * RATE_PER_S) each();
  }
  return n / ((Date.now() - t0) / 1000);
}

/** The summary once it is finished and made for the sliders' current weights (no "weights changed"). */
async function currentSummary(view: FrameLocator, timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await finishedSummary(view, null, Math.max(1, deadline - Date.now()));
    const used = view.locator('#summary-meta .weights-used');
    const stale = await view.locator('#summary-meta .weights-used .stale').count();
    if ((await used.count()) === 1 && stale === 0) return text;
    if (Date.now() > deadline) throw new Error(`the summary shown is not for the slider's weights: ${text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function onlyEngine(): number {
  const pids = enginePids();
  check(pids.length === 1, `one engine process, found ${pids.length}: ${pids.join(', ')}`);
  return pids[0]!;
}

export async function run(page: Page, ctx: UiContext): Promise<void> {
  await openFile(page, ctx, 'soak.md', readFileSync(ARTICLE, 'utf8'));
  const view = await openSteeringView(ctx);
  const live = view.locator('#live');
  if (!(await live.isChecked())) await live.check();
  await view.locator('#summarize').click();
  await currentSummary(view);
  const concise = view.locator('input[type=range][data-objective="concise"]');
  await concise.focus();

  // warm-up: the engine's buffers and caches reach their working size
  const pid = onlyEngine();
  const warm: number[] = [];
  await moveSlider(page, WARMUP_S, 1, () => warm.push(rssKb(pid)));
  await currentSummary(view);
  const before = median(warm);
  const mb = (kb: number) => Math.round(kb / 1024);
  ctx.log(
    `soak: engine ${pid} at ${mb(before)} MB (median; ${mb(Math.min(...warm))}-${mb(Math.max(...warm))}) late in the warm-up`,
  );

  const soaked: number[] = [];
  const rate = await moveSlider(page, SOAK_S, 2, () => soaked.push(rssKb(pid)));
  const position = await concise.inputValue();
  const weights = await concise.getAttribute('aria-valuetext');
  ctx.log(`soak: ${SOAK_S} s at ${rate.toFixed(1)} changes/s; the slider ends at ${position} (${weights})`);
  check(rate > RATE_PER_S * 0.75, `the slider moved about ${RATE_PER_S} times a second (${rate.toFixed(1)})`);

  const shown = await currentSummary(view);
  ctx.log(`soak: summary for the last position: ${shown}`);
  await new Promise((r) => setTimeout(r, 3_000));
  const later = ((await view.locator('#summary-text').textContent()) ?? '').trim();
  check(later === shown, `no older summary replaced the latest afterwards (${later})`);
  check((await concise.inputValue()) === position, 'the slider stayed where it was left');

  check(onlyEngine() === pid, 'the same engine process ran the whole soak');
  const after = median(soaked);
  const growth = (after - before) / before;
  ctx.log(
    `soak: engine memory (medians) ${mb(before)} → ${mb(after)} MB (${(growth * 100).toFixed(1)}%); late in the soak ${mb(Math.min(...soaked))}-${mb(Math.max(...soaked))} MB, ${mb(rssKb(pid))} MB at the end`,
  );
  check(growth < MAX_GROWTH, `the engine's memory grew ${(growth * 100).toFixed(1)}%, over 10%`);
}
