// Helpers for driving the VS Code workbench in a browser page: the context handed to UI tests
// (test/vscode/ui/*.ui.ts) by run-server.ts --ui. UI test modules import only the types from here.
import type { FrameLocator, Page } from 'playwright-core';

export interface UiContext {
  /** The workspace folder opened in the workbench (a path on this machine). */
  readonly workspace: string;
  /** The server's base URL, e.g. http://127.0.0.1:34567 */
  readonly serverUrl: string;
  /**
   * Runs a command through the command palette by its full title as listed there, category included
   * (e.g. 'Steer: Summarize'); waits up to `timeoutMs` (60 s) for the command to be listed.
   */
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  /**
   * The content frame of the webview view whose title is `viewTitle`, as a FrameLocator: it re-resolves
   * on every use, so it stays valid when the extension replaces the webview's HTML (which swaps the inner
   * iframe). The view must be visible (opened by a command or a click) or become so within the timeout.
   */
  webviewFrame(viewTitle: string, timeoutMs?: number): Promise<FrameLocator>;
  /** Prints a line to the runner's output. */
  log(message: string): void;
}

/** What a UI test module exports. */
export interface UiTestModule {
  run(page: Page, ctx: UiContext): Promise<void>;
}

/** Waits until the workbench is laid out and its extension host is connected. */
export async function waitForWorkbench(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}

export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // Pick the exact title, not the first fuzzy match, so a similarly named command is never run instead.
  const row = page
    .locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    })
    .first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // F1 opens the command palette (Ctrl+Shift+P may be taken by the browser).
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 3_000 });
      break;
    } catch {
      // The palette lists the commands known when it opened; an extension's contributions may arrive
      // later (its host starts after the workbench), so close it and look again.
      if (Date.now() > deadline) throw new Error(`no command titled "${title}" in the command palette`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  await row.click();
}

// Webviews are iframes laid over their view pane (not inside it): outer `iframe.webview` (VS Code's host
// page) → inner `#active-frame` (the extension's HTML). The outer iframe of a view is found as the visible
// one whose box lies over the body of the pane titled `viewTitle`; when the view is the only one in its
// container (no pane header is shown), the container's title is matched instead.
export async function webviewFrame(page: Page, viewTitle: string, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const name = await page.evaluate(findWebviewName, viewTitle);
    if (name) return page.frameLocator(`iframe.webview[name="${name}"]`).frameLocator('#active-frame');
    if (Date.now() > deadline) throw new Error(`no visible webview view titled "${viewTitle}"`);
    await page.waitForTimeout(250);
  }
}

// Runs in the page. Returns the `name` (a unique id) of the matching outer webview iframe, or null.
function findWebviewName(viewTitle: string): string | null {
  const norm = (s: string | null | undefined): string => (s ?? '').trim().toLowerCase();
  const wanted = norm(viewTitle);
  const bodies: DOMRect[] = [];
  for (const pane of Array.from(document.querySelectorAll('.pane'))) {
    const title = pane.querySelector('.pane-header .title');
    const body = pane.querySelector('.pane-body');
    const header = pane.querySelector('.pane-header');
    const single = header instanceof HTMLElement && header.offsetHeight === 0;
    const containerTitle = pane.closest('.part')?.querySelector('.composite.title .title-label');
    const matches =
      norm(title?.textContent) === wanted ||
      (single &&
        norm(containerTitle?.textContent)
          .split(':')
          .some((part) => part.trim() === wanted));
    if (matches && body) bodies.push(body.getBoundingClientRect());
  }
  for (const frame of Array.from(document.querySelectorAll('iframe.webview'))) {
    const r = frame.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    if (bodies.some((b) => cx >= b.left && cx <= b.right && cy >= b.top && cy <= b.bottom)) {
      return frame.getAttribute('name');
    }
  }
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function makeUiContext(page: Page, workspace: string, serverUrl: string): UiContext {
  return {
    workspace,
    serverUrl,
    runCommand: (title, timeoutMs) => runCommand(page, title, timeoutMs),
    webviewFrame: (viewTitle, timeoutMs) => webviewFrame(page, viewTitle, timeoutMs),
    log: (message) => console.log(message),
  };
}
