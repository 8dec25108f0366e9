/**
 * What the browser-driven tests of the Steering view share: opening a document and the view as a user
 * does, waiting for a finished summary, and finding this checkout's engine process from outside.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import type { UiContext } from '../runner/workbench';

/** This checkout's engine host script (the UI test is bundled to dist/test/vscode/ui/). */
const ENGINE_HOST = resolve(__dirname, '..', '..', '..', 'engine-host.js');

export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** Writes `content` to `name` in the workspace and opens it with Go to File, as a user does. */
export async function openFile(page: Page, ctx: UiContext, name: string, content: string): Promise<void> {
  writeFileSync(join(ctx.workspace, name), content);
  await ctx.runCommand('Go to File...');
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
}

/** Opens the Steering view and waits for its sliders. */
export async function openSteeringView(ctx: UiContext): Promise<FrameLocator> {
  await ctx.runCommand('Steer: Open Steering View');
  const view = await ctx.webviewFrame('Steering');
  await view.locator('input[type=range][data-objective="concise"]').waitFor({ timeout: 60_000 });
  return view;
}

/** The summary once it is finished (not streaming) and differs from `previous`. */
export async function finishedSummary(
  view: FrameLocator,
  previous: string | null,
  timeoutMs = 180_000,
): Promise<string> {
  const text = view.locator('#summary-text');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = await text.getAttribute('aria-busy');
    const meta = (await view.locator('#summary-meta').textContent()) ?? '';
    const now = ((await text.textContent()) ?? '').trim();
    if (busy === 'false' && /\d+ words/.test(meta) && now.length > 0 && now !== previous) return now;
    if (Date.now() > deadline)
      throw new Error(`no new finished summary within ${timeoutMs} ms (last: ${now})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The running engine processes of this checkout (there is one VS Code server in a UI test). */
export function enginePids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(ENGINE_HOST)) pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Resident memory of a process, in kB. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}
