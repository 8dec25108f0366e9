/**
 * Browser-driven: a summary inserted into a notebook cell, and one undo that takes it back. The suites
 * (inputs.test.ts) check every command on a notebook cell, but the `undo` command run from the extension
 * host does not reach a cell's text, so this undo is checked as a user does it: the output mode set to
 * insert below in the Settings editor, a .ipynb opened from the workspace, the cursor in its prose cell,
 * Steer: Summarize Selection from its keybinding, then Ctrl+Z in the cell. The cell's text is read from
 * the saved file, so what is checked is what the user would keep.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { UiContext } from '../runner/workbench';
import { check } from './steering-page';

const ARTICLE = resolve(__dirname, '..', '..', '..', '..', 'examples', 'article.txt');
const FILE = 'notes.ipynb';

/** The part of an .ipynb file this test reads (nbformat 4). */
interface Notebook {
  cells: { cell_type: string; source: string | string[] }[];
}

/** The text of the notebook's only cell as saved on disk. */
function savedCell(ctx: UiContext): string {
  const nb = JSON.parse(readFileSync(join(ctx.workspace, FILE), 'utf8')) as Notebook;
  check(nb.cells.length === 1, `the notebook has one cell, not ${nb.cells.length}`);
  const source = nb.cells[0]!.source;
  return Array.isArray(source) ? source.join('') : source;
}

/**
 * Saves the notebook (Ctrl+S in the focused cell) until its cell on disk satisfies `ok`; returns that text.
 * Saving again and again is how a user would look: the edit arrives whenever the summary is finished.
 */
async function savedCellWhen(
  page: Page,
  ctx: UiContext,
  ok: (text: string) => boolean,
  what: string,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Control+S');
    await page.waitForTimeout(500);
    const text = savedCell(ctx);
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`${what}: the saved cell holds ${JSON.stringify(text)}`);
  }
}

/** Waits until the keyboard focus is in the editor of a markdown cell being edited. */
async function cellEditorFocused(page: Page, when: string): Promise<void> {
  try {
    await page.waitForFunction(
      () => document.activeElement?.closest('.markdown-cell-edit-mode .cell-editor-container') != null,
      undefined,
      { timeout: 10_000 },
    );
  } catch {
    throw new Error(`${when}: the cell's editor does not have the focus`);
  }
}

/** Types `query` into the Settings editor's search until the setting's drop-down `select` is listed. */
async function searchSetting(page: Page, select: Locator, query: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    // the search runs when the query is typed; Steer's settings are listed once its extension is registered
    await page.locator('.settings-header .suggest-input-container .monaco-editor').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(query);
    try {
      await select.waitFor({ timeout: 3_000 });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${query} is not in the Settings editor`);
    }
  }
}

/**
 * Sets steer.outputMode in the Settings editor. It is a machine setting, which a remote window (the browser
 * workbench is one) lists only under Remote.
 */
async function setOutputMode(page: Page, ctx: UiContext, mode: string): Promise<void> {
  const setting = 'steer.outputMode';
  await ctx.runCommand('Preferences: Open Settings (UI)');
  await page.locator('.settings-tabs-widget .action-label', { hasText: 'Remote' }).click();
  const select = page.locator(`select[aria-label="${setting}"]`);
  // the drop-down is laid out anew while it opens (a click then lands on the page behind it, or on a row
  // that was just replaced), and the Escape that closes a stray drop-down clears the search when none is
  // open; so each try searches again, opens the drop-down and clicks its row, until the setting shows the mode
  const option = page.locator('.monaco-select-box-dropdown-container .monaco-list-row', { hasText: mode });
  for (let attempt = 1; ; attempt++) {
    await searchSetting(page, select, setting);
    if ((await select.inputValue({ timeout: 5_000 })) === mode) break;
    try {
      await select.click({ timeout: 5_000 });
      await option.click({ timeout: 5_000 });
      await page.waitForFunction(
        ([label, want]) =>
          (document.querySelector(`select[aria-label="${label}"]`) as HTMLSelectElement | null)?.value ===
          want,
        [setting, mode] as const,
        { timeout: 5_000 },
      );
      break;
    } catch (e) {
      if (attempt >= 5) throw new Error(`the output mode could not be set to ${mode}`, { cause: e });
      await page.keyboard.press('Escape');
    }
  }
  await ctx.runCommand('View: Close Editor');
}

export async function run(page: Page, ctx: UiContext): Promise<void> {
  const original = readFileSync(ARTICLE, 'utf8')
    .split(/\n\s*\n/)
    .slice(0, 2)
    .join('\n\n');
  await setOutputMode(page, ctx, 'insertBelow');

  const notebook = {
    cells: [{ cell_type: 'markdown', metadata: {}, source: original.split(/(?<=\n)/) }],
    metadata: { language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(ctx.workspace, FILE), JSON.stringify(notebook, null, 1));
  check(savedCell(ctx) === original, 'the notebook holds the prose');
  await ctx.runCommand('Go to File...');
  await page.keyboard.type(FILE);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor();
  await page.keyboard.press('Enter');

  // the markdown cell shows rendered (its row is laid over by the notebook's webview, so it is not
  // clicked); the notebook opens with it selected, and Enter opens its editor with the cursor in the text
  const cell = page.locator('.notebook-editor .monaco-list-row.markdown-cell-row.focused').first();
  await cell.waitFor({ state: 'attached', timeout: 30_000 });
  await page.keyboard.press('Enter');
  await cell.locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
  await cellEditorFocused(page, 'Enter on the cell');

  // Steer: Summarize Selection from its keybinding; with no selection it summarizes the whole cell
  const started = Date.now();
  await page.keyboard.press('Control+Shift+Alt+S');
  const edited = await savedCellWhen(page, ctx, (t) => t !== original, 'the summary is inserted', 300_000);
  const ms = Date.now() - started;
  check(edited.startsWith(`${original}\n\n`), 'the summary is inserted below the prose');
  const summary = edited.slice(original.length).trim();
  check(/\w{3}/.test(summary), `the inserted text is a summary: ${JSON.stringify(summary)}`);
  ctx.log(
    `notebook: summary inserted in ${(ms / 1000).toFixed(1)} s: cell ${original.length} -> ` +
      `${edited.length} characters, summary ${summary.length}: ${summary}`,
  );

  // a user's Ctrl+Z goes where the focus is: still the cell, where the summary was inserted
  await cellEditorFocused(page, 'after the summary');
  await page.keyboard.press('Control+Z');
  await savedCellWhen(page, ctx, (t) => t === original, 'one undo takes the summary back', 30_000);
  ctx.log(`notebook: one Ctrl+Z took it back: cell ${original.length} characters, as before`);
}
