/**
 * Bad and unusual inputs through every command that reads text, in a real VS Code with the real model:
 * empty, whitespace, CRLF, right-to-left, CJK, invalid UTF-8, 10 MB, a binary file, an untitled document, a
 * notebook cell. Whatever the input, the document's text stays as it was unless the user asked for an edit
 * (insert below, replace), and one undo takes such an edit back.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SummaryView } from '../../../src/common/messages';
import type { SteerApi } from '../../../src/extension/main';

const EXTENSION_ID = 'steer-dev.steer';

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('steer').update(key, value, vscode.ConfigurationTarget.Global);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const RTL =
  'يعمل فريق صغير من المهندسين على نظام جديد لتلخيص النصوص الطويلة. ' +
  'يقرأ النظام المستند كاملا ثم يكتب ملخصا قصيرا يحافظ على الأسماء والأرقام.\n\n' +
  'צוות קטן של מהנדסים בונה מערכת חדשה לסיכום מסמכים ארוכים. המערכת שומרת על שמות ומספרים.';
const CJK =
  '一个小型工程团队正在开发一个新的文本摘要系统。该系统会阅读整篇文档，然后写出一段简短的摘要，并保留名称和数字。\n\n' +
  '小さなエンジニアチームが長い文書を要約する新しいシステムを作っています。名前と数字はそのまま残します。';

/** What a document should give: a summary; none (nothing to summarize, or refused); or, for scripts the
 * small English model was not trained on, a summary or a message that it could not write one. */
type Expect = 'summary' | 'none' | 'summary or a message';

describe('Steer with unusual inputs', function () {
  let api: SteerApi;
  let article = '';
  let folder = '';

  before(async () => {
    const ext = vscode.extensions.getExtension<SteerApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    article = readFileSync(join(ext.extensionPath, 'examples', 'article.txt'), 'utf8');
    const ws = vscode.workspace.workspaceFolders?.[0];
    assert.ok(ws, 'the tests run in a workspace');
    folder = ws.uri.fsPath;
    await setting('maxSummaryTokens', 8);
    // as in desktop VS Code (the browser workbench saves by itself): Steer must not be what writes a file
    await vscode.workspace
      .getConfiguration('files')
      .update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const key of ['outputMode', 'maxSummaryTokens']) await setting(key, undefined);
    await vscode.workspace
      .getConfiguration('files')
      .update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function untitled(content: string): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument({ content });
    return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  }

  async function file(name: string, bytes: string | Buffer): Promise<vscode.TextEditor> {
    const path = join(folder, name);
    writeFileSync(path, bytes);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  }

  /** Runs a command on the editor's document, all of its text selected or none. */
  async function run(
    editor: vscode.TextEditor,
    mode: string,
    selectAll: boolean,
    command: string,
    ...args: unknown[]
  ): Promise<unknown> {
    await setting('outputMode', mode);
    const doc = editor.document;
    // showing a notebook cell again may give it a new editor, with its own selection
    const shown = await vscode.window.showTextDocument(doc, editor.viewColumn);
    const end = selectAll ? doc.positionAt(doc.getText().length) : doc.positionAt(0);
    shown.selection = new vscode.Selection(doc.positionAt(0), end);
    return vscode.commands.executeCommand(command, ...args);
  }

  /**
   * One undo in the editor that was edited brings the original text back. In a notebook cell the `undo`
   * command, run from here, does not reach the cell's text (tried in edit mode, markup and code cells), so
   * there the text is put back by an edit; the undo itself, one Ctrl+Z in the cell, is checked in the
   * browser by test/vscode/ui/notebook-undo.ui.ts.
   */
  async function takeBack(editor: vscode.TextEditor, original: string): Promise<void> {
    const doc = editor.document;
    if (doc.uri.scheme === 'vscode-notebook-cell') {
      const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, all, original);
      assert.ok(await vscode.workspace.applyEdit(edit));
      return;
    }
    await vscode.window.showTextDocument(doc, editor.viewColumn);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo takes the edit back');
  }

  /**
   * Every command on the editor's text: side panel and preview leave it alone; insert below and replace edit
   * it only when there is a summary to put there (in this document), and one undo each takes that back.
   */
  async function everyCommand(editor: vscode.TextEditor, expect: Expect): Promise<void> {
    const doc = editor.document;
    const original = doc.getText();
    const unchanged = (what: string) => assert.equal(doc.getText(), original, `${what}: the text is kept`);
    const gotSummary = (s: unknown, what: string) => {
      if (expect === 'summary') assert.ok((s as SummaryView)?.tokens > 0, `${what}: a summary`);
      if (expect === 'none') assert.equal(s, undefined, `${what}: no summary`);
      if (s === undefined && expect === 'summary or a message')
        assert.match(api.lastError() ?? '', /could not write a usable summary/, `${what}: says why`);
      return s as SummaryView | undefined;
    };

    gotSummary(await run(editor, 'sidePanel', false, 'steer.summarizeFile'), 'the file to the side panel');
    unchanged('summarize file');

    const previews = (await run(editor, 'sidePanel', false, 'steer.showTradeoffPreview')) as
      SummaryView[] | null;
    if (expect === 'summary') assert.ok(previews && previews.length >= 2, 'a trade-off preview');
    if (expect === 'none') assert.ok(!previews || previews.length === 0, 'no preview');
    unchanged('preview');

    const inserted = gotSummary(
      await run(editor, 'insertBelow', false, 'steer.summarizeWithPreset', 'Headline'),
      'a preset inserted below',
    );
    if (inserted) {
      assert.ok(
        doc
          .getText()
          .replace(/\r\n/g, '\n')
          .startsWith(`${original.replace(/\r\n/g, '\n')}\n\n${inserted.text}`),
        'the summary was inserted below the text',
      );
      await takeBack(editor, original);
    } else unchanged('insert below');

    const replaced = gotSummary(
      await run(editor, 'replace', true, 'steer.summarizeSelection'),
      'the selection replaced',
    );
    if (replaced) {
      assert.equal(doc.getText().replace(/\r\n/g, '\n'), replaced.text, 'the selection became its summary');
      await takeBack(editor, original);
    } else unchanged('replace');
  }

  it('empty and whitespace-only documents: nothing to summarize, nothing changed', async () => {
    await everyCommand(await untitled(''), 'none');
    await everyCommand(await untitled(' \n\t  \r\n   \n'), 'none');
  });

  it('an untitled document', async () => {
    await everyCommand(await untitled(article.split(/\n\s*\n/)[0]!), 'summary');
  });

  it('a file with CRLF line ends keeps them', async () => {
    const editor = await file(
      'crlf.txt',
      article
        .split(/\n\s*\n/)
        .slice(0, 2)
        .join('\n\n')
        .replace(/\n/g, '\r\n'),
    );
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    await everyCommand(editor, 'summary');
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    assert.ok(!editor.document.isDirty, 'after the undos the file is as saved');
  });

  it('right-to-left and CJK text, alone and inside English', async () => {
    await everyCommand(await file('rtl.txt', RTL), 'summary or a message');
    await everyCommand(await file('cjk.txt', CJK), 'summary or a message');
    const [first, second] = article.split(/\n\s*\n/) as [string, string];
    const mixed = `${first} (${RTL.split('\n')[0]})\n\n${second} 𠮷野家 ${CJK.split('\n')[0]}`;
    await everyCommand(await file('mixed.txt', mixed), 'summary');
  });

  it('a file that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from(article.split(/\n\s*\n/)[0]!),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0x0a]),
      Buffer.from(article.split(/\n\s*\n/)[1]!),
    ]);
    const editor = await file('latin.txt', bytes);
    await everyCommand(editor, 'summary');
    assert.deepEqual(readFileSync(join(folder, 'latin.txt')), bytes, 'the file on disk is untouched');
  });

  it('a 10 MB document is refused with a message, and nothing changes', async () => {
    let big = '';
    while (big.length < 10 * 1024 * 1024) big += `${article}\n\n`;
    const editor = await untitled(big);
    const errors = api.errorsShown().length;
    await everyCommand(editor, 'none');
    const said = api.errorsShown().slice(errors);
    assert.ok(said.length > 0 && said.every((m) => /too long/.test(m)), `told why: ${JSON.stringify(said)}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a binary file is reported, not summarized, and stays as it was', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const path = join(folder, 'image.bin');
    writeFileSync(path, bytes);
    const errors = api.errorsShown().length;
    await setting('outputMode', 'replace');
    const result = await vscode.commands.executeCommand('steer.summarizeFile', vscode.Uri.file(path));
    if (result === undefined) {
      assert.equal(api.errorsShown().length, errors + 1, 'one message says why');
    } else {
      assert.ok((result as SummaryView).tokens > 0, 'opened as text, it was summarized');
    }
    assert.deepEqual(readFileSync(path), bytes, 'the file is untouched');
  });

  it('a notebook cell', async () => {
    const text = article.split(/\n\s*\n/)[0]!;
    // the file active before the notebook must not be what the Steering view previews
    await untitled('Bananas ripen quickly in warm kitchens, and grocers keep them apart from apples.');
    const notebook = await vscode.workspace.openNotebookDocument(
      'jupyter-notebook',
      new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, 'plaintext')]),
    );
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(0).document;
    await vscode.commands.executeCommand('notebook.cell.edit');
    const deadline = Date.now() + 10_000;
    while (vscode.window.activeTextEditor?.document !== cell && Date.now() < deadline) await sleep(100);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document === cell, 'the cell is being edited');
    const previews = (await vscode.commands.executeCommand('steer.showTradeoffPreview')) as SummaryView[];
    for (const p of previews ?? []) assert.doesNotMatch(p.text, /banana|grocer|apple/i, 'of the cell');
    await everyCommand(editor, 'summary');
  });
});
