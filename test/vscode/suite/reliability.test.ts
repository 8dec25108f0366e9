/**
 * Nothing lost, nothing loaded from where it should not be, in a real VS Code: activation survives a bad
 * model path and the commands report it; a workspace cannot choose the model or force edits; `replace`
 * never overwrites text that changed while the summary was made, nor a whole file when nothing was selected.
 * (Timeouts, the supervisor and the protocol are covered without VS Code in test/extension and test/engine.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SummaryView } from '../../../src/common/messages';
import type { SteerApi } from '../../../src/extension/main';

const EXTENSION_ID = 'steer-dev.steer';

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('steer').update(key, value, vscode.ConfigurationTarget.Global);
}

async function openText(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language: 'markdown' });
  return vscode.window.showTextDocument(doc);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Steer reliability', function () {
  let text = '';
  let firstParagraphs = '';

  before(() => {
    const ext = vscode.extensions.getExtension<SteerApi>(EXTENSION_ID);
    assert.ok(ext);
    text = readFileSync(join(ext.extensionPath, 'examples', 'article.txt'), 'utf8');
    firstParagraphs = text
      .split(/\n\s*\n/)
      .slice(0, 2)
      .join('\n\n');
  });

  after(async () => {
    for (const key of ['modelPath', 'outputMode', 'maxSummaryTokens']) await setting(key, undefined);
  });

  it('activates with a bad model path, and the commands report the error', async () => {
    const ext = vscode.extensions.getExtension<SteerApi>(EXTENSION_ID)!;
    const bad = join('/nonexistent', 'steer-model');
    await setting('modelPath', bad);
    const api = await ext.activate(); // must not throw: every command would be gone
    await openText(firstParagraphs);
    const result = await vscode.commands.executeCommand('steer.summarizeFile');
    assert.equal(result, undefined, 'no summary');
    assert.match(api.lastError() ?? '', /No model at \/nonexistent\/steer-model.*steer\.modelPath/);
    const preset = await vscode.commands.executeCommand('steer.summarizeWithPreset', 'Headline');
    assert.equal(preset, undefined, 'the preset command reports instead of throwing');
    await setting('modelPath', undefined);
    const deadline = Date.now() + 10_000;
    while (api.modelDir() === bad && Date.now() < deadline) await sleep(50); // the change has arrived
    await setting('maxSummaryTokens', 24);
    await setting('outputMode', 'clipboard');
    const summary = (await vscode.commands.executeCommand('steer.summarizeFile')) as SummaryView;
    assert.ok(summary && summary.tokens > 0, 'with the setting fixed, the next summary works');
  });

  it('a workspace cannot choose the model directory or force the output mode', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests run in a workspace');
    const dir = join(folder.uri.fsPath, '.vscode');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        'steer.modelPath': '/tmp/elsewhere',
        'steer.outputMode': 'replace',
        'steer.liveDebounceMs': 301,
      }),
    );
    try {
      // a window-scoped setting in the same file shows when the workspace settings have been read
      const deadline = Date.now() + 10_000;
      while (
        vscode.workspace.getConfiguration('steer').get('liveDebounceMs') !== 301 &&
        Date.now() < deadline
      )
        await sleep(100);
      const c = vscode.workspace.getConfiguration('steer');
      assert.equal(c.get('liveDebounceMs'), 301, 'the workspace settings were read');
      assert.notEqual(c.get('modelPath'), '/tmp/elsewhere');
      assert.notEqual(c.get('outputMode'), 'replace');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replace with nothing selected keeps the file and opens the summary as a new document', async () => {
    await setting('outputMode', 'replace');
    await setting('maxSummaryTokens', 24);
    const editor = await openText(firstParagraphs);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const summary = (await vscode.commands.executeCommand('steer.summarizeSelection')) as SummaryView;
    assert.ok(summary && summary.text.length > 0);
    assert.equal(editor.document.getText(), firstParagraphs, 'the file is unchanged');
    assert.ok(
      vscode.workspace.textDocuments.some((d) => d.isUntitled && d.getText() === summary.text),
      'the summary is in a new document',
    );
  });

  it('replace refuses when the selected text changed while the summary was made', async () => {
    await setting('outputMode', 'replace');
    await setting('maxSummaryTokens', 48);
    const editor = await openText(text);
    const end = editor.document.lineAt(4).range.end;
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), end);
    const running = vscode.commands.executeCommand('steer.summarizeSelection');
    await sleep(50); // the command has taken its source; the summary takes seconds
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'A NEW FIRST LINE\n')));
    const summary = (await running) as SummaryView;
    assert.ok(summary && summary.text.length > 0, 'the summary itself is returned');
    assert.equal(editor.document.getText(), `A NEW FIRST LINE\n${text}`, 'nothing was overwritten');
  });

  it('replace goes ahead when only text elsewhere changed', async () => {
    await setting('outputMode', 'replace');
    await setting('maxSummaryTokens', 24);
    const editor = await openText(text);
    const end = editor.document.lineAt(4).range.end;
    editor.selection = new vscode.Selection(new vscode.Position(0, 0), end);
    const selected = editor.document.getText(editor.selection);
    const running = vscode.commands.executeCommand('steer.summarizeSelection');
    await sleep(50);
    const last = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    assert.ok(await editor.edit((b) => b.insert(last, '\nA closing line.')));
    const summary = (await running) as SummaryView;
    const now = editor.document.getText();
    assert.ok(now.startsWith(summary.text), 'the selection became its summary');
    assert.ok(now.endsWith('A closing line.') && !now.startsWith(selected));
  });
});
