/**
 * Bounds on a number (grounding/bounds.ts): a summary's "at most" or "at least" must be the document's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { misstatesBound, quantityBounds } from '../../src/engine/grounding/bounds';

// batch-probe.ts's comment: "at most" belongs to targetMs, and 8 is the least a run takes
const probe = quantityBounds(
  'a run should take at most `targetMs`. Measured on runs of 8 and 64 tokens; a multiple of 8 in [8, max].',
);
const shares = quantityBounds(
  'Households were offered shares at a minimum of 250 euros, and at most 4,000 each.',
);

test('reads the limits a document puts on its numbers', () => {
  assert.deepEqual([...(shares.get('250') ?? [])], ['at least']);
  assert.deepEqual([...(shares.get('4000') ?? [])], ['at most']);
  assert.equal(probe.size, 0, 'no number of batch-probe.ts has a limit written before it');
});

test('a limit the document does not put on the number is a misstatement', () => {
  assert.equal(misstatesBound('A run takes at most 8 tokens.', probe), true);
  assert.equal(misstatesBound('Shares cost at most 250 euros.', shares), true, 'the opposite limit');
  assert.equal(misstatesBound('Shares cost at least 250 euros.', shares), false);
  assert.equal(misstatesBound('Shares cost no less than 250 euros.', shares), false, 'in other words');
  assert.equal(misstatesBound('Each household buys no more than 4,000 euros of shares.', shares), false);
});

test('numbers without a stated limit, and loose limits, are left be', () => {
  assert.equal(misstatesBound('A run takes 8 tokens.', probe), false);
  assert.equal(misstatesBound('The farm powers up to 6,000 homes.', new Map()), false);
  assert.equal(misstatesBound('More than 1,200 residents took part.', new Map()), false);
});
