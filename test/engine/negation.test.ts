/**
 * The last check's rule against a summary that states what its document denies: the cases are summaries the
 * shipped model wrote on the per-kind evaluation's test documents (the document's words quoted from them).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { affirmedDenials, deniedWords, withoutAffirmedDenials } from '../../src/engine/grounding/negation';
import { ROOT } from '../support/helpers';

interface Cases {
  cases: { document: string; denied: string[]; summary: string; affirmed: string[]; kept: string }[];
}
const golden = JSON.parse(readFileSync(join(ROOT, 'rules', 'negation-cases.json'), 'utf8')) as Cases;

test('golden cases shared with the Python twin: what a document denies, what a summary affirms of it', () => {
  for (const c of golden.cases) {
    const denied = deniedWords(c.document);
    assert.deepEqual([...denied].sort(), c.denied, c.document);
    assert.deepEqual(affirmedDenials(c.summary, denied), c.affirmed, c.summary);
    assert.equal(withoutAffirmedDenials(c.summary, denied), c.kept, c.summary);
  }
});

test('a word the document only denies makes a sentence that affirms it go; the other sentences stay', () => {
  // samsum-13811563-1
  const chat =
    "Russel: Look at this! Perfect for mum. Diana: True. It's not that expensive either. Russel: Let's buy it.";
  const denied = deniedWords(chat);
  assert.ok(denied.has('expensive'));
  const summary = "Russel says it's perfect for mum. Diana loves it. They say it's expensive too.";
  assert.deepEqual(affirmedDenials(summary, denied), ['expensive']);
  assert.equal(withoutAffirmedDenials(summary, denied), "Russel says it's perfect for mum. Diana loves it.");
  // scitldr-H1-IBSgMz: "without having to compute" reaches three words back
  const abstract =
    'Self-normalizing models output normalized probabilities for each class without having to compute the partition function.';
  assert.deepEqual(
    affirmedDenials('Self-normalization models compute the partition function.', deniedWords(abstract)),
    ['compute'],
  );
  // nothing left: the last check decodes the summary again
  assert.equal(
    withoutAffirmedDenials(
      'Self-normalization models compute the partition function.',
      deniedWords(abstract),
    ),
    '',
  );
});

test('a clause that opens with a negation denies all of it', () => {
  // the project's README at the default weighting: "Each slider saves summaries across the network."
  const readme =
    'Move sliders and get a different summary at once: no network, no second model. ' +
    'Nothing is ever sent over a network.';
  assert.deepEqual(affirmedDenials('Each slider saves summaries across the network.', deniedWords(readme)), [
    'network',
  ]);
});

test('a sentence with a negation of its own, or a word the document also affirms, is left alone', () => {
  const chat = "Diana: It's not that expensive either. Russel: Let's buy it.";
  // the summary keeps the negation
  assert.deepEqual(affirmedDenials("Diana says it isn't expensive.", deniedWords(chat)), []);
  assert.deepEqual(affirmedDenials('Diana says it is not expensive.', deniedWords(chat)), []);
  // the document says it both ways
  const both = 'The first flat is not expensive. The second one is expensive.';
  assert.deepEqual(affirmedDenials('The flat is expensive.', deniedWords(both)), []);
});

test('negations that do not deny, a clause boundary and names are not read as denials', () => {
  // aeslc: "not only" adds
  assert.equal(
    deniedWords('The package includes not only the salaries and bonuses but a car.').has('salaries'),
    false,
  );
  // scitldr: "with and without a chosen attribute"
  assert.equal(deniedWords('We synthesize faces with and without a chosen attribute.').has('chosen'), false);
  // the negation ends with its clause
  assert.equal(deniedWords("If you don't mind, I'm taking a date.").has('taking'), false);
  // a name after a negation is not denied ("were no match for Benita Johnson"), nor a word opening a sentence
  const race = 'Butler and Yelling were no match for Benita Johnson in Spain.';
  assert.deepEqual(affirmedDenials('Benita Johnson won the race.', deniedWords(race)), []);
});
