/**
 * The salient passages of a document too long for one pass: the paragraphs a summary most needs, chosen
 * without decoding, kept in their original order, within a token budget. One pass over them replaces
 * summarizing part by part and then the parts' summaries (which cost a decode per part before the first
 * word, and whose second stage read the model's own, sometimes broken, output).
 *
 * A paragraph's score is its kind's weight × its centrality × a position prior:
 * - kind: prose 1, comments and docstrings 0.8, lists 0.6, headings 0.3, tables 0.2, code 0.1 (a summary
 *   is prose; in a source file every block is code, and the other two factors decide);
 * - centrality: how much of the document's recurring vocabulary the paragraph carries, per token;
 * - position: 1 / (1 + i / s), since documents tend to open with what they are about; s is 3 paragraphs, or a
 *   tenth of a document of more than 30 (a long transcript, whose opening is greetings).
 * The opening paragraph is always taken when it fits; a paragraph larger than what is left is cut at a
 * sentence boundary.
 */
import { units, type TokenCounter } from './chunking';
import { whitespaceWords } from './words';

export type BlockKind = 'prose' | 'comment' | 'list' | 'heading' | 'table' | 'code';

const KIND_WEIGHT: Readonly<Record<BlockKind, number>> = {
  prose: 1,
  comment: 0.8,
  list: 0.6,
  heading: 0.3,
  table: 0.2,
  code: 0.1,
};

const STOPWORDS = new Set(
  'the and for that with this from are was were have has had not but you your its their they them then than there which what when where will would can could should into onto about also more most such only other some any each our out one all may use used using'.split(
    ' ',
  ),
);

export interface Selection {
  text: string;
  /** Paragraphs kept, of all. */
  kept: number;
  total: number;
}

/** Paragraphs: blank-line separated, a fenced code block as one; a text of few paragraphs by lines. */
export function blocks(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let fenced = false;
  const flush = (): void => {
    const b = current.join('\n').trim();
    if (b.length > 0) out.push(b);
    current = [];
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) {
      if (!fenced) flush();
      current.push(line);
      if (fenced) flush();
      fenced = !fenced;
      continue;
    }
    if (!fenced && line.trim().length === 0) flush();
    else current.push(line);
  }
  flush();
  if (out.length >= 4) return out;
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  return lines.length > out.length ? runsOfLines(lines) : out;
}

/**
 * A text without paragraphs (a transcript, one turn a line) as runs of consecutive lines of about
 * `LINE_RUN_WORDS` words: one turn ("Grad G: So .") says too little to be a passage, and an exchange read as
 * a run keeps who answered what.
 */
const LINE_RUN_WORDS = 60;

function runsOfLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  let words = 0;
  for (const line of lines) {
    run.push(line);
    words += whitespaceWords(line).length;
    if (words >= LINE_RUN_WORDS) {
      out.push(run.join('\n'));
      run = [];
      words = 0;
    }
  }
  if (run.length > 0) out.push(run.join('\n'));
  return out;
}

/** What kind of text a paragraph is. */
export function blockKind(block: string): BlockKind {
  const lines = block.split('\n').filter((l) => l.trim().length > 0);
  const share = (re: RegExp): number => lines.filter((l) => re.test(l)).length / Math.max(1, lines.length);
  if (/^\s*(```|~~~)/.test(block)) return 'code';
  if (lines.length === 1 && /^\s*#{1,6}\s/.test(block)) return 'heading';
  if (share(/^\s*\|/) >= 0.5) return 'table';
  if (share(/^\s*(\/\/|\/?\*|#(?!#)|"""|''')/) >= 0.5) return 'comment';
  if (share(/^\s*([-*+•]|\d+[.)])\s/) >= 0.5) return 'list';
  const codeLike = share(
    /[;{}]\s*$|^\s{4,}\S|^\s*(import|export|from|def|class|const|let|var|function|return|if|for|while)\b/,
  );
  return codeLike >= 0.5 ? 'code' : 'prose';
}

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}][\p{L}\p{N}_]{2,}/gu) ?? []).filter((w) => !STOPWORDS.has(w));
}

/** The position prior halves after this share (1 / OPENING_SHARE) of a document of many paragraphs. */
const OPENING_SHARE = 10;

/** Keeps the first units of `block` that fit in `budget` tokens. */
function cut(block: string, count: TokenCounter, budget: number): string {
  let out = '';
  for (const u of units(block, count, budget)) {
    if (count(out + u.text) > budget) break;
    out += u.text;
  }
  return out.trim();
}

/** The salient passages of `text` within `maxTokens` tokens (the whole text when it fits). */
export function selectPassages(text: string, count: TokenCounter, maxTokens: number): Selection {
  const all = blocks(text);
  if (count(text) <= maxTokens) return { text, kept: all.length, total: all.length };
  // the prior halves after `openingSpan` paragraphs: 3 for an article, a tenth of a long transcript's runs
  // (by paragraph count alone, a meeting was read as its first 40 turns of greetings)
  const openingSpan = Math.max(3, all.length / OPENING_SHARE);
  const freq = new Map<string, number>();
  for (const w of contentWords(text)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = all.map((b, i) => {
    const tokens = count(b);
    const distinct = new Set(contentWords(b));
    let carried = 0;
    for (const w of distinct) carried += Math.log(freq.get(w) ?? 1);
    const centrality = carried / Math.sqrt(tokens + 1);
    return {
      i,
      tokens,
      score: KIND_WEIGHT[blockKind(b)] * (centrality + 0.01) * (1 / (1 + i / openingSpan)),
    };
  });
  const chosen = new Map<number, string>();
  let left = maxTokens;
  const take = (i: number): void => {
    const b = all[i]!;
    const t = scored[i]!.tokens + 2; // the blank line that joins it
    if (t <= left) {
      chosen.set(i, b);
      left -= t;
    } else if (left >= 32) {
      const piece = cut(b, count, left - 2);
      if (piece.length > 0) {
        chosen.set(i, piece);
        left -= count(piece) + 2;
      }
    }
  };
  if (blockKind(all[0]!) !== 'code') take(0);
  for (const { i } of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
    if (left < 16) break;
    if (!chosen.has(i)) take(i);
  }
  const kept = [...chosen.keys()].sort((a, b) => a - b);
  let joined = kept.map((i) => chosen.get(i)!).join('\n\n');
  // Token counts of parts need not add up exactly: drop the lowest-scored part until the whole fits.
  while (count(joined) > maxTokens && kept.length > 1) {
    const worst = kept.reduce((w, i) => (scored[i]!.score < scored[w]!.score ? i : w), kept[0]!);
    kept.splice(kept.indexOf(worst), 1);
    joined = kept.map((i) => chosen.get(i)!).join('\n\n');
  }
  if (count(joined) > maxTokens) joined = cut(joined, count, maxTokens);
  return { text: joined, kept: kept.length, total: all.length };
}
