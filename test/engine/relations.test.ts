/**
 * The relation check of the last check: the golden cases shared with the Python twin (rules/relation-cases.json),
 * and what a summary keeps when one of its sentences ties together what the document keeps apart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DocumentPlaces, misrelated, withoutMisrelated } from '../../src/engine/grounding/relations';
import { ROOT } from '../support/helpers';

interface Cases {
  misrelated: { document: string; summary: string; misrelated: string[] }[];
}
const cases = JSON.parse(readFileSync(join(ROOT, 'rules', 'relation-cases.json'), 'utf8')) as Cases;
const article = readFileSync(join(ROOT, 'examples', 'article.txt'), 'utf8');

test('golden cases: what a summary ties together that the document keeps apart', () => {
  for (const c of cases.misrelated)
    assert.deepEqual(misrelated(c.summary, DocumentPlaces.of(c.document)), c.misrelated, c.summary);
});

test('a misrelated sentence is dropped and the sentences around it stay', () => {
  const places = DocumentPlaces.of(article);
  assert.equal(
    withoutMisrelated(
      'Harrow Bay will open a solar farm. Miriam Okafor speaks up about the battery store. The farm will cost 38 million euros.',
      places,
    ),
    'Harrow Bay will open a solar farm. The farm will cost 38 million euros.',
  );
  assert.equal(withoutMisrelated('Miriam Okafor speaks up about the battery store.', places), '');
});

test('a name the document lacks is left to the terms rule', () => {
  assert.deepEqual(
    misrelated('Gordon Brown praises the farm.', DocumentPlaces.of('The farm opened on Monday.')),
    [],
  );
});

test('a misrelated sentence after a title goes whole, the title with it', () => {
  const doc = DocumentPlaces.of(
    'Alastair Campbell will return to play a part in the campaign. David Hill replaced him as director.',
  );
  assert.equal(
    withoutMisrelated(
      "Alastair Campbell will return to the campaign. Mr. David Hill will join David Hill's office. The party has confirmed his new position.",
      doc,
    ),
    'Alastair Campbell will return to the campaign. The party has confirmed his new position.',
  );
});
