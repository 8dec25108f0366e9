/**
 * The last check before a summary is shown (usability rules in grounding/usability.ts): a row's text is
 * finished (ended at a sentence, no unfinished name), and a row whose summary is empty, looping, code, markup,
 * an echo of the prompt, a preamble, a copy of a conversation's turns or only its questions (document-echo.ts)
 * is decoded again in other ways from the cached prefill, then nearer the default weighting; if they all fail,
 * the row carries a `problem` instead of a summary.
 */
import { generateBatch, type BatchOptions, type BatchRequest, type BatchRowResult } from './decode';
import {
  announcesItself,
  echoesPrompt,
  hasEmptySentence,
  hasParticipantVoice,
  hasSpeech,
  speaksAsNarrator,
  withoutClauseFrame,
  withoutEmptySentences,
  withoutParticipantVoice,
  withoutSalutation,
  withoutSpeech,
} from './document-echo';
import { conversationTags, speakerTags, writesTurn } from './grounding/turns';
import { misstatesUnit, quantityUnits } from './grounding/units';
import { misstatesBound, quantityBounds } from './grounding/bounds';
import { unsupportedTerms } from './grounding/terms';
import { DocumentPlaces, misrelated, withoutMisrelated } from './grounding/relations';
import { affirmedDenials, deniedWords, withoutAffirmedDenials } from './grounding/negation';
import { DocumentStems, novelSentences, withoutNovelSentences } from './grounding/novel-wording';
import type { Grounding, ResolvedSampling } from './generation/config';
import type { DeadEnd } from './generation/grounded-decoding';
import type { FinishReason } from './generation/generator';
import {
  beforeFirstRepeat,
  beforeFirstSentence,
  beforeLastClause,
  endAtSentence,
  endsSentence,
  beforeFirstFragment,
  hasFragment,
  runsOn,
  unusable,
  unusableMessage,
  withoutUnfinishedEnd,
  type Unusable,
} from './grounding/usability';
import type { Model } from './model';
import { proseOpener } from './prose-opener';
import { withoutRestatements } from './restatements';
import { hasUnsureSentence, unsureSentences, withoutUnsureSentences } from './unsure-sentences';
import { normaliseWeights } from './weights';
import { withCapitalOpenings, withSpacedSentences } from './sentence-case';
import type { SummarizeOptions } from './summary-types';

/** One row's result: its tokens, why decoding stopped, and its text or the reason it has none. */
export interface RowOutput {
  tokens: number[];
  finishReason: FinishReason;
  summary: string;
  problem?: string;
  /**
   * The weighting the summary was decoded at when it is not the one asked for: no way of decoding gave a
   * usable summary there, and one nearer the default weighting did (`retryUnusable`).
   */
  writtenAt?: readonly number[];
  /** Keys of its sentences the model was unsure of (unsure-sentences.ts), when the manifest sets a level. */
  unsure?: ReadonlySet<string>;
}

/**
 * How far a row that no way of decoding made usable moves toward the default weighting, in turn: halfway,
 * then all the way.
 */
const TOWARD_DEFAULT = [0.5, 1] as const;

function defaultVector(model: Model): readonly number[] {
  return normaliseWeights(model.manifest.objectives, model.manifest.defaultWeights).vector;
}

/**
 * How often a row that grounded decoding left stuck is decoded again with its dead ends refused before the
 * other ways are tried: each time it goes back one term at the place it got stuck.
 */
const MAX_BACKTRACKS = 3;

/** The prompt around the document ("You are a helpful assistant ..."), without its placeholders. */
function promptText(model: Model): string {
  return model.manifest.prompt.template.replace('{document}', ' ').replace('{weights}', ' ');
}

/**
 * A row's text. One cut off at the token limit, or ended by the model after a finished sentence and a
 * fragment, ends at its last finished sentence; a character left
 * incomplete is dropped; a letter's greeting before the first sentence goes ("Dear Vince & Ozzie: ..."); a
 * frame before a whole clause goes ("This text summarizes MTV has been ..."); a
 * sentence that says only what the ones before it said goes (restatements.ts); a sentence opening with an
 * ordinary word in lower case gets its capital, and one glued to an exclamation or question mark its space
 * (sentence-case.ts); and under grounding, a last
 * term left unfinished (the decoding ended inside a name it could not complete) is cut off too, so the
 * summary never ends in "Davi" for "David".
 */
export function finished(
  model: Model,
  { tokens, finishReason, logprobs }: Pick<BatchRowResult, 'tokens' | 'finishReason' | 'logprobs'>,
  grounding?: Grounding,
): RowOutput {
  let text =
    tokens.length === 0
      ? ''
      : model.tokenizer
          .decode(tokens)
          .replace(/\uFFFD+$/u, '')
          .trim();
  // cut at the token limit, or ended without finishing its sentence: end at the last finished one
  if (finishReason !== 'eos' || !endsSentence(text)) text = endAtSentence(text);
  if (grounding) text = withoutUnfinishedEnd(text, grounding.continuation.doc);
  // capitals first: the later rewrites find sentences where a capital opens them
  const summary = withoutRestatements(
    withoutClauseFrame(withoutSalutation(withCapitalOpenings(withSpacedSentences(text)))),
  );
  const floor = model.manifest.generation.unsureBelow;
  if (floor === undefined || logprobs.length === 0) return { tokens, finishReason, summary };
  const decode = (ids: readonly number[]): string => model.tokenizer.decode(ids);
  return { tokens, finishReason, summary, unsure: unsureSentences(tokens, logprobs, decode, floor) };
}

/**
 * Whether a grounded summary ended by end-of-sequence without finishing a sentence or any sentence before it
 * ("The ml_dtypes package includes", "Apache License Version 2.0, January 2004, January 1"): grounded decoding
 * refuses end-of-sequence outside a sentence end, so this one was forced when no next token passed the rules
 * (2% of the `fast` graph's evaluation summaries). One cut at the token limit is still shown (ended at its
 * last sentence by `finished`), unless it runs on (`runsOn`).
 */
function strandedFragment(summary: string, finishReason: FinishReason): boolean {
  return finishReason === 'eos' && summary.length > 0 && !endsSentence(summary);
}

/** A way to decode a row again: its sampling, and whether the summary opens with `proseOpener`'s words. */
interface RetryWay {
  sampling: ResolvedSampling;
  opener: boolean;
}

/**
 * The other ways a row is decoded when its summary is unusable, in order: greedy, opening with the words of
 * `proseOpener` ("This function ..."); then greedy with repeats penalised harder, in the model's own words.
 * On 16 test documents of the docs and code kinds at 16 weightings, the penalised way alone left 27% of
 * the summaries unusable; the opener first left 0.4%. (Sampling was tried as another way: on source files it
 * wrote code-like text that passed every check.)
 */
function retryWays(s: ResolvedSampling): RetryWay[] {
  return [
    { sampling: { ...s, temperature: 0 }, opener: true },
    {
      sampling: {
        ...s,
        temperature: 0,
        repetitionPenalty: Math.max(s.repetitionPenalty, 1.3),
        noRepeatNgramSize: s.noRepeatNgramSize > 0 ? Math.min(s.noRepeatNgramSize, 3) : 3,
        minNewTokens: Math.max(s.minNewTokens, 8),
      },
      opener: false,
    },
  ];
}

/**
 * Rows that one way of decoding left stuck (grounded decoding found no next token) are decoded again the same
 * way with every dead end met so far refused, so the decoding goes back to where the stuck term began and
 * takes the next best token there ("This text summarizes ... Apache License Version 2.0, January 2004, January
 * 1, 20" was stuck: the model wanted "2021", the document has "2004"). Not for the model's first words: on
 * the per-kind evaluation, backtracking there replaced cautious retries ("This text summarizes a match
 * between Wales and France.") with claims the document does not make ("Stade de France, Paris defeats Wales.").
 */
async function backtrack(
  model: Model,
  requests: readonly BatchRequest[],
  stuck: ReadonlyMap<number, readonly DeadEnd[]>,
  options: BatchOptions,
  judge: (r: number, out: RowOutput) => boolean,
): Promise<void> {
  const avoid = new Map([...stuck].map(([r, ends]) => [r, [...ends]]));
  for (let round = 0; round < MAX_BACKTRACKS && avoid.size > 0; round++) {
    const rowsNow = [...avoid.keys()];
    const { rows } = await generateBatch(
      model,
      rowsNow.map((r) => ({ ...requests[r]!, avoid: avoid.get(r)! })),
      options,
    );
    rows.forEach((row, i) => {
      const r = rowsNow[i]!;
      const usable = judge(r, finished(model, row, options.grounding));
      // a row stuck again goes back further next round; one that ended otherwise is left to the other ways
      if (usable || row.deadEnds.length === 0) avoid.delete(r);
      else avoid.get(r)!.push(...row.deadEnds);
    });
  }
}

/**
 * The last check: a row whose summary is empty, looping or markup only is decoded again in other ways (from
 * the cached prefill), then halfway toward the default weighting and at the default (`writtenAt`); if they all
 * fail the row carries a `problem` instead of a summary.
 */
export async function retryUnusable(
  model: Model,
  document: string,
  requests: readonly BatchRequest[],
  outputs: RowOutput[],
  batchOptions: BatchOptions,
  onProgress: SummarizeOptions['onProgress'],
): Promise<void> {
  const prompt = promptText(model);
  const units = quantityUnits(document);
  const bounds = quantityBounds(document);
  const misstates = (text: string): boolean => misstatesUnit(text, units) || misstatesBound(text, bounds);
  // Grounded decoding keeps unsupported terms out while it can; a summary whose end was forced (no token
  // passed) may still hold a term it never finished checking ("Networkx Graph." for "Networkx Graphs").
  const doc = batchOptions.sampling.grounded ? batchOptions.grounding?.continuation.doc : undefined;
  const tags = batchOptions.grounding?.continuation.doc.turnTags ?? speakerTags(document);
  const speakers =
    batchOptions.grounding?.continuation.doc.conversationTags ?? conversationTags(document, tags);
  const places = batchOptions.sampling.grounded ? DocumentPlaces.of(document) : undefined;
  const denied = batchOptions.sampling.grounded ? deniedWords(document) : undefined;
  const novelFrom = model.manifest.generation.novelSentenceWords;
  const stems =
    batchOptions.sampling.grounded && novelFrom !== undefined ? DocumentStems.of(document, novelFrom) : null;
  const check = ({ summary, finishReason, unsure }: RowOutput): Unusable | null =>
    unusable(summary) ??
    (echoesPrompt(summary, prompt) || announcesItself(summary) || speaksAsNarrator(summary)
      ? 'empty'
      : null) ??
    (hasEmptySentence(summary, prompt, document) ? 'vacuous' : null) ??
    (hasSpeech(summary) ? 'speech' : null) ??
    (hasParticipantVoice(summary, speakers) ? 'voice' : null) ??
    (writesTurn(summary, tags) ? 'transcript' : null) ??
    (misstates(summary) ? 'misstated' : null) ??
    (strandedFragment(summary, finishReason) ? 'unfinished' : null) ??
    (runsOn(summary) ? 'runon' : null) ??
    (hasFragment(summary) ? 'fragment' : null) ??
    (doc && unsupportedTerms(summary, doc).length > 0 ? 'unsupported' : null) ??
    (places && misrelated(summary, places).length > 0 ? 'misrelated' : null) ??
    (denied && affirmedDenials(summary, denied).length > 0 ? 'denied' : null) ??
    (stems && novelSentences(summary, stems).length > 0 ? 'novel' : null) ??
    (places && unsure && hasUnsureSentence(summary, unsure) ? 'unsure' : null);
  // a summary at fault only after some good sentences (it loops, misstates a unit, names what the text does
  // not, writes a fragment) keeps those, one stranded mid-sentence its whole clauses, and one that ties
  // together what the text keeps apart, says nothing about it, states what it denies or copies its questions
  // in a sentence its other sentences, if they pass by themselves; so does one with a sentence in words the
  // text never uses, one the model was unsure of, or one in a conversation's speaker's "I" or "you"
  const cutFor = (reason: Unusable | null, { summary, unsure }: RowOutput): string => {
    switch (reason) {
      case 'looping':
        return beforeFirstRepeat(summary);
      case 'misstated':
        return beforeFirstSentence(summary, misstates);
      case 'unsupported':
        return doc ? beforeFirstSentence(summary, (s) => unsupportedTerms(s, doc).length > 0) : '';
      case 'fragment':
        return beforeFirstFragment(summary);
      case 'unfinished':
        return beforeLastClause(summary);
      case 'misrelated':
        return places ? withoutMisrelated(summary, places) : '';
      case 'denied':
        return denied ? withoutAffirmedDenials(summary, denied) : '';
      case 'novel':
        return stems ? withoutNovelSentences(summary, stems) : '';
      case 'vacuous':
        return withoutEmptySentences(summary, prompt, document);
      case 'speech':
        return withoutSpeech(summary);
      case 'voice':
        return withoutParticipantVoice(summary, speakers);
      case 'unsure':
        return unsure ? withoutUnsureSentences(summary, unsure) : '';
      default:
        return '';
    }
  };
  const withoutLoop = (out: RowOutput): RowOutput => {
    // one cut per fault, as long as each leaves text ("... a looping end. A misrelated sentence.")
    let kept = out;
    for (let reason = check(kept); reason !== null; reason = check(kept)) {
      const cut = cutFor(reason, kept);
      if (cut === '' || cut === kept.summary) return out;
      kept = { ...kept, summary: cut };
    }
    return kept;
  };

  outputs.forEach((out, r) => (outputs[r] = withoutLoop(out)));
  const reasons = outputs.map(check);
  /** Decodes the rows still unusable one way, at `weightsOf` each row's weighting; false when none is left. */
  const retry = async (
    way: BatchOptions,
    weightsOf: (request: BatchRequest) => readonly number[],
  ): Promise<boolean> => {
    const moved = requests.map((q) => ({ ...q, weights: weightsOf(q) }));
    // a row already at the weighting it would move to would decode as before
    const movesOn = (r: number): boolean =>
      moved[r]!.weights === requests[r]!.weights ||
      moved[r]!.weights.some((w, i) => Math.abs(w - requests[r]!.weights[i]!) > 1e-6);
    const bad = reasons.flatMap((reason, r) => (reason === null || !movesOn(r) ? [] : [r]));
    if (bad.length === 0) return reasons.some((reason) => reason !== null);
    onProgress?.({
      stage: 'retry',
      done: 0,
      total: bad.length,
      message: 'Rewriting the summary: the first attempt was not usable prose',
    });
    const judge = (r: number, row: RowOutput): boolean => {
      const out = withoutLoop(row);
      const again = check(out);
      if (again === null) {
        const at = moved[r]!.weights;
        outputs[r] = at === requests[r]!.weights ? out : { ...out, writtenAt: at };
      }
      reasons[r] = again;
      return again === null;
    };
    const { rows } = await generateBatch(
      model,
      bad.map((r) => moved[r]!),
      way,
    );
    const stuck = new Map<number, readonly DeadEnd[]>();
    rows.forEach((row, i) => {
      const r = bad[i]!;
      if (!judge(r, finished(model, row, batchOptions.grounding)) && row.deadEnds.length > 0)
        stuck.set(r, row.deadEnds);
    });
    await backtrack(model, moved, stuck, way, judge);
    return reasons.some((reason) => reason !== null);
  };
  let opener: number[] | undefined; // only when a row needs another way
  const otherWays = (): BatchOptions[] =>
    retryWays(batchOptions.sampling).map(({ sampling, opener: opens }) => ({
      ...batchOptions,
      sampling,
      ...(opens ? { start: (opener ??= model.tokenizer.encode(proseOpener(document), false)) } : {}),
    }));
  const asAsked = (q: BatchRequest): readonly number[] => q.weights;
  for (const way of otherWays()) if (!(await retry(way, asAsked))) return;
  // The ends of the trade-off are where the model fails most; a step toward the default weighting, then the
  // default itself, often gives a summary that passes the same rules (and says where it was written:
  // `writtenAt`). It is the model's own there, as true as its other summaries, no truer. Each step is decoded
  // every way: at the default weighting too the model's first words may be what fails (Dpkg's File.pm had no
  // summary at its concise end; at the default its summary comes from the prose opener's retry).
  const fallback = defaultVector(model);
  for (const step of TOWARD_DEFAULT) {
    const toward = (q: BatchRequest): readonly number[] =>
      q.weights.map((w, i) => w + step * ((fallback[i] ?? w) - w));
    for (const way of [batchOptions, ...otherWays()]) if (!(await retry(way, toward))) return;
  }
  reasons.forEach((reason, r) => {
    if (reason !== null)
      outputs[r] = {
        tokens: [],
        finishReason: outputs[r]!.finishReason,
        summary: '',
        problem: unusableMessage(reason),
      };
  });
}
