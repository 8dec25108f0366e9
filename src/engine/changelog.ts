/**
 * A changelog is read as its newest releases. Read whole, or through its salient passages, a CHANGELOG.md
 * gave summaries that mixed releases years apart ("Version 1.0.0 to better match with Python 3.9.0.") or took
 * its entries' tags for actors ("The Fix team uses double quotes for keys." of "[Fix] parse: ..."). What a
 * reader opening one wants to know is what changed lately, so the model reads the newest releases' entries
 * until it has enough words: each entry a sentence (no list marker, a full stop), without commit hashes,
 * an entry's "[Fix]" tag read as "Fix:", and without the release headings (kept as lines, "8.19.0
 * (2026-10-05):", they made the model open with their numbers: "8, 19, 2026, 10.0, and 2019 are working
 * with Unicode 18."). Grounding still checks the summary against the whole file.
 */
import { headings, type Heading } from './document-sections';
import { proseOfStructured } from './markdown-prose';

/** A release's heading: a version number ("8.19.0", "v1.1.2", "[2.0.1]", "Version 4.0.0") or "Unreleased". */
const VERSION = /(?:^|[\s[(/v])\d+\.\d+(?:\.\d+)*(?:[-+][\w.]+)?(?=$|[\s\])/,:|-])/iu;
const UNRELEASED = /^\W*unreleased\b/iu;
/** A heading of more words than this is a sentence that mentions a version, not a release's heading. */
const MAX_RELEASE_HEADING_WORDS = 8;
/** A changelog has this many release headings at least. */
const MIN_RELEASES = 3;
/** Releases are read, newest first, until their prose has this many words (the last one read whole)... */
const READ_WORDS = 120;
/** ... or this many releases are read. */
const READ_RELEASES = 4;

function plain(title: string): string {
  return title
    .replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/[*_`[\]]/gu, '')
    .trim();
}

function isReleaseHeading(h: Heading): boolean {
  const title = plain(h.title);
  if (title.split(/\s+/u).length > MAX_RELEASE_HEADING_WORDS) return false;
  return UNRELEASED.test(title) || VERSION.test(title);
}

/** A release's lines without commit hashes ("[`8dff42c`](https://...)", "(6e2b9dd)"), as written. */
function withoutHashes(markdown: string): string {
  return markdown
    .replace(/\[`[0-9a-f]{7,40}`\]\([^)]*\)|`[0-9a-f]{7,40}`/gu, '')
    .replace(/(?<![\w/.-])\(?(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\)?(?![\w/.-])/gu, '');
}

/**
 * A release's prose (its character references already decoded: markdown-prose.ts), each entry a sentence, its
 * leading "[Fix]" tag read as "Fix:".
 */
function entryText(prose: string): string {
  return prose
    .split('\n')
    .map((line) =>
      line
        .replace(/^(\s*(?:[-*+•]\s+)?)\[([\p{L}][\p{L} ]{0,20})\]\s*/u, '$1$2: ')
        // an entry is a sentence: no list marker, and a full stop where it has none
        .replace(/^\s*[-*+•]\s+(.*?)[\s,;:]*$/u, (_, entry: string) =>
          /[.!?]["')\]]*$/u.test(entry) ? entry : `${entry}.`,
        )
        .replace(/[ \t]{2,}/gu, ' ')
        .trim(),
    )
    .join('\n');
}

function wordCount(text: string): number {
  return text.match(/\p{L}{2,}/gu)?.length ?? 0;
}

/**
 * What the model reads of a changelog: its newest releases (see the module comment); null when `text` is no
 * changelog (fewer than MIN_RELEASES release headings, or they are not most of the headings of their level).
 */
export function changelogReading(text: string): string | null {
  const lines = text.split(/\r?\n/u);
  const hs = headings(lines);
  const releases = hs.filter(isReleaseHeading);
  if (releases.length < MIN_RELEASES) return null;
  const level = releases[0]!.level;
  const ofLevel = hs.filter((h) => h.level === level);
  const releasesOfLevel = ofLevel.filter(isReleaseHeading);
  if (releasesOfLevel.length < MIN_RELEASES || releasesOfLevel.length * 2 < ofLevel.length) return null;
  const parts: string[] = [];
  let words = 0;
  for (const release of releasesOfLevel) {
    const end = ofLevel.find((h) => h.start > release.start)?.start;
    const body = entryText(
      proseOfStructured(withoutHashes(lines.slice(release.end, end ?? lines.length).join('\n'))),
    );
    const bodyWords = wordCount(body);
    if (bodyWords === 0) continue; // an empty "Unreleased"
    parts.push(body);
    words += bodyWords;
    if (words >= READ_WORDS || parts.length >= READ_RELEASES) break;
  }
  return parts.length > 0 ? parts.join('\n\n') : null;
}
