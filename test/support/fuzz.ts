/**
 * What the fuzz tests share (protocol-fuzz.test.ts, webview-fuzz.test.ts): a seeded generator of random and
 * mutated JSON values and texts, so a failure can be replayed, and the small predicates their oracles use.
 */
export const N = 10_000;

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Json = unknown;

export class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Any value, JSON-like or (with `exotic`) not: NaN, Infinity, undefined, functions. */
  value(depth = 0, exotic = false): Json {
    const kinds = ['num', 'int', 'str', 'bool', 'null', 'arr', 'obj', ...(exotic ? ['exotic'] : [])];
    switch (depth > 2 ? this.pick(kinds.slice(0, 5)) : this.pick(kinds)) {
      case 'num':
        return this.pick([0, -0, 0.5, -1, 1, 1.5, 1e308, -1e308, 2 ** 53, Number.MIN_VALUE, this.r()]);
      case 'int':
        return this.int(20) - 5;
      case 'str':
        return this.pick([
          '',
          'x',
          'concise',
          'faithful',
          'complete',
          '__proto__',
          'load',
          '1',
          '\u0000',
          'é'.repeat(3),
        ]);
      case 'bool':
        return this.r() < 0.5;
      case 'null':
        return null;
      case 'arr':
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1, exotic));
      case 'obj': {
        const o: Record<string, Json> = {};
        for (let i = this.int(4); i > 0; i--) o[this.pick(KEYS)] = this.value(depth + 1, exotic);
        return o;
      }
      default:
        return this.pick([NaN, Infinity, -Infinity, undefined, () => 1, Symbol('s'), 10n]);
    }
  }
  /** A copy of `v` with one random change somewhere inside: a value replaced, a key removed or added. */
  mutate(v: Json, exotic = false): Json {
    if (typeof v !== 'object' || v === null || this.r() < 0.15) return this.value(0, exotic);
    const copy: Record<string, Json> | Json[] = Array.isArray(v)
      ? [...v]
      : { ...(v as Record<string, Json>) };
    const keys = Object.keys(copy);
    const op = this.int(4);
    if (op === 0 && keys.length > 0) {
      const k = this.pick(keys);
      if (Array.isArray(copy)) copy.splice(Number(k), 1);
      else Reflect.deleteProperty(copy, k);
    } else if (op === 1 || keys.length === 0) {
      if (Array.isArray(copy)) copy.push(this.value(1, exotic));
      else copy[this.pick(KEYS)] = this.value(1, exotic);
    } else {
      const k = this.pick(keys);
      (copy as Record<string, Json>)[k] = this.mutate((copy as Record<string, Json>)[k], exotic);
    }
    return copy;
  }
  /** A string-level mutation of JSON text: characters replaced, inserted, dropped, or the text cut. */
  mangle(text: string): string {
    const at = this.int(text.length + 1);
    switch (this.int(4)) {
      case 0:
        return text.slice(0, at);
      case 1:
        return (
          text.slice(0, at) +
          this.pick(['"', '{', '}', ',', ':', '1e999', '-', 'null', '\\']) +
          text.slice(at)
        );
      case 2:
        return text.slice(0, at) + text.slice(at + 1 + this.int(3));
      default:
        return text.slice(0, at) + String.fromCharCode(this.int(128)) + text.slice(at + 1);
    }
  }
}

export const KEYS = [
  'id',
  'method',
  'params',
  'dir',
  'device',
  'graph',
  'threads',
  'text',
  'weights',
  'weightsList',
  'maxNewTokens',
  'maxInputTokens',
  'sampling',
  'stream',
  'type',
  'live',
  'count',
  'action',
  'summaryId',
  'concise',
  'faithful',
  'complete',
  'extra',
  '__proto__',
];

export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
export const absent = (v: unknown) => v === undefined || v === null;
