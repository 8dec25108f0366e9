/**
 * Browser-driven: the Steering view's Replace button, end to end. A user selects two paragraphs, summarizes
 * them in the view and presses Replace: the paragraphs become the summary (checked in the saved file), and
 * one undo brings them back. Then the user changes the summarized text and presses Replace again: the view
 * refuses with a message and the file keeps the user's change.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { UiContext } from '../runner/workbench';
import { check, finishedSummary, openFile, openSteeringView } from './steering-page';

const ARTICLE = resolve(__dirname, '..', '..', '..', '..', 'examples', 'article.txt');
const FILE = 'replace.md';

/** Saves FILE from its editor (Ctrl+S) and waits until the file on disk holds `expected`. */
async function savedAs(page: Page, ctx: UiContext, expected: string, what: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+S');
  const deadline = Date.now() + 30_000;
  let text: string;
  while ((text = readFileSync(join(ctx.workspace, FILE), 'utf8')) !== expected) {
    if (Date.now() > deadline) throw new Error(`${what}: the file holds ${JSON.stringify(text)}`);
    await page.waitForTimeout(200);
  }
}

export async function run(page: Page, ctx: UiContext): Promise<void> {
  const original = readFileSync(ARTICLE, 'utf8')
    .split(/\n\s*\n/)
    .slice(0, 2)
    .join('\n\n');
  await openFile(page, ctx, FILE, original);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');

  const view = await openSteeringView(ctx);
  const source = view.locator('#source');
  const deadline = Date.now() + 30_000;
  while (!((await source.textContent()) ?? '').includes('selection')) {
    if (Date.now() > deadline) throw new Error('the view did not take the selection');
    await page.waitForTimeout(100);
  }
  await view.locator('#summarize').click();
  const summary = await finishedSummary(view, null);
  ctx.log(`replace: summary of the selection: ${summary}`);

  const replace = view.locator('#summary-actions button[data-action="replace"]');
  await replace.click();
  await savedAs(page, ctx, summary, 'the selection became the summary');
  ctx.log('replace: the selection became the summary');

  await page.keyboard.press('Control+Z');
  await savedAs(page, ctx, original, 'one undo brings the paragraphs back');

  // the user edits the summarized text; the remembered summary no longer fits it
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Edited: ');
  // this time from the keyboard, as a keyboard user does
  await replace.focus();
  await page.keyboard.press('Enter');
  // the warning, read in the notification center (in this headless workbench it shows no toast)
  const rows = page.locator('.notifications-center .monaco-list-row');
  let said: string[];
  const refused = Date.now() + 30_000;
  for (;;) {
    await ctx.runCommand('Notifications: Show Notifications');
    await page.waitForTimeout(500);
    said = await rows.evaluateAll((els) =>
      els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''),
    );
    if (said.some((m) => m.includes('was not edited')) || Date.now() > refused) break;
    await page.keyboard.press('Escape');
  }
  ctx.log(`replace: notifications: ${JSON.stringify(said)}`);
  check(said.filter((m) => m.includes('was not edited')).length === 1, 'one message says why it was refused');
  await savedAs(page, ctx, `Edited: ${original}`, 'the file keeps the user’s change');
}
