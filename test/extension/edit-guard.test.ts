/** The guard on edits made from a summary (src/extension/edit-guard.ts), with plain documents. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { staleReason } from '../../src/extension/edit-guard';

/** A document of lines; a range is [start, end) offsets. */
class Doc {
  version = 1;
  isClosed = false;
  constructor(public text: string) {}
  getText([a, b]: [number, number]): string {
    return this.text.slice(a, b);
  }
  edit(at: number, insert: string): void {
    this.text = this.text.slice(0, at) + insert + this.text.slice(at);
    this.version++;
  }
}

test('an unchanged document may be edited', () => {
  const doc = new Doc('first paragraph\n\nsecond paragraph\n');
  const source = { version: doc.version, range: [0, 15] as [number, number], text: 'first paragraph' };
  assert.equal(staleReason(doc, source), null);
});

test('an edit elsewhere that leaves the summarized text in place is fine', () => {
  const doc = new Doc('first paragraph\n\nsecond paragraph\n');
  const source = { version: doc.version, range: [0, 15] as [number, number], text: 'first paragraph' };
  doc.edit(doc.text.length, 'a new line at the end\n');
  assert.equal(staleReason(doc, source), null);
});

test('an edit that moves or changes the summarized text refuses the edit', () => {
  const doc = new Doc('first paragraph\n\nsecond paragraph\n');
  const source = { version: doc.version, range: [17, 33] as [number, number], text: 'second paragraph' };
  doc.edit(0, 'A title\n'); // the range now holds other text: replacing it would destroy the wrong words
  assert.match(staleReason(doc, source)!, /changed since the summary was made/);
  const inside = new Doc('first paragraph\n\nsecond paragraph\n');
  const s2 = { version: inside.version, range: [0, 15] as [number, number], text: 'first paragraph' };
  inside.edit(5, ' long');
  assert.ok(staleReason(inside, s2));
});

test('a closed document is never edited', () => {
  const doc = new Doc('text');
  doc.isClosed = true;
  assert.match(staleReason(doc, { version: 1, range: [0, 4] as [number, number], text: 'text' })!, /closed/);
});
