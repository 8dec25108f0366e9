/**
 * Rules of the last check that need the prompt or the document, not the summary alone (usability.ts has
 * those), and those where a summary takes the text's voice: a summary that repeats the system message, talks
 * about itself instead of the text, speaks as the text's narrator or asks and exclaims as its speakers do is
 * not a summary, however grounded its words are (a copy of a conversation's speaker turns: grounding/turns.ts).
 */
import { speaksAsParticipant } from './grounding/turns';
import { sentenceSpans } from './grounding/usability';
import { wholeSentences } from './sentences';

/** Lower-case words of `text`, letters and digits only. */
function plainWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

/** Share of a summary's words the prompt has, above which it repeats the prompt ("You are a helper that summarizes text."). */
const ECHO_SHARE = 0.8;

/**
 * Whether a summary, or its first sentence, mostly repeats the prompt's own words (the system message), which
 * small models do.
 */
export function echoesPrompt(summary: string, promptText: string): boolean {
  const prompt = new Set(plainWords(promptText));
  const share = (text: string): boolean => {
    const words = plainWords(text);
    return words.length > 0 && words.filter((w) => prompt.has(w)).length >= ECHO_SHARE * words.length;
  };
  // the whole summary, or its first sentence when the model went on after the echo
  const first = /^.*?[.!?](?=\s|$)/su.exec(summary.trim())?.[0];
  return share(summary) || (first !== undefined && plainWords(first).length >= 4 && share(first));
}

/**
 * Whether a summary opens by announcing itself ("Here's a concise summary of ...", "This is a summary of
 * ..."): the small model's chat habit, which says nothing about the text in its first words and often
 * nothing after them either.
 */
export function announcesItself(summary: string): boolean {
  return /^\s*(?:here(?:'|’)?s|here is|this is|below is)\s+(?:a|an|the|my)\s+(?:\w+\s+){0,2}summary\b/iu.test(
    summary,
  );
}

/**
 * Whether a summary opens in the first person singular as the document's speaker does ("I joined Kristin
 * Peck, our chief executive officer, ..." for an earnings call that opens "I'm joined today by ..."): a
 * summary reports on the text, it does not take over its narrator's "I". ("We propose ..." is how an
 * abstract's summary reads, and stays.) Only at its opening: the same rule anywhere in the summary ("Ray, I am
 * ok with Nick and his group managing." for an e-mail) was tried and dropped, since it changed 31 of 784 per-kind
 * summaries (29 of them e-mails) and their retries were worse ("This text summarizes Ray's role as a
 * helper.") or, for 7, none at all.
 */
export function speaksAsNarrator(summary: string): boolean {
  return /^\s*I(?:['’](?:m|ve|ll|d))?\s/u.test(summary);
}

/**
 * Whether a sentence is a question or an exclamation: a summary reports what was asked or exclaimed, so one
 * is the text's speech copied ("#Person1# brings me here. What shall we order?", "Did I miss anything?",
 * "Tom says he loves your crazy ideas!", "Grannie Annie!"). In the per-kind evaluation 36 of 1,568 summaries had one, 34 of them
 * of conversations; of the 13,453 reference summaries of dialogsum, one has a question mark.
 */
function isSpeech(sentence: string): boolean {
  const s = sentence.trim();
  // one word is a name that ends in a mark ("Yahoo! Mail"), not a sentence
  return /[?!]["'’”)]*$/u.test(s) && /\s/u.test(s);
}

/** Whether a sentence of `summary` is a question or an exclamation (`isSpeech`). */
export function hasSpeech(summary: string): boolean {
  return wholeSentences(summary).some(isSpeech);
}

/** `summary` without the whole sentences `drop` picks, or '' when nothing else is left. */
function withoutSentences(summary: string, drop: (sentence: string) => boolean): string {
  return wholeSentences(summary)
    .filter((s) => !drop(s))
    .join(' ');
}

/** `summary` without its questions and exclamations, or '' when nothing else is left. */
export function withoutSpeech(summary: string): string {
  return withoutSentences(summary, isSpeech);
}

/**
 * Whether a sentence of the summary of a conversation (`tags`: its `conversationTags`) speaks as one of
 * them (`speaksAsParticipant` in grounding/turns.ts; grounded decoding refuses those words already, this
 * catches a summary decoded without). Of the 9,947 sentences of the reference summaries of the evaluation
 * sets' conversations, 28 have such a word, some of them a speaker named "I" or "i.e."; of the shipped model's
 * summaries of the 30 conversations of the wide per-kind sample, 68 of 352. Held to conversations: in an
 * e-mail's or a report's summary the writer's "we" often stands for the sender (see `speaksAsNarrator`).
 */
export function hasParticipantVoice(summary: string, tags: ReadonlySet<string>): boolean {
  return tags.size > 0 && wholeSentences(summary).some((s) => speaksAsParticipant(s, tags));
}

/** `summary` without its sentences that speak as a participant, or '' when nothing else is left. */
export function withoutParticipantVoice(summary: string, tags: ReadonlySet<string>): string {
  return withoutSentences(summary, (s) => speaksAsParticipant(s, tags));
}

/**
 * Words that say what the summary or the text is, not what the text says. A sentence of only these and the
 * prompt's own words ("This code summarizes text.", "You're a helper that summarizes text.", "It's a helper
 * function.", "The list summarizes text." of a changelog) says nothing about the text; the small model writes
 * one before or after a real summary (17 of 2,352 per-kind evaluation summaries), often after a retry's
 * opener ("This code").
 */
const SELF_WORDS = new Set(
  'this it its s re you your is was a an the that code function document text file list changelog module package script helper helpful assistant summary summaries summarize summarizes summarized summarizing includes contains describes'.split(
    ' ',
  ),
);

/**
 * A sentence opening with the prompt's instruction ("Summarize the text includes keywords: hf-xet, ...",
 * "Summarize the following text using NetworkX."): 120 of 25,493 summaries of this project's evaluation runs
 * had one. What follows the instruction is garbled or repeated by the next sentence.
 */
const INSTRUCTION = /^\W*summariz(?:e|ing)\b/iu;

/**
 * The system message's role written into a claim about the text: "You can summarize text using Bash script.",
 * "This code uses GDB to summarize text.", "The program summarizes text." (of a shell script that echoes
 * package names), "You are a helpful tool designed to reproduce incomplete reads in the testsuite.". 12 of
 * 507 summaries of 73 files of this machine (scripts, sources, style sheets, tables) had one, each false of
 * its file. Only where the text itself does not speak of summaries (this project's README does).
 */
const PROMPT_ROLE =
  /\bsummari[sz](?:e|es|ed|ing)\s+(?:the\s+|a\s+)?texts?\b|^\W*you(?:['’]re|\s+are)\s+a\s+helpful\b/iu;
const SPEAKS_OF_SUMMARIES = /\bsummar(?:y|ies|i[sz]\w*)\b/iu;

/**
 * Whether `sentence` (two words or more) has only the prompt's words and `SELF_WORDS`, opens with the
 * prompt's instruction, or claims the prompt's role for what a text not about summaries does.
 */
function saysNothing(sentence: string, prompt: ReadonlySet<string>, aboutSummaries: boolean): boolean {
  if (INSTRUCTION.test(sentence) || (!aboutSummaries && PROMPT_ROLE.test(sentence))) return true;
  const words = plainWords(sentence);
  return words.length >= 2 && words.every((w) => prompt.has(w) || SELF_WORDS.has(w));
}

/** `saysNothing` for sentences of the summary of `document` under the prompt `promptText`. */
function emptyFor(promptText: string, document: string): (sentence: string) => boolean {
  const prompt = new Set(plainWords(promptText));
  const aboutSummaries = SPEAKS_OF_SUMMARIES.test(document);
  return (sentence) => saysNothing(sentence, prompt, aboutSummaries);
}

/** Whether a sentence of the summary of `document` says nothing about it (`saysNothing`). */
export function hasEmptySentence(summary: string, promptText: string, document: string): boolean {
  return sentenceSpans(summary.trim()).some(emptyFor(promptText, document));
}

/** `summary` without its sentences that say nothing about `document`, or '' when none is left. */
export function withoutEmptySentences(summary: string, promptText: string, document: string): string {
  const empty = emptyFor(promptText, document);
  return sentenceSpans(summary.trim())
    .filter((s) => !empty(s))
    .join(' ');
}

/** "This text summarizes " and the like, before the rest of a sentence. */
const FRAME =
  /^(?:This|The) (?:text|code|document|function|article|e-?mail|passage) (?:summari[sz]es|describes|discusses|explains|mentions) /u;
/**
 * Past tenses English makes without -ed, as a clause after a name may have them ("Brazil's unemployment rate
 * fell to ..."); not those that are also nouns or adjectives in a name's phrase ("Ken's cut", "the left").
 */
const IRREGULAR_PAST = new Set(
  'made fell rose said took gave went came found held won lost met sent told kept paid sold bought brought began became grew saw thought wrote led ran got knew felt built chose drew drove fought meant spoke stood struck taught threw understood'.split(
    ' ',
  ),
);
/** Words that follow a verb, never an adjective before its noun: "fell to", "made a", "approved the". */
const AFTER_VERB = new Set(
  'to by in on at from for the a an its their his her this that these those with into over up down out off about after before'.split(
    ' ',
  ),
);
/** Words that open a noun phrase or a question, after which the frame reads well ("... summarizes the plan"). */
const PHRASE_OPENERS = new Set(
  'how what why when where which who whom whose the a an this these that those its their his her our'.split(
    ' ',
  ),
);
const FINITE = new Set(
  'is are was were has have had will would can could may might must should does did'.split(' '),
);
const RELATIVE = new Set([
  'that',
  'which',
  'who',
  'whose',
  'whom',
  'of',
  'for',
  'to',
  'in',
  'on',
  'with',
  'by',
]);

/**
 * A sentence that puts the frame before a whole clause ("This text summarizes Brazil's unemployment rate has
 * fallen to 9.6% ...", "This text summarizes MTV has been criticized ...") reads as the clause alone; before a
 * noun phrase ("This text summarizes Ken's agency agreement.") the frame stays. A clause here: a name first,
 * and within its next five words, before any preposition or relative word, an auxiliary or a past tense
 * followed by what follows a verb ("Brazil's unemployment rate fell to", "Joanne made a few changes"; not
 * "Ken's revised agency agreement").
 */
export function withoutClauseFrame(summary: string): string {
  const spans = sentenceSpans(summary.trim());
  const out = spans.map((sentence) => {
    const frame = FRAME.exec(sentence);
    if (!frame) return sentence;
    const rest = sentence.slice(frame[0].length);
    const words = rest.split(/\s+/u);
    const first = words[0] ?? '';
    if (!/^[\p{Lu}#]/u.test(first) || PHRASE_OPENERS.has(first.toLowerCase())) return sentence;
    // "I ..." would speak as the writer, "Joanne, I made ..." as a letter to Joanne: the frame reports them
    if (/^I\b|,$/u.test(first)) return sentence;
    for (let i = 1; i < Math.min(words.length, 6); i++) {
      const w = words[i]!.toLowerCase().replace(/[^\p{L}]/gu, '');
      if (RELATIVE.has(w)) return sentence;
      if (FINITE.has(w)) return rest;
      const next = (words[i + 1] ?? '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
      const past = IRREGULAR_PAST.has(w) || /^\p{L}{3,}ed$/u.test(w);
      if (past && (AFTER_VERB.has(next) || /^\p{N}/u.test(next))) return rest;
    }
    return sentence;
  });
  return out.some((s, i) => s !== spans[i]) ? out.join(' ') : summary;
}

/** A letter's greeting before its first sentence: "Dear Vince & Ozzie:", "Hi Sara,". */
const SALUTATION = /^(?:Dear|Hi|Hello|Hey)\s+[^.!?:,;\n]{1,40}?[:,]\s+(?=[\p{Lu}\p{N}"“])/u;

/**
 * A summary of a letter that opens with the letter's greeting ("Dear Vince & Ozzie: Over the last four to five
 * months, requests for support have gone up.") reads as the sentence after it; 5 of the 1,568 per-kind
 * summaries of seeds 3 and 4, of one e-mail, near the faithful end.
 */
export function withoutSalutation(summary: string): string {
  const greeting = SALUTATION.exec(summary);
  return greeting ? summary.slice(greeting[0].length) : summary;
}
