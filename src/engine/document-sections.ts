/**
 * The headings of a Markdown or reStructuredText document, and the document without the sections a summary
 * of it does not need. A README's summary says what the project is; read whole, the model summarized
 * whatever it met: "NumPy is a community-driven open source project with a mailing list." (its Code of
 * Conduct), "Install with npm allows you to merge streams in parallel." (Install), "Mocha is a
 * collaborative project maintained by volunteers." (Backers). So sections about installing, licensing,
 * contributing, sponsoring, testing or the project's history are left out of what the model reads (unless
 * too little would be left: markdown-prose.ts). Grounding still checks the summary against the whole document.
 */

export interface Heading {
  /** First line of the heading (an overline's line for an overlined reST title). */
  start: number;
  /** The line after the heading's last line (its underline for setext and reST headings). */
  end: number;
  /** 1 is the outermost. */
  level: number;
  title: string;
}

const ATX = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/u;
/** A setext (Markdown) or reST underline: one punctuation character repeated, three times at least. */
const ADORNMENT = /^\s{0,3}([=\-~^*+#"'`:.])\1{2,}\s*$/u;
const FENCE = /^\s*(```|~~~)/u;
const LIST_ITEM = /^\s*([-*+•]|\d+[.)])\s/u;

/** For each line, whether it is fenced code: a fence's marker lines and the lines between them. */
export function fencedLines(lines: readonly string[]): boolean[] {
  let open = false;
  return lines.map((line) => {
    if (!FENCE.test(line)) return open;
    open = !open;
    return true;
  });
}

/** The headings of `lines`, outside fenced code. */
export function headings(lines: readonly string[]): Heading[] {
  const out: Heading[] = [];
  // reST levels follow the order in which each adornment style first appears; Markdown's '=' and '-'
  // underlines come first in practice, as levels 1 and 2.
  const styles: string[] = [];
  const styleLevel = (style: string): number => {
    if (!styles.includes(style)) styles.push(style);
    return styles.indexOf(style) + 1;
  };
  const fenced = fencedLines(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fenced[i]) continue;
    const atx = ATX.exec(line);
    if (atx) {
      out.push({ start: i, end: i + 1, level: atx[1]!.length, title: atx[2]! });
      continue;
    }
    const next = lines[i + 1];
    if (line.trim().length === 0 || next === undefined || ADORNMENT.test(line) || LIST_ITEM.test(line))
      continue;
    // a fence's backticks are no underline ("To run the benchmark:" before a fenced command)
    const under = fenced[i + 1] ? null : ADORNMENT.exec(next);
    if (!under) continue;
    const over = i > 0 && ADORNMENT.exec(lines[i - 1]!)?.[1] === under[1];
    // An earlier heading may already have taken the overline as its underline: not for an overlined title.
    if (over && out.at(-1)?.end === i) out.pop();
    out.push({
      start: over ? i - 1 : i,
      end: i + 2,
      level: styleLevel((over ? 'over' : '') + under[1]!),
      title: line.trim(),
    });
    i++;
  }
  return out;
}

/**
 * Headings of sections that are about the project's upkeep rather than what it is. Usage, examples,
 * features and the API stay: they say what it does.
 */
const UPKEEP =
  /^(?:how to )?(?:install(?:ation|ing)?|setup|set up|requirements|dependencies|prerequisites|licen[cs]e|licensing|copyright|contribut(?:e|ing|ors?|ions?)|call for contributions|code of conduct|sponsors?|sponsorship|backers?|funding|donat(?:e|ions?)|support(?:ing)?(?: the project)?|acknowledge?ments?|credits?|thanks|authors?|maintainers?|team|changelog|change log|changes|release notes|releases?|history|security|reporting (?:bugs|issues|a bug)|bug reports?|issues|development|developing|building|build|testing|tests|running tests|table of contents|contents|toc|links|badges|community|related(?: projects)?|see also|citation|citing|cite|faq|status|versioning|supported versions)\b/iu;

function plainTitle(title: string): string {
  return title
    .replace(/[\p{Extended_Pictographic}\p{So}\uFE0F\u200D]/gu, '')
    .replace(/[*_`[\]]/gu, '')
    .replace(/^[\s\d.)]+/u, '')
    .trim();
}

/** Whether a heading names a section about the project's upkeep (see UPKEEP). */
export function isUpkeepHeading(title: string): boolean {
  return UPKEEP.test(plainTitle(title));
}

/**
 * `text` without its upkeep sections, each to the next heading of its level or above. Only headings of the
 * document's two outermost levels count: a changelog's "### Security" under a version is news, a README's
 * "## Security" is a policy. A title (the one heading of the outermost level, first in the document) is what
 * the document is about: a CHANGELOG.md is read as its entries.
 */
export function withoutUpkeepSections(text: string): string {
  const lines = text.split(/\r?\n/u);
  const hs = headings(lines);
  if (hs.length === 0) return text;
  const outermost = Math.min(...hs.map((h) => h.level));
  // The document's own title names what it is ("# Changelog", "# Contributing to X"), not a section of it.
  const tops = hs.filter((h) => h.level === outermost);
  const title = tops.length === 1 && tops[0] === hs[0] ? hs[0] : undefined;
  const dropped = new Array<boolean>(lines.length).fill(false);
  let any = false;
  hs.forEach((h, k) => {
    if (h === title || h.level > outermost + 1 || !isUpkeepHeading(h.title)) return;
    const next = hs.slice(k + 1).find((o) => o.level <= h.level);
    for (let i = h.start; i < (next?.start ?? lines.length); i++) dropped[i] = true;
    any = true;
  });
  const kept = any ? lines.filter((_, i) => !dropped[i]).join('\n') : text;
  return CHANGELOG_PREAMBLE.reduce((t, re) => t.replace(re, ''), kept);
}

/**
 * The preamble of the Keep a Changelog template ("All notable changes to this project will be documented in
 * this file. The format is based on Keep a Changelog, ..."), which most changelogs open with and which
 * their summaries repeated at every weighting instead of what changed.
 */
const CHANGELOG_PREAMBLE = [
  /^[ \t]*All notable changes to this project will be documented in this file\.?(?:[ \t]*See [^\n]*?commit guidelines\.)?[ \t]*$/gimu,
  /^[ \t]*The format is based on \[?Keep a Changelog\b[\s\S]*?(?=\n[ \t]*\n|(?![\s\S]))/gimu,
];
