/**
 * How a retry opens a summary in prose. When the model's own summary of a text was code, markup or nothing
 * (it copied a signature, a decorator, an emoji title), the retry gives it the first words of a plain
 * sentence about the text and lets it go on from there, under the same grounding. The words only say what
 * kind of text it is, so they are true of any text of that kind: "This function" for one function, "This
 * code" for other source code, "This document" for Markdown, "This text" for the rest.
 */
import { looksLikeMarkdown } from './markdown-prose';

/** Lines that only code has: declarations, imports, control flow, or a statement ending in ; { } or ). */
const CODE_LINE =
  /^\s*((export\s+)?(async\s+)?(def|class|function|fn|func|pub|import|from|package|use|const|let|var|return|if|for|while|#include|public|private|protected|static)\b|@\w|.*[;{}]\s*$|.*\)\s*:?\s*$)/u;
/** The first line of one definition: a function or method, after any decorators and comments. */
const DEFINITION = /^\s*((export\s+)?(async\s+)?(def|function|fn|func)\s+\w+|(pub\s+)?fn\s+\w+)/u;
const COMMENT = /^\s*(#|\/\/|\/\*|\*|--|@\w)/u;
const CODE_LINE_SHARE = 0.4;

/** Whether most of `text`'s lines read as source code. */
export function looksLikeCode(text: string): boolean {
  const lines = text.split(/\r?\n/u).filter((l) => l.trim().length > 0);
  if (lines.length === 0) return false;
  return lines.filter((l) => CODE_LINE.test(l)).length >= CODE_LINE_SHARE * lines.length;
}

/** Whether `text` is one function: its first code line defines one, and no other definition starts at column 0. */
function isOneFunction(text: string): boolean {
  const code = text.split(/\r?\n/u).filter((l) => l.trim().length > 0 && !COMMENT.test(l));
  if (code.length === 0 || !DEFINITION.test(code[0]!)) return false;
  const indent = /^\s*/u.exec(code[0]!)![0].length;
  return code.slice(1).every((l) => !(DEFINITION.test(l) && /^\s*/u.exec(l)![0].length <= indent));
}

/** The words a retry starts the summary of `text` with. */
export function proseOpener(text: string): string {
  if (looksLikeCode(text)) return isOneFunction(text) ? 'This function' : 'This code';
  return looksLikeMarkdown(text) ? 'This document' : 'This text';
}
