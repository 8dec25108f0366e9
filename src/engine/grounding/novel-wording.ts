/**
 * Sentences in words the document never uses. Grounded decoding keeps names and numbers inside the document,
 * but any ordinary English word may be written, and on a text unlike its training (a licence, a config file)
 * the model writes whole claims in such words: "The SOFTWARE provider agrees with all applicable laws,
 * statutes, and regulations." of the ISC licence, "Language: node_js allows users to customize their speech."
 * of a `.travis.yml`. A sentence most of whose content words (by stem) the document lacks, three or more, says
 * what the document does not; the last check drops it. The words a summary uses of any text ("describes",
 * "discusses") do not count. How many such words make a sentence novel is measured per model (manifest
 * `decoding.novelSentenceWords`): on the per-kind evaluation's test documents 10 of 4,401 of the model's
 * sentences had three or more (all but one of them wrong or empty), against 2 to 6% of the human reference
 * sentences of dialogue, science and e-mail, which paraphrase more than this model does
 * (training/reports/novel-wording).
 */
import { isSourceCode } from '../markdown-prose';
import { looksLikeCode } from '../prose-opener';
import { wholeSentences } from '../sentences';
import { contentStems, stem, tokens } from '../words';
import { SUMMARY_WORDS } from './document-wording';

/**
 * Whether `document` is to be summarized in its own words: neither source code with its definitions at the
 * margin (markdown-prose.ts) nor text most of whose lines read as code (prose-opener.ts). A summary of code
 * has to say in English what the code writes in its own terms ("This function ...").
 */
export function isProse(document: string): boolean {
  return !isSourceCode(document) && !looksLikeCode(document);
}

/** A sentence with at least `minNovel` content stems the document lacks is novel when they are this share of its content stems. */
const MIN_NOVEL_SHARE = 0.6;

/** The stems of a prose document's words, and of the words any summary uses, to hold its summary's sentences to. */
export class DocumentStems {
  private constructor(
    private readonly stems: ReadonlySet<string>,
    private readonly minNovel: number,
  ) {}

  /** The stems of `document`, held to `minNovel` (at least 1), or null when it is not prose (`isProse`). */
  static of(document: string, minNovel: number): DocumentStems | null {
    if (!isProse(document)) return null;
    const stems = new Set(tokens(document).map((t) => stem(t)));
    for (const w of SUMMARY_WORDS) stems.add(stem(w));
    return new DocumentStems(stems, Math.max(1, minNovel));
  }

  /** The content stems of `sentence` this document lacks when they make it novel, else null. */
  novelStems(sentence: string): string[] | null {
    const all = contentStems(sentence);
    const novel = all.filter((s) => !this.stems.has(s));
    return novel.length >= this.minNovel && novel.length >= MIN_NOVEL_SHARE * all.length ? novel : null;
  }
}

/** The sentences of `summary` that are novel (`DocumentStems.novelStems`). */
export function novelSentences(summary: string, stems: DocumentStems): string[] {
  return wholeSentences(summary).filter((s) => stems.novelStems(s) !== null);
}

/** `summary` without its novel sentences. */
export function withoutNovelSentences(summary: string, stems: DocumentStems): string {
  return wholeSentences(summary)
    .filter((s) => stems.novelStems(s) === null)
    .join(' ');
}
