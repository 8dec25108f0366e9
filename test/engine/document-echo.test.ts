/**
 * The last check's rules that read the prompt or the document: each case is a summary the shipped model
 * wrote on a file of this project or of the shared data, which passed every rule on the summary alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  announcesItself,
  echoesPrompt,
  hasEmptySentence,
  speaksAsNarrator,
  withoutClauseFrame,
  withoutEmptySentences,
  withoutSalutation,
  hasSpeech,
  withoutSpeech,
  hasParticipantVoice,
  withoutParticipantVoice,
} from '../../src/engine/document-echo';
import { conversationTags, speakerTags, writesTurn } from '../../src/engine/grounding/turns';
import { Continuation } from '../../src/engine/grounding/continuation';
import { DocumentTerms } from '../../src/engine/grounding/terms';

const PROMPT =
  '<|im_start|>system\nYou are a helpful assistant that summarizes text.<|im_end|>\n<|im_start|>user\n' +
  'Summarize the following text.\n\n \n<|im_end|>\n<|im_start|>assistant\n';

test('a summary that repeats the system message is an echo; one about the text is not', () => {
  // training/steer_train/rl.py at complete=1
  assert.equal(echoesPrompt('You are a helper that summarizes text.', PROMPT), true);
  assert.equal(echoesPrompt('This text summarizes the following text.', PROMPT), true);
  assert.equal(echoesPrompt('Steer summarizes text files.', PROMPT), false);
  // the same file with a longer summary forced: the echo opens it
  assert.equal(
    echoesPrompt('You are a helper that summarizes text. You load the per-objective deltas.', PROMPT),
    true,
  );
  assert.equal(echoesPrompt('Steer summarizes text. It runs a small model on your machine.', PROMPT), false);
  assert.equal(echoesPrompt('The board will build a solar farm on Harrow Bay.', PROMPT), false);
  assert.equal(echoesPrompt('', PROMPT), false);
});

test('a sentence that says nothing about the text is dropped; the summary around it stays', () => {
  // a Python source file of the shared data at complete=1 (the shipped model, per-kind evaluation)
  const lease =
    "This code summarizes text. The lease can lose its marker or be evicted from a read/write generation. The lock file's duration is seconds.";
  assert.equal(hasEmptySentence(lease, PROMPT, ''), true);
  assert.equal(
    withoutEmptySentences(lease, PROMPT, ''),
    "The lease can lose its marker or be evicted from a read/write generation. The lock file's duration is seconds.",
  );
  assert.equal(
    withoutEmptySentences(
      "You're a helper that summarizes text. The module has modules beyond stdlib.",
      PROMPT,
      '',
    ),
    'The module has modules beyond stdlib.',
  );
  // nothing but such sentences: nothing is left, so the last check decodes the row again
  assert.equal(withoutEmptySentences("This text summarizes text. It's a helper function.", PROMPT, ''), '');
  // the prompt's instruction opening a sentence (an npm README's summary)
  assert.equal(
    withoutEmptySentences(
      'Summarize the following text using NetworkX. Create and study complex networks.',
      PROMPT,
      '',
    ),
    'Create and study complex networks.',
  );
  assert.equal(hasEmptySentence('The tool summarizes logs by day.', PROMPT, ''), false);
  // of a changelog (form-data's, at the default weighting)
  assert.equal(
    withoutEmptySentences(
      'The list summarizes text. The list includes tests for the newer v8 prediction library.',
      PROMPT,
      '',
    ),
    'The list includes tests for the newer v8 prediction library.',
  );
  // a sentence with one word about the text stays, and so does a lone initial
  assert.equal(hasEmptySentence("This text summarizes Ken's agency agreement.", PROMPT, ''), false);
  assert.equal(
    hasEmptySentence('Steer summarizes text files.', PROMPT, 'Steer writes summaries of a selection.'),
    false,
  );
  assert.equal(hasEmptySentence('#Person2# studied at B. A. in Economics.', PROMPT, ''), false);
  assert.equal(hasEmptySentence('The board will build a solar farm on Harrow Bay.', PROMPT, ''), false);
});

test("the prompt's role claimed for what a text does is dropped, unless the text speaks of summaries", () => {
  // a shell script and a C file of this machine, at the complete end (the shipped model)
  const script = 'echo -e "percentage\\t10"\nsleep 1\necho -e "package\\tavailable\\tglib2"\nexit 0\n';
  assert.equal(
    withoutEmptySentences(
      'You can summarize text using Bash script. You activate never version of pypy. You choose pyenv.',
      PROMPT,
      script,
    ),
    'You activate never version of pypy. You choose pyenv.',
  );
  assert.equal(hasEmptySentence('This code uses GDB to summarize text.', PROMPT, script), true);
  assert.equal(
    withoutEmptySentences(
      'You are a helpful tool designed to reproduce incomplete reads. It exercises only 1 character.',
      PROMPT,
      script,
    ),
    'It exercises only 1 character.',
  );
  // a text about summaries may be summarized as one that summarizes text
  const readme = 'Steer writes summaries of a selection, steered by sliders.';
  assert.equal(hasEmptySentence('The extension summarizes text with a local model.', PROMPT, readme), false);
  // "This text summarizes ..." is a frame, not the prompt's role (withoutClauseFrame below)
  assert.equal(hasEmptySentence('This text summarizes the release table.', PROMPT, script), false);
});

test('a frame before a whole clause goes; before a noun phrase it stays', () => {
  // news articles of the shared data (the shipped model, per-kind evaluation)
  assert.equal(
    withoutClauseFrame(
      'This text summarizes Ask Jeeves has bought the blogging website. Ask Jeeves uses it.',
    ),
    'Ask Jeeves has bought the blogging website. Ask Jeeves uses it.',
  );
  assert.equal(
    withoutClauseFrame(
      'This text describes Svetlana Kuznetsova has tested positive for the stimulant ephedrine.',
    ),
    'Svetlana Kuznetsova has tested positive for the stimulant ephedrine.',
  );
  // a past tense: irregular, or in -ed before what follows a verb
  assert.equal(
    withoutClauseFrame(
      "This text summarizes Brazil's unemployment rate fell to its lowest level in three years.",
    ),
    "Brazil's unemployment rate fell to its lowest level in three years.",
  );
  assert.equal(
    withoutClauseFrame('This text mentions Joanne made a few small changes to storage balances on CGAS.'),
    'Joanne made a few small changes to storage balances on CGAS.',
  );
  assert.equal(
    withoutClauseFrame('This text describes Harrow Bay approved the solar farm in 2025.'),
    'Harrow Bay approved the solar farm in 2025.',
  );
  for (const kept of [
    "This text summarizes Ken's agency agreement.",
    "This text summarizes Ken's revised agency agreement.",
    "This text discusses Joanne's change from CGAS to The New Power Company.",
    'This text mentions I will be returning on Monday, 12/17/01.',
    'This text mentions Joanne, I made a change to Aug 31st.',
    'This text summarizes the training process for trainers.',
    'This document summarizes how data is serialized.',
    'This text summarizes Thomas, who has a new deal.',
    'The board will build a solar farm.\nIt opens in 2027.',
  ])
    assert.equal(withoutClauseFrame(kept), kept);
});

test('a summary that announces itself is caught; one that merely mentions a summary is not', () => {
  // node_modules/acorn/CHANGELOG.md at the default weighting
  assert.equal(announcesItself("Here's a concise summary of the corrected syntax for Unicode 17."), true);
  assert.equal(announcesItself('Here is a summary of the meeting.'), true);
  assert.equal(announcesItself('This is a brief summary of the licence terms.'), true);
  assert.equal(announcesItself('The council published a summary of the plan.'), false);
  assert.equal(announcesItself('Here the board will build a solar farm.'), false);
});

test("a summary in the speaker's first person is caught; one that reports on the text is not", () => {
  // what the shipped model wrote at the default weighting for an earnings call ("I'm joined today by ...")
  assert.ok(
    speaksAsNarrator(
      "I joined Kristin Peck, our chief executive officer, Wetteny Joseph, our chief financial officer, and Wetteny's veterinary care products.",
    ),
  );
  assert.ok(speaksAsNarrator("I'm joined today by the chief executive officer."));
  assert.ok(!speaksAsNarrator('We propose a gradient-based method to transfer knowledge across domains.'));
  assert.ok(!speaksAsNarrator('In the call, the chief executive officer said I/O costs fell.'));
  assert.ok(!speaksAsNarrator('IBM reported strong revenue growth.'));
});

test("a conversation's speaker tags are the tags that open two lines or more", () => {
  const meeting =
    'Grad C: and so we had a meeting .\nPhD D: It does .\nGrad C: Yeah .\nPhD D: Right .\nNote: one aside';
  assert.deepEqual([...speakerTags(meeting)].sort(), ['Grad C', 'PhD D']);
  const chat =
    '#Person1#: Hi, Mr. Smith.\n#Person2#: Hello.\n#Person1#: Why are you here?\n#Person2#: A check-up.';
  assert.deepEqual([...speakerTags(chat)].sort(), ['#Person1#', '#Person2#']);
  assert.equal(speakerTags('A plain article. It has no turns: none at all.\nNone here either.').size, 0);
});

test('a summary that copies turns is caught; one that names the speakers in sentences is not', () => {
  const tags = speakerTags('Grad G: so um .\nGrad C: and .\nGrad G: yes .\nGrad C: right .');
  // a QMSum meeting transcript at faithful=1 and complete=1
  assert.equal(writesTurn("Grad G: and so um y you 're going shopping here .", tags), true);
  assert.equal(writesTurn('Grad G: Grad C: and so we had a meeting on Friday.', tags), true);
  assert.equal(
    writesTurn("This text summarizes Grad G's intention for Grad C's high-level tasks.", tags),
    false,
  );
  assert.equal(writesTurn('Grad C wants to hire one more person.', tags), false);
});

test("grounded decoding refuses the colon after a speaker's tag, and only there", () => {
  const chat = 'Kristina: Girls!\nJannette: on TV\nKristina: watching\nJannette: new season, ye?';
  const grounding = new Continuation(new DocumentTerms(chat));
  const after = (text: string, piece: string): string | null =>
    grounding.check(grounding.prepare(text), piece);
  // a SAMSum chat at faithful=1 began "Kristina: Girls!Jannette: on TV"
  assert.equal(after('Kristina', ':'), 'markup');
  assert.equal(after('Kristina and Jannette are watching TV. Jannette', ': '), 'markup');
  assert.equal(after('Kristina', ' is'), null);
  assert.equal(after('Kristina and Jannette watch one thing', ':'), null);
});

test("a letter's greeting before the summary's first sentence goes; a name that opens a sentence stays", () => {
  // an e-mail of the per-kind evaluation near the faithful end
  assert.equal(
    withoutSalutation(
      'Dear Vince & Ozzie: Over the last four to five months, requests for support have gone up.',
    ),
    'Over the last four to five months, requests for support have gone up.',
  );
  assert.equal(withoutSalutation('Hi Sara, The draft is ready.'), 'The draft is ready.');
  // no greeting word, or no sentence after it: left alone
  for (const summary of [
    'Paris, France is the venue of the summit.',
    'Dear Vince & Ozzie planned to recruit a team of 4 to 5 people for 2002.',
    'Hello world programs print a greeting.',
  ])
    assert.equal(withoutSalutation(summary), summary, summary);
});

test("a question or an exclamation copied from the text goes; the summary's reports stay", () => {
  // dialogsum test documents of the per-kind evaluation (seeds 3 and 4)
  assert.equal(hasSpeech('#Person1# brings me here. What shall we order?'), true);
  assert.equal(withoutSpeech('#Person1# brings me here. What shall we order?'), '#Person1# brings me here.');
  assert.equal(
    withoutSpeech(
      '#Person1# missed anything? Did Ripen hit a home run? #Person2# scored 5 to 4. Cal Ripen won.',
    ),
    '#Person2# scored 5 to 4. Cal Ripen won.',
  );
  assert.equal(
    withoutSpeech('Tom goes to Dublin. Tom says he loves your crazy ideas!'),
    'Tom goes to Dublin.',
  );
  assert.equal(withoutSpeech('Did I miss anything?'), '');
  // an abbreviation's full stop ends no sentence: the whole question goes, "Mr." is not left behind
  assert.equal(
    withoutSpeech(
      '#Person1# sits down. Mr. Tang brings any paper or certificate with you? #Person2# brings documents.',
    ),
    '#Person1# sits down. #Person2# brings documents.',
  );
  assert.equal(
    withoutSpeech('Grannie Annie! She wrote science fiction novels.'),
    'She wrote science fiction novels.',
  );
  // a report of a question, and a mark inside a name or a sentence, stay
  for (const summary of [
    '#Person1# asks whether #Person2# missed anything.',
    'Yahoo! Mail adds a new inbox. The update ships today.',
    'The quiz show Jeopardy! returns in May.',
  ])
    assert.equal(hasSpeech(summary), false, summary);
});

test("a sentence of a conversation's summary in a speaker's first or second person goes; reports stay", () => {
  const chat = conversationTags(
    '#Person1#: Rachel, are you ok?\n#Person2#: My aunt was in an accident.\n#Person1#: Oh no.\n#Person2#: She is fine.',
  );
  // the shipped model on dialogsum and samsum test conversations (wide per-kind sample, seed 21)
  assert.equal(hasParticipantVoice('Rachel is at the hospital, my aunt was in an accident.', chat), true);
  assert.equal(hasParticipantVoice('#Person1# invites #Person2# to help you.', chat), true);
  assert.equal(hasParticipantVoice('Your confusion is confused. You choose a career.', chat), true);
  assert.equal(
    withoutParticipantVoice(
      "#Person1# tells Tom it's ten to nine by my watch. #Person2# has no idea it's late.",
      chat,
    ),
    "#Person2# has no idea it's late.",
  );
  // nothing but such sentences: nothing is left, so the last check decodes the row again
  assert.equal(withoutParticipantVoice('Victor can pick you up from the airport.', chat), '');
  // what reference summaries write: speakers named, a country, an abbreviation, words quoted
  assert.equal(
    hasParticipantVoice('#Person2# tells #Person1# that the US sent explorers to Mars.', chat),
    false,
  );
  assert.equal(hasParticipantVoice('#Person1# says "I will call you" and #Person2# agrees.', chat), false);
  assert.equal(hasParticipantVoice('The team discussed abstractions, i.e. Bayes-nets.', chat), false);
  assert.equal(hasParticipantVoice('Yourself-help books bore Myriam.', chat), false);
  // a speaker named "I" (a meeting's "PhD I") is a name, not a pronoun
  const meeting = conversationTags('PhD I: so .\nGrad C: and .\nPhD I: yes .\nGrad C: right .');
  assert.equal(hasParticipantVoice('PhD I reported several results.', meeting), false);
  assert.equal(hasParticipantVoice('Grad C says we need more data.', meeting), true);
  // not a conversation: an e-mail's or an abstract's summary keeps its writer's "we"
  assert.equal(hasParticipantVoice('We propose a simple modification of neural networks.', new Set()), false);
});
