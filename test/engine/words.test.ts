/**
 * The word rules shared with the training rewards: the golden cases in rules/word-cases.json, which the
 * Python tests run too, so the estimates shown beside a summary measure it as the rewards do.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasParticipantVoice } from '../../src/engine/document-echo';
import { estimateObjectives } from '../../src/engine/estimates';
import { conversationTags } from '../../src/engine/grounding/turns';
import { NUMBER_WORDS as GROUNDING_NUMBER_WORDS } from '../../src/engine/grounding/terms';
import { splitSentences } from '../../src/engine/sentences';
import { NUMBER_WORDS, contentStems, stem, tokenCount, tokens } from '../../src/engine/words';
import { ROOT } from '../support/helpers';

interface Cases {
  tokens: { text: string; tokens: string[]; count: number; contentStems: string[] }[];
  stems: Record<string, string>;
  sentences: { text: string; sentences: string[] }[];
  estimates: { document: string; summary: string; concise: number; faithful: number; complete: number }[];
  numberWords: { rewards: Record<string, string>; grounding: Record<string, string> };
  participantVoice: { document: string; sentence: string; voice: boolean }[];
}
const cases = JSON.parse(readFileSync(join(ROOT, 'rules', 'word-cases.json'), 'utf8')) as Cases;

test('golden cases: tokens, token counts and content-word stems', () => {
  for (const c of cases.tokens) {
    assert.deepEqual(tokens(c.text), c.tokens, c.text);
    assert.equal(tokenCount(c.text), c.count, c.text);
    assert.deepEqual(contentStems(c.text), c.contentStems, c.text);
  }
});

test('golden cases: stems', () => {
  for (const [word, expected] of Object.entries(cases.stems)) assert.equal(stem(word), expected, word);
});

test('golden cases: sentences', () => {
  for (const c of cases.sentences) assert.deepEqual(splitSentences(c.text), c.sentences, c.text);
});

test('golden cases: the estimates are the rewards’ lexical values', () => {
  for (const c of cases.estimates) {
    const e = estimateObjectives(c.document, c.summary, ['concise', 'faithful', 'complete']);
    for (const id of ['concise', 'faithful', 'complete'] as const)
      assert.ok(Math.abs(e[id]! - c[id]) < 1e-9, `${id} of ${c.summary}: ${e[id]} ≠ ${c[id]}`);
  }
});

test('golden cases: one list of number words, as the rewards and grounding read it', () => {
  assert.deepEqual(NUMBER_WORDS, cases.numberWords.rewards);
  assert.deepEqual(GROUNDING_NUMBER_WORDS, cases.numberWords.grounding);
  assert.equal(NUMBER_WORDS.second, '2'); // the rewards read an ordinal as its number
  assert.equal(GROUNDING_NUMBER_WORDS.second, '2nd');
  assert.equal(GROUNDING_NUMBER_WORDS.one, undefined); // too common for grounding to restrict
});

test("golden cases: a conversation's summary speaking as one of its speakers", () => {
  for (const c of cases.participantVoice)
    assert.equal(hasParticipantVoice(c.sentence, conversationTags(c.document)), c.voice, c.sentence);
});
