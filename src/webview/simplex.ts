/**
 * Pure weight math for the steering view: weights are a point on the probability simplex (each in [0, 1],
 * summing to 1), one entry per objective in the manifest's order. No DOM here: the engine tests run it in
 * Node.
 */

import type { WeightRecord } from '../common/messages';

export interface Point {
  x: number;
  y: number;
}

export type Triangle = readonly [Point, Point, Point];

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** n equal weights summing to 1. */
export function equalWeights(n: number): number[] {
  return Array.from({ length: n }, () => 1 / n);
}

/** Negative or non-finite entries count as 0; the rest are scaled to sum 1; all zero gives equal weights. */
export function normalise(weights: readonly number[]): number[] {
  const clean = weights.map((x) => (Number.isFinite(x) && x > 0 ? x : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  if (sum <= 0) return equalWeights(weights.length);
  return clean.map((x) => x / sum);
}

/** The weights of `ids` in order, from a record that may miss ids (missing count as 0), normalised. */
export function fromRecord(
  ids: readonly string[],
  record: Readonly<Record<string, unknown>> | undefined,
): number[] {
  return normalise(ids.map((id) => (typeof record?.[id] === 'number' ? (record[id] as number) : 0)));
}

export function toRecord(ids: readonly string[], weights: readonly number[]): WeightRecord {
  const out: WeightRecord = {};
  ids.forEach((id, i) => {
    out[id] = clamp01(weights[i] ?? 0);
  });
  return out;
}

/**
 * Sets weight `index` to `value` (clamped to [0, 1]) and rescales the others proportionally so the sum stays
 * 1, keeping their ratios; when the others are all 0, the remainder is shared equally among them.
 */
export function setWeight(weights: readonly number[], index: number, value: number): number[] {
  const n = weights.length;
  if (index < 0 || index >= n) return normalise(weights);
  if (n === 1) return [1];
  const v = clamp01(value);
  const base = normalise(weights);
  const othersSum = base.reduce((a, b, i) => (i === index ? a : a + b), 0);
  const remainder = 1 - v;
  return base.map((w, i) => {
    if (i === index) return v;
    return othersSum > 1e-12 ? (w / othersSum) * remainder : remainder / (n - 1);
  });
}

/**
 * Weights rounded to multiples of 1/steps that still sum exactly to 1 in those units (largest remainder),
 * returned as integers: `quantise(w, 100)` gives percentages that add up to 100.
 */
export function quantise(weights: readonly number[], steps: number): number[] {
  const w = normalise(weights);
  const scaled = w.map((x) => x * steps);
  const floors = scaled.map((x) => Math.floor(x));
  let missing = steps - floors.reduce((a, b) => a + b, 0);
  const order = scaled
    .map((x, i) => ({ i, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    missing--;
  }
  return floors;
}

/** Percentages (integers summing to 100). */
export const percentages = (weights: readonly number[]): number[] => quantise(weights, 100);

/** Weights rounded to 4 decimals, still summing to 1: what the view posts to the extension. */
export function rounded(weights: readonly number[]): number[] {
  return quantise(weights, 10000).map((x) => x / 10000);
}

export function sameWeights(a: readonly number[], b: readonly number[], eps = 1e-4): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - (b[i] ?? Number.NaN)) <= eps);
}

// ---- Two objectives: one slider between them ----

/** Slider position 0..100 for two objectives: the weight of objective 1 (0 = all objective 0). */
export function twoToSlider(weights: readonly number[]): number {
  return Math.round(clamp01(normalise(weights)[1] ?? 0) * 100);
}

/** The two weights for a slider position 0..100. */
export function sliderToTwo(position: number): [number, number] {
  const w1 = clamp01(position / 100);
  return [1 - w1, w1];
}

// ---- Three objectives: barycentric coordinates on a triangle ----

/** An equilateral triangle with unit sides, y pointing down as on screen: objective 0 at the top. */
export const UNIT_TRIANGLE: Triangle = [
  { x: 0.5, y: 0 },
  { x: 0, y: Math.sqrt(3) / 2 },
  { x: 1, y: Math.sqrt(3) / 2 },
];

/** The point whose barycentric coordinates are the (normalised) weights. */
export function toPoint(weights: readonly number[], tri: Triangle = UNIT_TRIANGLE): Point {
  const w = normalise(weights);
  let x = 0;
  let y = 0;
  tri.forEach((v, i) => {
    x += (w[i] ?? 0) * v.x;
    y += (w[i] ?? 0) * v.y;
  });
  return { x, y };
}

/** Barycentric coordinates of p (they may be negative when p lies outside the triangle). */
export function barycentric(p: Point, tri: Triangle = UNIT_TRIANGLE): [number, number, number] {
  const [a, b, c] = tri;
  const det = (b.y - c.y) * (a.x - c.x) + (c.x - b.x) * (a.y - c.y);
  if (Math.abs(det) < 1e-12) return [1 / 3, 1 / 3, 1 / 3];
  const l0 = ((b.y - c.y) * (p.x - c.x) + (c.x - b.x) * (p.y - c.y)) / det;
  const l1 = ((c.y - a.y) * (p.x - c.x) + (a.x - c.x) * (p.y - c.y)) / det;
  return [l0, l1, 1 - l0 - l1];
}

function closestOnSegment(p: Point, a: Point, b: Point): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? clamp01(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2) : 0;
  return { x: a.x + t * dx, y: a.y + t * dy };
}

/** The point of the triangle (edges included) nearest to p. */
export function clampToTriangle(p: Point, tri: Triangle = UNIT_TRIANGLE): Point {
  if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return toPoint([1, 1, 1], tri);
  const l = barycentric(p, tri);
  if (l.every((x) => x >= 0)) return p;
  let best = p;
  let bestD = Infinity;
  for (let i = 0; i < 3; i++) {
    const q = closestOnSegment(p, tri[i] as Point, tri[(i + 1) % 3] as Point);
    const d = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = q;
    }
  }
  return best;
}

/** The weights for a point (e.g. a click); a point outside the triangle gives the nearest point's. */
export function pointToWeights(p: Point, tri: Triangle = UNIT_TRIANGLE): number[] {
  const l = barycentric(clampToTriangle(p, tri), tri);
  return normalise(l.map((x) => Math.max(0, x)));
}

/** Moves the weights' point by (dx, dy) in the triangle's units (a keyboard step), staying inside. */
export function moveWeights(
  weights: readonly number[],
  dx: number,
  dy: number,
  tri: Triangle = UNIT_TRIANGLE,
): number[] {
  const p = toPoint(weights, tri);
  return pointToWeights({ x: p.x + dx, y: p.y + dy }, tri);
}
