/**
 * The last check's unit rule: a number of the document written with another unit than the document gives it
 * is a misstatement, though every term in it is the document's (examples/article.txt at complete=1 read
 * "The farm covers 40 acres." for "will cover 40 hectares").
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { beforeFirstMisstated, misstatesUnit, quantityUnits } from '../../src/engine/grounding/units';
import { ROOT } from '../support/helpers';

const article = readFileSync(join(ROOT, 'examples/article.txt'), 'utf8');
const units = quantityUnits(article);

test("a document's numbers are read with the units written after them", () => {
  assert.deepEqual([...(units.get('40') ?? [])], ['hectare']);
  assert.deepEqual([...(units.get('20') ?? [])], ['hectare']);
  const money = quantityUnits(
    'It will cost 38 million euros, or 1,200 dollars a share, up 3.5% on last year.',
  );
  assert.deepEqual([...money.keys()].sort(), ['1200', '3.5', '38']);
  assert.deepEqual([...money.get('38')!], ['euro']);
  assert.equal(quantityUnits('enough electricity for about 6,000 homes').size, 0);
});

test('another unit for the same number is a misstatement; the same unit in another form is not', () => {
  assert.equal(misstatesUnit('The farm covers 40 acres.', units), true);
  assert.equal(misstatesUnit('The farm will cover 40 hectares.', units), false);
  assert.equal(misstatesUnit('It covers one hectare per 40 homes.', units), false);
  // a number the document gives no unit may be written as the model likes: grounding checks the number
  assert.equal(misstatesUnit('About 6,000 homes get power.', units), false);
});

test('a summary keeps its sentences before the first misstatement', () => {
  const summary =
    'Harrow Bay will open its first public solar farm next spring. Households will buy shares. ' +
    'The farm covers 40 acres. The board will plant a hedge.';
  assert.equal(
    beforeFirstMisstated(summary, units),
    'Harrow Bay will open its first public solar farm next spring. Households will buy shares.',
  );
  assert.equal(beforeFirstMisstated('The farm covers 40 acres.', units), '');
});

test('a currency sign is a unit, and a number the document gives no currency may not get one', () => {
  const call = quantityUnits(
    'We delivered revenue growth of 24%. Sales were $1.13bn, or € 38 million. We borrowed about 22,000 dt from CNG at k#270.',
  );
  assert.deepEqual([...call.get('1.13')!], ['dollar']);
  assert.deepEqual([...call.get('38')!], ['euro']);
  assert.equal(misstatesUnit('Revenue grew by $24.', call), true);
  assert.equal(misstatesUnit('They borrowed $22,000 from CNG.', call), true);
  assert.equal(misstatesUnit('The demand charge is k$270.', call), true);
  assert.equal(misstatesUnit('Sales were $1.13bn.', call), false);
  assert.equal(misstatesUnit('Sales were 38 million euros.', call), false);
  assert.equal(misstatesUnit('They borrowed 22,000 dt from CNG.', call), false);
});
