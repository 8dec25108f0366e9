/** What a summary is of: a document's selection or its whole text, remembered so actions can edit it later. */
import * as vscode from 'vscode';
import { wordCount } from '../engine/extension-api';

export interface Source {
  uri: vscode.Uri;
  /** The summarized range; the whole document when nothing was selected. */
  range: vscode.Range;
  /** The text of `range` at `version`: an edit later goes ahead only if the range still holds it. */
  text: string;
  /** The document's version when the text was taken. */
  version: number;
  isSelection: boolean;
  /** e.g. "article.md (selection, 212 words)". */
  label: string;
  words: number;
}

function fullRange(doc: vscode.TextDocument): vscode.Range {
  return new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
}

function describe(uri: vscode.Uri, isSelection: boolean, words: number): string {
  const name = uri.path.split('/').pop() || uri.toString();
  return `${name} (${isSelection ? 'selection' : 'whole file'}, ${words} words)`;
}

function make(doc: vscode.TextDocument, range: vscode.Range, text: string, isSelection: boolean): Source {
  const words = wordCount(text);
  const uri = doc.uri;
  return {
    uri,
    range,
    text,
    version: doc.version,
    isSelection,
    words,
    label: describe(uri, isSelection, words),
  };
}

/** The editor's selection when it has one (and `preferSelection`), otherwise its whole document. */
export function sourceFromEditor(editor: vscode.TextEditor, preferSelection = true): Source {
  const doc = editor.document;
  const sel = editor.selection;
  if (preferSelection && !sel.isEmpty) return make(doc, sel, doc.getText(sel), true);
  return make(doc, fullRange(doc), doc.getText(), false);
}

/** A whole file, e.g. from the explorer's context menu (opened as a document, not shown). */
export async function sourceFromUri(uri: vscode.Uri): Promise<Source> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return make(doc, fullRange(doc), doc.getText(), false);
}
