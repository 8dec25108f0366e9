/**
 * The extension in a real VS Code with the real model: the commands on real documents, every output mode,
 * steering by presets, the trade-off preview, the engine restarting after a crash, and the editor staying
 * responsive while a summary is computed.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { SummaryView } from '../../../src/common/messages';
import type { SteerApi } from '../../../src/extension/main';

const EXTENSION_ID = 'steer-dev.steer';

async function api(): Promise<{ api: SteerApi; root: string }> {
  const ext = vscode.extensions.getExtension<SteerApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return { api: await ext.activate(), root: ext.extensionPath };
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('steer').update(key, value, vscode.ConfigurationTarget.Global);
}

function article(root: string): string {
  return readFileSync(join(root, 'examples', 'article.txt'), 'utf8');
}

async function openText(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language: 'markdown' });
  return vscode.window.showTextDocument(doc);
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Summary text must come from the document: most of its content words occur in the source. */
function assertSummaryOf(summary: string, source: string): void {
  assert.ok(words(summary) >= 3, `a summary of some words, got ${JSON.stringify(summary)}`);
  assert.ok(words(summary) < words(source), 'shorter than its source');
  const sourceWords = new Set(source.toLowerCase().match(/[a-z]{4,}/g) ?? []);
  const mine = summary.toLowerCase().match(/[a-z]{4,}/g) ?? [];
  const shared = mine.filter((w) => sourceWords.has(w)).length / Math.max(mine.length, 1);
  assert.ok(shared > 0.5, `mostly the document's words (${shared.toFixed(2)}): ${summary}`);
}

describe('Steer commands with the real model', function () {
  let root = '';
  let text = '';

  before(async function () {
    this.timeout(300_000);
    ({ root } = await api());
    text = article(root);
    await setting('outputMode', 'clipboard');
    await setting('maxSummaryTokens', 48);
  });

  after(async () => {
    for (const key of ['outputMode', 'maxSummaryTokens', 'device']) await setting(key, undefined);
  });

  it('summarizes the selection to the clipboard', async () => {
    const editor = await openText(text);
    const firstParagraphs = text
      .split(/\n\s*\n/)
      .slice(0, 3)
      .join('\n\n');
    editor.selection = new vscode.Selection(0, 0, editor.document.positionAt(firstParagraphs.length).line, 0);
    const selected = editor.document.getText(editor.selection);
    await vscode.env.clipboard.writeText('');
    const summary = (await vscode.commands.executeCommand('steer.summarizeSelection')) as SummaryView;
    assertSummaryOf(summary.text, selected);
    assert.equal(await vscode.env.clipboard.readText(), summary.text);
    assert.ok(summary.estimates.concise! > 0, 'estimates come with it');
  });

  it('inserts the summary below the selection, and replaces it', async () => {
    const editor = await openText(text);
    const end = editor.document.lineAt(4).range.end;
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), end);
    const selected = editor.document.getText(editor.selection);
    await setting('outputMode', 'insertBelow');
    const inserted = (await vscode.commands.executeCommand('steer.summarizeSelection')) as SummaryView;
    const edited = editor.document.getText();
    assert.ok(edited.startsWith(selected), 'the selection stays');
    assert.ok(edited.indexOf(inserted.text) > selected.length - 1, 'the summary follows the selection');

    await setting('outputMode', 'replace');
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), end);
    const replaced = (await vscode.commands.executeCommand('steer.summarizeSelection')) as SummaryView;
    assert.ok(editor.document.getText().startsWith(replaced.text), 'the selection became its summary');
    assert.ok(!editor.document.getText().startsWith(selected));
  });

  it('opens the summary beside the editor, streaming into a read-only document', async () => {
    await setting('outputMode', 'sidePanel');
    const editor = await openText(text);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const summary = (await vscode.commands.executeCommand('steer.summarizeSelection')) as SummaryView;
    const panel = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'steer-summary');
    assert.ok(panel, 'a summary document is visible');
    // a virtual document takes its new text a moment after the provider's change event
    const deadline = Date.now() + 5000;
    while (panel.document.getText() !== summary.text && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(panel.document.getText(), summary.text);
    assertSummaryOf(summary.text, text);
  });

  it('summarizes a file from the explorer into a new document', async () => {
    await setting('outputMode', 'newDocument');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests run in a workspace');
    const file = join(folder.uri.fsPath, 'article.md');
    writeFileSync(file, text);
    const summary = (await vscode.commands.executeCommand(
      'steer.summarizeFile',
      vscode.Uri.file(file),
    )) as SummaryView;
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc?.isUntitled, 'a new untitled document');
    assert.equal(doc.getText(), summary.text);
    assertSummaryOf(summary.text, text);
  });

  it('steers: the Headline preset is shorter than the Thorough one', async () => {
    await setting('outputMode', 'clipboard');
    await setting('maxSummaryTokens', 96);
    await openText(text);
    const headline = (await vscode.commands.executeCommand(
      'steer.summarizeWithPreset',
      'Headline',
    )) as SummaryView;
    const thorough = (await vscode.commands.executeCommand(
      'steer.summarizeWithPreset',
      'Thorough',
    )) as SummaryView;
    assert.ok(
      headline.words < thorough.words,
      `Headline ${headline.words} words < Thorough ${thorough.words} words`,
    );
    assert.ok(headline.estimates.concise! > thorough.estimates.concise!);
    assert.ok(thorough.estimates.complete! >= headline.estimates.complete!);
  });

  it('previews several trade-offs from one batch', async () => {
    await setting('maxSummaryTokens', 64);
    await openText(text);
    const items = (await vscode.commands.executeCommand('steer.showTradeoffPreview')) as SummaryView[];
    assert.ok(Array.isArray(items) && items.length >= 2, 'k summaries');
    const distinctWeights = new Set(items.map((i) => JSON.stringify(i.weights)));
    assert.equal(distinctWeights.size, items.length, 'each at its own weighting');
    for (const i of items) assertSummaryOf(i.text, text);
    assert.ok(new Set(items.map((i) => i.text)).size > 1, 'different weightings give different summaries');
  });

  it('keeps the editor responsive while a summary is computed', async () => {
    await setting('maxSummaryTokens', 200);
    await setting('outputMode', 'clipboard');
    const noop = vscode.commands.registerCommand('steer-test.noop', () => 1);
    try {
      await openText(text);
      const running = vscode.commands.executeCommand('steer.summarizeFile');
      const delays: number[] = [];
      let done = false;
      void Promise.resolve(running).finally(() => (done = true));
      await new Promise((r) => setTimeout(r, 500)); // generation under way
      while (!done && delays.length < 40) {
        const t = performance.now();
        await vscode.commands.executeCommand('steer-test.noop');
        delays.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
      const summary = (await running) as SummaryView;
      assert.ok(summary.tokens > 10, 'a real summary was generated meanwhile');
      assert.ok(delays.length >= 5, `sampled during generation (${delays.length} samples)`);
      const worst = Math.max(...delays);
      assert.ok(
        worst < 50,
        `a trivial command answered within 50 ms during generation (worst ${worst.toFixed(1)} ms)`,
      );
    } finally {
      noop.dispose();
    }
  });

  it('restarts the engine after it dies, and the next summary works', async () => {
    const { api: steer } = await api();
    await setting('maxSummaryTokens', 24);
    await openText(text);
    assert.ok((await vscode.commands.executeCommand('steer.summarizeFile')) !== undefined);
    const pid = steer.enginePid();
    assert.ok(pid, 'the engine runs in its own process');
    assert.notEqual(pid, process.pid, 'not in the extension host');
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    while ((steer.enginePid() === pid || steer.engineState() !== 'ready') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(steer.enginePid(), pid, 'a new engine process');
    const summary = (await vscode.commands.executeCommand('steer.summarizeFile')) as SummaryView;
    assertSummaryOf(summary.text, text);
  });

  it('selects the device, and reports the one in use', async () => {
    const { api: steer } = await api();
    assert.equal(await vscode.commands.executeCommand('steer.selectDevice', 'cpu'), 'cpu');
    assert.equal(vscode.workspace.getConfiguration('steer').get('device'), 'cpu');
    await openText(text);
    await vscode.commands.executeCommand('steer.summarizeFile');
    assert.equal(steer.device(), 'cpu');
  });
});
