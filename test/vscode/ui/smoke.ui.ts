// A minimal UI test, run by `run-server.js --ui dist/test/vscode/ui/smoke.ui.js`: the workbench loads and
// the command palette opens and runs a command. A template for UI tests of the extension's own views.
import type { Page } from 'playwright-core';
import type { UiContext } from '../runner/workbench';

export async function run(page: Page, ctx: UiContext): Promise<void> {
  // The workspace folder is open: its name shows in the Explorer.
  await ctx.runCommand('View: Show Explorer');
  const folderName = ctx.workspace.split('/').pop() ?? '';
  await page
    .locator('.explorer-folders-view, .pane-header', { hasText: new RegExp(folderName, 'i') })
    .first()
    .waitFor({ timeout: 30_000 });
  // A command that visibly changes the workbench: the panel opens.
  await ctx.runCommand('View: Toggle Panel Visibility');
  await page.locator('.part.panel').waitFor({ state: 'visible', timeout: 30_000 });
  ctx.log('smoke: workbench loaded, command palette works');
}
