/**
 * Browser-driven: a user opens a document, opens the Steering view, summarizes, then moves the Concise
 * slider to its end with the keyboard; the live summary is written again, shorter; previews the trade-offs;
 * reloads the window and finds the view as it was. Screenshots of the view
 * go to $STEER_SCREENSHOTS when set (the README's images come from here).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { waitForWorkbench, type UiContext } from '../runner/workbench';
import { check, finishedSummary, openFile, openSteeringView } from './steering-page';

const ARTICLE = resolve(__dirname, '..', '..', '..', '..', 'examples', 'article.txt');

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.STEER_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name) });
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export async function run(page: Page, ctx: UiContext): Promise<void> {
  await openFile(page, ctx, 'article.md', readFileSync(ARTICLE, 'utf8'));
  const view = await openSteeringView(ctx);
  const concise = view.locator('input[type=range][data-objective="concise"]');
  check(
    ((await view.locator('#source').textContent()) ?? '').includes('article.md'),
    'the view names the file',
  );

  // Start from the thorough side, so that moving Concise to its end must shorten the summary.
  await view.locator('#presets').selectOption({ label: 'Thorough' });
  const live = view.locator('#live');
  if (!(await live.isChecked())) await live.check();
  await view.locator('#summarize').click();
  const before = await finishedSummary(view, null);
  ctx.log(`summary at Thorough (${words(before)} words): ${before}`);
  await screenshot(page, 'steering-thorough.png');

  await concise.focus();
  await page.keyboard.press('End'); // Concise 100%: a live re-summary after the debounce
  check((await concise.inputValue()) === '100', 'the slider moved to 100');
  const after = await finishedSummary(view, before);
  ctx.log(`summary at Concise 100% (${words(after)} words): ${after}`);
  check(
    words(after) < words(before),
    `moving Concise up shortened the summary (${words(before)} → ${words(after)})`,
  );
  await screenshot(page, 'steering-concise.png');

  await view.locator('#preview-button').click();
  const list = view.locator('#preview-list');
  const deadline = Date.now() + 240_000;
  let cards: number;
  for (;;) {
    cards = await list.locator('li').count();
    const generating = await list.locator('.placeholder').count();
    if (cards >= 2 && generating === 0 && (await list.getAttribute('aria-busy')) === 'false') break;
    if (Date.now() > deadline) throw new Error('the trade-off preview did not finish');
    await new Promise((r) => setTimeout(r, 250));
  }
  check(cards >= 2, `the trade-off preview shows several summaries (${cards})`);
  await list.locator('li').last().scrollIntoViewIfNeeded();
  await screenshot(page, 'steering-preview.png');
  ctx.log(`steering view: summary changed with the slider; preview of ${cards} trade-offs`);

  // The view's state survives reloading the window: weights, summary and preview come back.
  await ctx.runCommand('Developer: Reload Window');
  await page.waitForLoadState('domcontentloaded');
  await waitForWorkbench(page);
  await ctx.runCommand('Steer: Open Steering View');
  const reloaded = await ctx.webviewFrame('Steering');
  const slider = reloaded.locator('input[type=range][data-objective="concise"]');
  await slider.waitFor({ timeout: 60_000 });
  check((await slider.inputValue()) === '100', 'the Concise slider is still at 100 after a reload');
  const restored = ((await reloaded.locator('#summary-text').textContent()) ?? '').trim();
  check(restored === after, `the last summary is restored after a reload (got ${JSON.stringify(restored)})`);
  check(
    (await reloaded.locator('#preview-list li').count()) === cards,
    'the preview is restored after a reload',
  );
  ctx.log('steering view: state restored after reloading the window');
}
