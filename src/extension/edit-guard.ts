/**
 * Whether a summary may still be written into the text it summarizes. A summary is made from a range of a
 * document at one version; by the time it is delivered (seconds later, or much later from the Steering
 * view's Insert/Replace) the user may have edited the document. An edit goes ahead only if the range still
 * holds exactly the text that was summarized. No `vscode` import: unit-tested with plain objects.
 */

export interface GuardedDocument<R> {
  readonly version: number;
  readonly isClosed?: boolean;
  getText(range: R): string;
}

export interface GuardedSource<R> {
  /** The document's version when the text was taken. */
  version: number;
  range: R;
  /** The text of `range` at that version. */
  text: string;
}

/** Null when the edit is safe; otherwise why it is refused, for the user. */
export function staleReason<R>(doc: GuardedDocument<R>, source: GuardedSource<R>): string | null {
  if (doc.isClosed) return 'the document was closed';
  if (doc.version === source.version) return null;
  // edited since: safe only if the summarized range still holds the same text at the same place
  return doc.getText(source.range) === source.text
    ? null
    : 'the summarized text has changed since the summary was made';
}
