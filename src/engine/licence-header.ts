/**
 * The licence a source file opens with: "Licensed under the Apache License, Version 2.0 (the "License"); you
 * may not use this file except in compliance with the License. ...", a GPL notice, an MIT line, an SPDX tag.
 * Most files of an open-source project carry one, and the model summarized it instead of the code, often
 * wrongly: "You may use this file without permission." of a shell script under the Apache licence, "You can
 * obtain a copy of OpenSSL's cipher." of a header. What the model reads of source code or a script goes
 * without the licence's paragraphs of the comments that start in its first lines (and of its module
 * docstring); the rest of those comments stays ("base16dec -- a decoder for base16", "This file is part of
 * GNU Nettle."). Grounding still checks the summary against the file as written.
 */
import { isCopyrightNotice } from './copyright-notice';
import { isSourceCode, looksLikeMarkdown } from './markdown-prose';
import { looksLikeCode } from './prose-opener';

/**
 * A paragraph of a licence: its legal phrases, or copyright lines only. Case matters for "the License" (the
 * defined term) so that a module "to check the license of packages" keeps its comment.
 */
const LICENCE_PHRASE = new RegExp(
  [
    String.raw`\blicen[cs]ed\s+(?:under|to|by)\b`,
    String.raw`\b(?:GNU|Apache|MIT|BSD|Public|ISC)\s+Licen[cs]e\b`,
    String.raw`\bLicen[cs]e,?\s+[Vv]ersion\b`,
    String.raw`\bis\s+hereby\s+granted\b`,
    String.raw`\bpermission\s+to\s+use,\s+copy\b`,
    String.raw`\bredistribution\s+and\s+use\b`,
    String.raw`\bwithout\s+(?:any\s+)?warrant(?:y|ies)\b`,
    String.raw`\bdisclaims?\s+all\s+warrant`,
    String.raw`\bmerchantability\b`,
    String.raw`\b(?:copyright|permission)\s+notice\b`,
    String.raw`\bfree\s+software\b`,
    String.raw`\bSPDX-License-Identifier\b`,
    String.raw`\ball\s+rights\s+reserved\b`,
    String.raw`\blicen[cs]es?/`,
    String.raw`(?:^|\s):(?:copyright|license|licence):`,
    String.raw`\bsee\s+(?:the\s+)?(?:LICEN[CS]E|COPYING)\b`,
  ].join('|'),
  'iu',
);
const DEFINED_TERM = /\b(?:the|this)\s+Licen[cs]e\b/u;
/** Editor settings that open a file ("-*- coding: utf-8 -*-", "vim: set ts=4"): no more about the code. */
const EDITOR_LINE = /^(?:-\*-.*-\*-\s*#?|vim?:\s.*|ex:\s.*)$/u;

/** A comment line; "#" is none in "#!" (a shebang), "#[" (a Rust attribute) or a C preprocessor line. */
const LINE_COMMENT =
  /^\s*(#(?![![]|\s*(?:include|define|if|ifdef|ifndef|endif|else|elif|pragma|undef|error)\b)|\/\/+|--(?!-*>)|;+|%+)/u;
const DOCSTRING_OPEN = /^\s*[rRuU]?("""|''')/u;

interface Comment {
  /** First and one-past-last line of the comment in the file. */
  start: number;
  end: number;
  kind: 'line' | 'block' | 'docstring';
  /** Each line's text without the comment syntax. */
  texts: string[];
}

/** How far into a file a licence is looked for: TypeScript's output puts it after the module's export lines. */
const HEADER_LINES = 80;

/** `text` without the licence paragraphs of its first comments (see the module comment); other text as it is. */
export function withoutLicenceHeader(text: string): string {
  const lines = text.split(/\r?\n/u);
  let changed = false;
  const kept: string[] = [];
  let next = 0;
  for (const comment of firstComments(lines)) {
    kept.push(...lines.slice(next, comment.start));
    next = comment.end;
    const rewritten = withoutLicenceParagraphs(comment, lines);
    if (rewritten === null) {
      kept.push(...lines.slice(comment.start, comment.end));
      continue;
    }
    changed = true;
    kept.push(...rewritten);
  }
  // the kind of text is asked last: the scans of the whole text only for one whose first comments changed
  if (!changed || !mayHaveLicenceHeader(text)) return text;
  kept.push(...lines.slice(next));
  const rest = kept
    .join('\n')
    .replace(/^\s*\n/u, '')
    .replace(/\n{3,}/gu, '\n\n');
  return /\p{L}{2,}/u.test(rest) ? rest : text;
}

/**
 * Source code, a script (a shebang) or a text that is not Markdown. Markdown's headings would read as "#"
 * comments; its HTML comments are dropped by markdown-prose.ts anyway.
 */
function mayHaveLicenceHeader(text: string): boolean {
  return isSourceCode(text) || looksLikeCode(text) || text.startsWith('#!') || !looksLikeMarkdown(text);
}

/** The comments that start in the first HEADER_LINES lines; a docstring only before any code. */
function firstComments(lines: string[]): Comment[] {
  const comments: Comment[] = [];
  let opening = true;
  let i = lines[0]?.startsWith('#!') ? 1 : 0;
  while (i < Math.min(lines.length, HEADER_LINES)) {
    if (lines[i]!.trim() === '') {
      i += 1;
      continue;
    }
    const comment = blockComment(lines, i) ?? (opening ? docstring(lines, i) : null) ?? lineComment(lines, i);
    if (comment === null) {
      opening = false;
      i += 1;
      continue;
    }
    comments.push(comment);
    i = comment.end;
  }
  return comments;
}

function lineComment(lines: string[], start: number): Comment | null {
  const marker = LINE_COMMENT.exec(lines[start]!)?.[1];
  if (marker === undefined) return null;
  const prefix = new RegExp(String.raw`^\s*${escapeRegExp(marker[0]!)}+\s?`, 'u');
  const texts: string[] = [];
  let end = start;
  while (end < lines.length && prefix.test(lines[end]!) && LINE_COMMENT.test(lines[end]!)) {
    texts.push(lines[end]!.replace(prefix, ''));
    end += 1;
  }
  return { start, end, kind: 'line', texts };
}

function blockComment(lines: string[], start: number): Comment | null {
  if (!/^\s*\/\*/u.test(lines[start]!)) return null;
  let end = start;
  while (
    end < lines.length &&
    !lines[end]!.includes('*/', end === start ? lines[start]!.indexOf('/*') + 2 : 0)
  ) {
    end += 1;
  }
  if (end >= lines.length) return null;
  const last = lines[end]!;
  // Code after the comment on its last line: the comment is part of the code, leave it.
  if (last.slice(last.indexOf('*/') + 2).trim() !== '') return null;
  const texts = lines.slice(start, end + 1).map((l) =>
    l
      .replace(/^\s*\/\*+!?/u, '')
      .replace(/\*+\/\s*$/u, '')
      .replace(/^\s*\*+ ?/u, ''),
  );
  return { start, end: end + 1, kind: 'block', texts };
}

function docstring(lines: string[], start: number): Comment | null {
  const quotes = DOCSTRING_OPEN.exec(lines[start]!)?.[1];
  if (quotes === undefined) return null;
  const opened = lines[start]!.indexOf(quotes) + 3;
  let end = start;
  while (end < lines.length && !lines[end]!.includes(quotes, end === start ? opened : 0)) end += 1;
  if (end >= lines.length) return null;
  const texts = lines
    .slice(start, end + 1)
    .map((l) => l.replace(DOCSTRING_OPEN, '').replace(quotes, '').trim());
  return { start, end: end + 1, kind: 'docstring', texts };
}

/**
 * The comment's lines without its licence paragraphs and editor settings: null when it has none, no lines
 * when nothing else is left, else the comment rewritten in its own syntax around the paragraphs kept.
 */
function withoutLicenceParagraphs(comment: Comment, lines: string[]): string[] | null {
  const paragraphs: string[][] = [];
  let current: string[] = [];
  for (const text of comment.texts) {
    // A rule of stars or dashes is as good as a blank line between paragraphs.
    if (!/[\p{L}\p{N}]/u.test(text)) {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else {
      current.push(text.trimEnd());
    }
  }
  if (current.length > 0) paragraphs.push(current);
  const licence = paragraphs.map(isLicence);
  const first = licence.indexOf(true);
  const last = licence.lastIndexOf(true);
  // Between two of the licence's paragraphs, one that goes on a sentence is the licence's too ("or", "or both
  // in parallel, as here." between the GPL and the LGPL).
  const inLicence = (p: string[], i: number): boolean =>
    licence[i]! || (i > first && i < last && /^\p{Ll}/u.test(p[0]!.trim()));
  const keep = paragraphs
    .filter((p, i) => !inLicence(p, i))
    .map((p) => p.filter((l) => !EDITOR_LINE.test(l.trim())))
    .filter((p) => p.length > 0);
  const dropped =
    keep.length !== paragraphs.length || keep.some((p, i) => p.length !== paragraphs[i]!.length);
  if (!dropped) return null;
  if (keep.length === 0) return [];
  const body = keep
    .map((p) => p.join('\n'))
    .join('\n\n')
    .split('\n');
  switch (comment.kind) {
    case 'line': {
      const marker = LINE_COMMENT.exec(lines[comment.start]!)![1]!;
      return body.map((l) => (l === '' ? marker : `${marker} ${l.trim()}`));
    }
    case 'block':
      return ['/*', ...body.map((l) => (l === '' ? ' *' : ` * ${l.trim()}`)), ' */'];
    case 'docstring': {
      const quotes = DOCSTRING_OPEN.exec(lines[comment.start]!)![1]!;
      return [`${quotes}${body.map((l) => l.trim()).join('\n')}${quotes}`];
    }
  }
}

function isLicence(paragraph: string[]): boolean {
  const text = paragraph.join(' ');
  return (
    LICENCE_PHRASE.test(text) ||
    DEFINED_TERM.test(text) ||
    paragraph.every((l) => isCopyrightNotice(l.trim()))
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
