/**
 * Lines of a JavaScript module that every such module has and that say nothing of what it does: a directive
 * ('use strict', 'use client'), and what TypeScript's CommonJS output opens with
 * (`Object.defineProperty(exports, "__esModule", { value: true });`, `exports.a = exports.b = void 0;`).
 * Near half the JavaScript files of this machine's node_modules open with 'use strict', and the model wrote
 * about it: "This code uses the "use strict" statement to create a file.", "The class "Use strict";
 * constructor function uses Promise.all ...", "exports.read uses strict; Object.defineProperty allows
 * functions to set properties.". What the model reads goes without these lines; grounding still checks the
 * summary against the file as written.
 */
import { isSourceCode } from './markdown-prose';

const BOILERPLATE_LINE = new RegExp(
  [
    String.raw`(['"])use (?:strict|client|server|asm)\1;?`,
    String.raw`Object\.defineProperty\(\s*(?:module\.)?exports,\s*(['"])__esModule\2,\s*\{\s*value:\s*true\s*\}\s*\);?`,
    String.raw`(?:exports\.[\w$]+\s*=\s*)+void 0;?`,
  ]
    .map((p) => String.raw`^[ \t]*${p}[ \t]*(?:\r?\n|$)`)
    .join('|'),
  'gmu',
);

/** `text` without a JavaScript module's boilerplate lines (see the module comment); other text as it is. */
export function withoutModuleBoilerplate(text: string): string {
  if (!isSourceCode(text)) return text;
  const cut = text.replace(BOILERPLATE_LINE, '');
  if (cut === text) return text;
  const rest = cut.replace(/^\s*\n/u, '').replace(/\n{3,}/gu, '\n\n');
  return /\p{L}{2,}/u.test(rest) ? rest : text;
}
