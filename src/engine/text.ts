/**
 * Checks on input text and bytes: binary data, empty documents.
 */
import { BinaryInput, EmptyInput } from './errors';

/** Control characters other than tab, newline, carriage return, form feed. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g;

/** Whether a decoded string looks like binary data: a NUL, or many control or replacement characters. */
export function looksBinaryText(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 8192);
  if (sample.length === 0) return false;
  const control = sample.match(CONTROL)?.length ?? 0;
  const replacement = sample.split('\uFFFD').length - 1;
  return (control + replacement) / sample.length > 0.1;
}

/** Decodes file bytes as UTF-8 text; throws `BinaryInput` for binary data. */
export function decodeText(bytes: Uint8Array, what = 'The input'): string {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) throw new BinaryInput(what);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new BinaryInput(what);
  }
  if (looksBinaryText(text)) throw new BinaryInput(what);
  return text;
}

/** Throws for text that cannot be summarized (binary, empty); returns it trimmed. */
export function checkDocument(text: unknown): string {
  if (typeof text !== 'string') throw new EmptyInput('The document must be a string.');
  if (looksBinaryText(text)) throw new BinaryInput('The document');
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new EmptyInput();
  return trimmed;
}
