/**
 * The side panel: each summary opens beside the editor as a read-only `steer-summary:` document whose text
 * grows while tokens stream in. Read-only virtual documents stay native: find, copy, themes and fonts work.
 */
import * as vscode from 'vscode';

export const SUMMARY_SCHEME = 'steer-summary';

export class SummaryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A new summary document named after its source, e.g. `Summary of article.md`. */
  create(sourceName: string): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: SUMMARY_SCHEME,
      path: `/Summary of ${sourceName.replace(/[/\\]/g, '_')}`,
      query: String(++this.counter),
    });
    this.texts.set(uri.toString(), '');
    return uri;
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  append(uri: vscode.Uri, delta: string): void {
    this.set(uri, (this.texts.get(uri.toString()) ?? '') + delta);
  }

  async show(uri: vscode.Uri): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
