/** The estimates shown next to each summary in the steering view. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conciseEstimate, estimateObjectives, wordCount } from '../../src/engine/estimates';

const DOC =
  'The city council of Springfield voted on Monday to build a new bridge over the river. ' +
  'The bridge will cost 40 million dollars and take three years to build. ' +
  'Mayor Quimby said the old bridge was unsafe. Engineers from Shelbyville inspected the bridge last year.';
const IDS = ['concise', 'faithful', 'complete'];

describe('summary estimates', () => {
  test('concise matches the training reward: shorter relative to the document scores higher', () => {
    assert.ok(Math.abs(conciseEstimate(25, 100) - 0.5 / (1 + (25 / 300) ** 2)) < 1e-9);
    const short = estimateObjectives(DOC, 'Springfield will build a new bridge.', IDS);
    const long = estimateObjectives(DOC, DOC, IDS);
    assert.ok(short.concise! > 0.8 && long.concise! < 0.1);
  });

  test('faithful drops when a summary names people or numbers the document lacks', () => {
    const good = estimateObjectives(
      DOC,
      'The council voted to build a bridge costing 40 million dollars.',
      IDS,
    );
    const wrongNumber = estimateObjectives(
      DOC,
      'The council voted to build a bridge costing 90 million dollars.',
      IDS,
    );
    const wrongName = estimateObjectives(
      DOC,
      'Mayor Flanders said the old bridge in Ogdenville was unsafe.',
      IDS,
    );
    assert.ok(good.faithful! > wrongNumber.faithful!);
    assert.ok(good.faithful! > wrongName.faithful! + 0.3);
  });

  test('complete rises as a summary covers more of the key terms', () => {
    const one = estimateObjectives(DOC, 'The council voted.', IDS);
    const more = estimateObjectives(
      DOC,
      'The council voted to build a new bridge; the old bridge was unsafe.',
      IDS,
    );
    assert.ok(more.complete! > one.complete!);
    assert.equal(estimateObjectives(DOC, DOC, IDS).complete, 1);
  });

  test('empty summaries score zero, unknown objectives get no estimate, words are counted', () => {
    const e = estimateObjectives(DOC, '', [...IDS, 'polite']);
    assert.deepEqual(e, { concise: 0, faithful: 0, complete: 0 });
    assert.equal(wordCount("It's 3.5 km, isn't it?"), 5);
  });
});

test('a web page is estimated by the text it shows, not its markup', () => {
  const text =
    'The council approved the new library on Monday. It will cost 12 million dollars and open in 2027. ' +
    'Mayor Lena Ortiz said it would include a makerspace.';
  const page =
    '<!DOCTYPE html><html><head><style>.x{color:red}</style><script>var tracking = "analytics";</script></head>' +
    `<body><main><p>${text}</p></main></body></html>`;
  const summary = 'The council approved a library that will cost 12 million dollars.';
  const ids = ['concise', 'faithful', 'complete'];
  assert.deepEqual(estimateObjectives(page, summary, ids), estimateObjectives(text, summary, ids));
});
