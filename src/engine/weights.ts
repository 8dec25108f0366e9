/**
 * Objective weightings: validation, normalisation, the clp_weights row, and spreading K weightings over
 * the simplex for a preview.
 */
import { BadWeights } from './errors';
import type { Objective, WeightRecord } from './manifest';

export interface Weighting {
  /** Every objective id, normalised to sum 1. */
  record: WeightRecord;
  /** The clp_weights row, in the manifest's objective order. */
  vector: number[];
}

/** A weight vector in the objectives' order as a record by objective id. */
export function weightRecord(objectives: readonly Objective[], vector: readonly number[]): WeightRecord {
  const record: WeightRecord = {};
  objectives.forEach((o, i) => (record[o.id] = vector[i]!));
  return record;
}

/**
 * Validates a weighting given as id → number: unknown ids, negative, NaN or infinite values and an
 * all-zero weighting are `BadWeights`. Missing ids get 0; the result sums to 1.
 */
export function normaliseWeights(objectives: readonly Objective[], weights: WeightRecord): Weighting {
  const ids = objectives.map((o) => o.id);
  const known = new Set(ids);
  const unknown = Object.keys(weights).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new BadWeights(
      `Unknown objective${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${ids.join(', ')}.`,
    );
  for (const [k, v] of Object.entries(weights)) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new BadWeights(`The weight of "${k}" must be a finite number, got ${String(v)}.`);
    if (v < 0) throw new BadWeights(`The weight of "${k}" is negative (${v}); weights must be ≥ 0.`);
  }
  const raw = ids.map((id) => weights[id] ?? 0);
  const sum = raw.reduce((a, b) => a + b, 0);
  if (!(sum > 0))
    throw new BadWeights(`All weights are zero; give at least one of ${ids.join(', ')} a positive weight.`);
  const vector = raw.map((v) => v / sum);
  const record = weightRecord(objectives, vector);
  return { record, vector };
}

/**
 * Parses `concise=0.6,faithful=0.4` into a record. A bare name of a preset is looked up in `presets`.
 * Values are validated later by `normaliseWeights`.
 */
export function parseWeightsSpec(spec: string, presets: Record<string, WeightRecord> = {}): WeightRecord {
  const trimmed = spec.trim();
  if (trimmed.length === 0) throw new BadWeights('The weights are empty; write them as id=value,id=value.');
  const preset = Object.entries(presets).find(([name]) => name.toLowerCase() === trimmed.toLowerCase());
  if (preset && !trimmed.includes('=')) return { ...preset[1] };
  const out: WeightRecord = {};
  for (const part of trimmed.split(',')) {
    const p = part.trim();
    if (p.length === 0) continue;
    const eq = p.indexOf('=');
    if (eq <= 0) {
      const names = Object.keys(presets);
      throw new BadWeights(
        `Cannot read "${p}" as a weight; write id=value (e.g. concise=0.6)` +
          (names.length > 0 ? ` or a preset name (${names.join(', ')}).` : '.'),
      );
    }
    const key = p.slice(0, eq).trim();
    const valueText = p.slice(eq + 1).trim();
    const value = valueText.length === 0 ? Number.NaN : Number(valueText);
    if (!Number.isFinite(value))
      throw new BadWeights(`The weight of "${key}" must be a number, got "${valueText}".`);
    if (key in out) throw new BadWeights(`"${key}" is given twice.`);
    out[key] = value;
  }
  return out;
}

function compositions(total: number, parts: number): number[][] {
  if (parts === 1) return [[total]];
  const out: number[][] = [];
  for (let first = total; first >= 0; first--) {
    for (const rest of compositions(total - first, parts - 1)) out.push([first, ...rest]);
  }
  return out;
}

function distance(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return s;
}

/**
 * K weightings spread over the simplex of the objectives (for two objectives: along the trade-off).
 * Deterministic: the first is `centre` itself (default: uniform), then each next one is the lattice point
 * farthest from those chosen so far.
 */
export function spreadWeights(
  objectives: readonly Objective[],
  k: number,
  centre?: WeightRecord,
): WeightRecord[] {
  if (!Number.isInteger(k) || k < 1)
    throw new BadWeights(`The number of weightings must be a positive integer, got ${k}.`);
  const m = objectives.length;
  const c0 = centre ? normaliseWeights(objectives, centre).vector : objectives.map(() => 1 / m);
  let resolution = 1;
  let lattice = compositions(resolution, m);
  while (lattice.length < k * 2 && resolution < 64) {
    resolution++;
    lattice = compositions(resolution, m);
  }
  const points = lattice.map((c) => c.map((x) => x / resolution));
  const chosen: number[][] = [c0];
  while (chosen.length < k) {
    let far: number[] | null = null;
    let farD = 1e-12;
    for (const p of points) {
      const d = Math.min(...chosen.map((q) => distance(p, q)));
      if (d > farD + 1e-12) {
        farD = d;
        far = p;
      }
    }
    if (far === null) break;
    chosen.push(far);
  }
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return chosen.map((v) => Object.fromEntries(objectives.map((o, i) => [o.id, round(v[i]!)])));
}

/** `concise=0.60, faithful=0.40` — for messages and the CLI. */
export function formatWeights(record: WeightRecord): string {
  return Object.entries(record)
    .map(([k, v]) => `${k}=${v.toFixed(2)}`)
    .join(', ');
}
