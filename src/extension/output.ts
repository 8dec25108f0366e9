/** Delivering a finished summary where the user asked: insert below, replace, clipboard or a new document. */
import * as vscode from 'vscode';
import type { Source } from './source';

export type Delivery = 'insertBelow' | 'replace' | 'clipboard' | 'newDocument';

async function editorFor(source: Source): Promise<vscode.TextEditor> {
  const open = vscode.window.visibleTextEditors.find(
    (e) => e.document.uri.toString() === source.uri.toString(),
  );
  if (open) return open;
  const doc = await vscode.workspace.openTextDocument(source.uri);
  return vscode.window.showTextDocument(doc, { preserveFocus: false });
}

/** Where the source range now ends, tolerating edits made since (clamped to the document). */
function validated(doc: vscode.TextDocument, range: vscode.Range): vscode.Range {
  return doc.validateRange(range);
}

export async function deliver(text: string, source: Source, how: Delivery): Promise<void> {
  switch (how) {
    case 'clipboard':
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage('Steer: summary copied to the clipboard', 3000);
      return;
    case 'newDocument': {
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
      return;
    }
    case 'insertBelow': {
      const editor = await editorFor(source);
      const end = validated(editor.document, source.range).end;
      const line = editor.document.lineAt(end.line);
      const at = line.range.end;
      const ok = await editor.edit((b) => b.insert(at, `\n\n${text}\n`));
      if (!ok) throw new Error('The document could not be edited.');
      return;
    }
    case 'replace': {
      const editor = await editorFor(source);
      const range = validated(editor.document, source.range);
      const ok = await editor.edit((b) => b.replace(range, text));
      if (!ok) throw new Error('The document could not be edited.');
      return;
    }
  }
}
