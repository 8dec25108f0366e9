/**
 * Delivering a finished summary where the user asked: insert below, replace, clipboard or a new document.
 *
 * Edits are guarded (edit-guard.ts): a summary goes into its document only if the summarized range still
 * holds the text it was made from; otherwise nothing is edited and the user is told, with the summary
 * offered as a new document or on the clipboard, so it is not lost. `replace` never replaces a whole file:
 * when nothing was selected, the summary opens as a new document instead (select all first to replace
 * everything).
 */
import * as vscode from 'vscode';
import { staleReason } from './edit-guard';
import type { Source } from './source';

export type Delivery = 'insertBelow' | 'replace' | 'clipboard' | 'newDocument';

/** What became of a summary: written as asked, opened as a new document instead, or not written. */
export type Delivered = 'done' | 'newDocument' | 'refused';

async function documentFor(source: Source): Promise<vscode.TextDocument> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.uri.toString());
  return open ?? vscode.workspace.openTextDocument(source.uri);
}

async function editorFor(doc: vscode.TextDocument): Promise<vscode.TextEditor> {
  const open = vscode.window.visibleTextEditors.find((e) => e.document === doc);
  return open ?? vscode.window.showTextDocument(doc, { preserveFocus: false });
}

async function openAsDocument(text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
}

/** Tells the user why the document was not edited, and offers the summary another way. */
function refuse(text: string, source: Source, why: string): Delivered {
  const name = source.uri.path.split('/').pop() || source.uri.toString();
  void vscode.window
    .showWarningMessage(
      `Steer: ${name} was not edited: ${why}. Summarize again, or take the summary from here.`,
      'Open as Document',
      'Copy',
    )
    .then(async (pick) => {
      if (pick === 'Copy') await vscode.env.clipboard.writeText(text);
      else if (pick === 'Open as Document') await openAsDocument(text);
    });
  return 'refused';
}

/** Writes tried before giving up while edits elsewhere keep landing first. */
const EDIT_ATTEMPTS = 3;

export async function deliver(text: string, source: Source, how: Delivery): Promise<Delivered> {
  switch (how) {
    case 'clipboard':
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage('Steer: summary copied to the clipboard', 3000);
      return 'done';
    case 'newDocument':
      await openAsDocument(text);
      return 'done';
    case 'insertBelow':
    case 'replace': {
      if (how === 'replace' && !source.isSelection) {
        await openAsDocument(text);
        void vscode.window.showInformationMessage(
          'Steer: nothing was selected, so the file was kept and the summary opened as a new document. ' +
            'Select the text to replace first.',
        );
        return 'newDocument';
      }
      const doc = await documentFor(source);
      const stale = staleReason(doc, source);
      if (stale) return refuse(text, source, stale);
      const editor = await editorFor(doc);
      // VS Code applies an editor edit only to the document version it was made for, so an edit elsewhere
      // (typing, another extension) that lands between the check and the write makes the write fail
      // instead of misplacing it; the summarized text is checked again and the write retried.
      let ok = false;
      for (let attempt = 0; attempt < EDIT_ATTEMPTS && !ok; attempt++) {
        if (staleReason(doc, source)) return refuse(text, source, 'the summarized text has changed');
        ok = await editor.edit((b) =>
          how === 'replace'
            ? b.replace(source.range, text)
            : b.insert(doc.lineAt(source.range.end.line).range.end, `\n\n${text}\n`),
        );
      }
      return ok ? 'done' : refuse(text, source, 'the document changed while it was being edited');
    }
  }
}
