/**
 * The last check's rewrite of a summary that says a thing again: each case is a summary the shipped model
 * wrote (examples/article.txt, the per-kind evaluation's test documents).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutRestatements } from '../../src/engine/restatements';

test('a later sentence whose every word the summary already said is dropped, the rest kept in order', () => {
  // examples/article.txt at the complete vertex
  assert.equal(
    withoutRestatements(
      'The town of Harrow Bay will open its first public solar farm next spring. Construction plans will cost ' +
        '38 million euros. Households will buy shares. The farm will cover 40 hectares. The farm costs 38 ' +
        'millions euros.',
    ),
    'The town of Harrow Bay will open its first public solar farm next spring. Construction plans will cost ' +
      '38 million euros. Households will buy shares. The farm will cover 40 hectares.',
  );
  // an e-mail: two restatements in a row, and a new fact after them stays
  assert.equal(
    withoutRestatements(
      'Ken accepted all the changes you forwarded earlier and added an indemnity section. Ken accepted your ' +
        "changes. He accepted all your changes. Ken's agency agreement is prepared.",
    ),
    "Ken accepted all the changes you forwarded earlier and added an indemnity section. Ken's agency " +
      'agreement is prepared.',
  );
});

test('a sentence with one new word, number, speaker or negation says something new and stays', () => {
  const kept = [
    // a new word
    'Kim likes fish. Kim likes salmon.',
    // a new number
    'The farm will cost 38 million euros. The farm will cost 15 million euros.',
    // another speaker of a conversation
    '#Person1# brings any paper or certificate with you? #Person2# brings certificates.',
    // a negation turns the same words round
    'The budget will pay later. The budget would not pay later.',
    "Kristina is home. Kristina isn't home.",
  ];
  for (const summary of kept) assert.equal(withoutRestatements(summary), summary, summary);
});

test('the first sentence always stays, and an abbreviation does not end a sentence', () => {
  assert.equal(withoutRestatements('Steer summarizes text.'), 'Steer summarizes text.');
  assert.equal(withoutRestatements(''), '');
  // "B. A." and "Mr." do not end sentences: the restated sentence goes whole, with no stray "A." left behind,
  // and "Mr. Smith" stays one sentence
  assert.equal(
    withoutRestatements(
      '#Person1# goes to Yale University. #Person2# studied Economics. They went to Yale University and got ' +
        'B. A. in Economics. They went on to work with Mr. Smith.',
    ),
    '#Person1# goes to Yale University. #Person2# studied Economics. They went on to work with Mr. Smith.',
  );
});
