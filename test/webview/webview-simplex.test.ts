import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  barycentric,
  clampToTriangle,
  equalWeights,
  fromRecord,
  moveWeights,
  normalise,
  percentages,
  pointToWeights,
  quantise,
  rounded,
  setWeight,
  sliderToTwo,
  toPoint,
  toRecord,
  twoToSlider,
  UNIT_TRIANGLE,
} from '../../src/webview/simplex';

const sum = (w: readonly number[]): number => w.reduce((a, b) => a + b, 0);
const close = (a: number, b: number, eps = 1e-9): void =>
  assert.ok(Math.abs(a - b) <= eps, `expected ${a} to be within ${eps} of ${b}`);
const closeAll = (a: readonly number[], b: readonly number[], eps = 1e-9): void => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => close(x, b[i] as number, eps));
};
const ids = ['concise', 'faithful', 'complete'];

test('moving one slider sets it and keeps the sum 1', () => {
  for (const start of [
    [0.2, 0.3, 0.5],
    [1 / 3, 1 / 3, 1 / 3],
    [0.7, 0.3, 0],
  ]) {
    for (const v of [0, 0.01, 0.25, 0.5, 0.99, 1]) {
      for (let i = 0; i < 3; i++) {
        const w = setWeight(start, i, v);
        close(w[i] as number, v);
        close(sum(w), 1);
        assert.ok(w.every((x) => x >= 0 && x <= 1));
      }
    }
  }
});

test('moving one slider keeps the ratio of the others', () => {
  const w = setWeight([0.2, 0.3, 0.5], 0, 0.6);
  // faithful : complete stays 3 : 5, sharing the remaining 0.4.
  closeAll(w, [0.6, 0.15, 0.25]);
  const back = setWeight(w, 0, 0.2);
  closeAll(back, [0.2, 0.3, 0.5]);
});

test('when the others are all 0, the remainder is shared equally', () => {
  closeAll(setWeight([1, 0, 0], 0, 0.4), [0.4, 0.3, 0.3]);
  closeAll(setWeight([0, 0, 1], 2, 0), [0.5, 0.5, 0]);
});

test('a slider value out of range is clamped; one objective always has weight 1', () => {
  closeAll(setWeight([0.5, 0.5], 0, 1.7), [1, 0]);
  closeAll(setWeight([0.5, 0.5], 0, -3), [0, 1]);
  closeAll(setWeight([0.5, 0.5], 0, Number.NaN), [0, 1]);
  assert.deepEqual(setWeight([1], 0, 0.2), [1]);
});

test('dragging a slider to 100% and back restores the others from the drag start', () => {
  // The view rescales from the weights at the start of a drag, so the ratio survives an excursion to 1.
  const base = [0.2, 0.2, 0.6];
  setWeight(base, 0, 1);
  closeAll(setWeight(base, 0, 0.2), base);
});

test('weights from records: missing ids count 0, the rest is normalised, junk gives equal weights', () => {
  closeAll(fromRecord(ids, { concise: 3, faithful: 1 }), [0.75, 0.25, 0]);
  closeAll(fromRecord(ids, { concise: 0.3333, faithful: 0.3333, complete: 0.3333 }), equalWeights(3));
  closeAll(fromRecord(ids, {}), equalWeights(3));
  closeAll(fromRecord(ids, undefined), equalWeights(3));
  closeAll(fromRecord(ids, { concise: -1, faithful: 'x', complete: Infinity }), equalWeights(3));
  closeAll(normalise([2, 2]), [0.5, 0.5]);
});

test('shown percentages always add up to 100 and posted weights to 1', () => {
  assert.deepEqual(percentages(equalWeights(3)), [34, 33, 33]);
  assert.deepEqual(percentages([0.005, 0.005, 0.99]), [1, 0, 99]);
  for (let k = 0; k < 200; k++) {
    const w = normalise([Math.sin(k) + 1.1, Math.cos(k * 1.7) + 1.1, ((k * 7) % 5) / 5]);
    assert.equal(sum(percentages(w)), 100);
    assert.equal(sum(quantise(w, 10000)), 10000);
    close(sum(rounded(w)), 1, 1e-9);
  }
  const record = toRecord(ids, rounded(equalWeights(3)));
  assert.deepEqual(record, { concise: 0.3334, faithful: 0.3333, complete: 0.3333 });
});

test('two objectives: the slider shows the weight of objective 1', () => {
  assert.equal(twoToSlider([1, 0]), 0);
  assert.equal(twoToSlider([0, 1]), 100);
  assert.equal(twoToSlider([0.3, 0.7]), 70);
  assert.equal(twoToSlider([3, 1]), 25);
  closeAll(sliderToTwo(0), [1, 0]);
  closeAll(sliderToTwo(100), [0, 1]);
  closeAll(sliderToTwo(40), [0.6, 0.4]);
  closeAll(sliderToTwo(140), [0, 1]);
  for (let v = 0; v <= 100; v++) {
    close(sum(sliderToTwo(v)), 1);
    assert.equal(twoToSlider(sliderToTwo(v)), v);
  }
});

test('a click at a vertex gives that objective weight 1', () => {
  UNIT_TRIANGLE.forEach((vertex, i) => {
    const w = pointToWeights(vertex);
    closeAll(
      w,
      [0, 1, 2].map((j) => (j === i ? 1 : 0)),
    );
  });
});

test('the centre of the triangle is the balanced weighting; the middle of an edge splits two objectives', () => {
  const [a, b, c] = UNIT_TRIANGLE;
  closeAll(pointToWeights({ x: (a.x + b.x + c.x) / 3, y: (a.y + b.y + c.y) / 3 }), equalWeights(3));
  closeAll(pointToWeights({ x: (b.x + c.x) / 2, y: (b.y + c.y) / 2 }), [0, 0.5, 0.5]);
});

test('weights -> point -> weights is the identity', () => {
  for (const w of [[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.25, 0.75], equalWeights(3)]) {
    const p = toPoint(w);
    closeAll(pointToWeights(p), w);
    closeAll(barycentric(p), w);
  }
});

test('a point outside the triangle snaps to the nearest point of it', () => {
  const [a, b, c] = UNIT_TRIANGLE;
  // Far above the top vertex: all weight on objective 0.
  closeAll(pointToWeights({ x: a.x, y: a.y - 5 }), [1, 0, 0]);
  // Below the middle of the bottom edge: half and half between objectives 1 and 2.
  closeAll(pointToWeights({ x: (b.x + c.x) / 2, y: b.y + 0.3 }), [0, 0.5, 0.5]);
  // Beyond the bottom-left corner: objective 1 alone.
  closeAll(pointToWeights({ x: b.x - 1, y: b.y + 1 }), [0, 1, 0]);
  const inside = { x: 0.5, y: 0.5 };
  assert.deepEqual(clampToTriangle(inside), inside);
  for (const p of [
    { x: -3, y: 0.2 },
    { x: 2, y: -1 },
    { x: 0.5, y: 9 },
  ]) {
    const w = pointToWeights(p);
    close(sum(w), 1);
    assert.ok(w.every((x) => x >= 0 && x <= 1));
  }
  closeAll(pointToWeights({ x: Number.NaN, y: 0 }), equalWeights(3));
});

test('arrow-key moves go toward the pointed side and never leave the triangle', () => {
  const centre = equalWeights(3);
  const up = moveWeights(centre, 0, -0.05);
  assert.ok((up[0] as number) > 1 / 3, 'up moves toward the top objective');
  close(sum(up), 1);
  const right = moveWeights(centre, 0.05, 0);
  assert.ok((right[2] as number) > (right[1] as number), 'right favours the bottom-right objective');
  let w = centre;
  for (let k = 0; k < 100; k++) w = moveWeights(w, 0, -0.05);
  closeAll(w, [1, 0, 0], 1e-9);
  for (let k = 0; k < 100; k++) w = moveWeights(w, -0.05, 0.05);
  assert.ok(w.every((x) => x >= 0 && x <= 1));
  close(sum(w), 1);
});
