/**
 * Fuzzing what crosses a process or trust boundary: the engine protocol's request parser (and the engine
 * host answering raw lines), and the validation of the Steering webview's messages. 10,000 random and
 * mutated messages each, from a fixed seed: nothing throws but the parser's own BadRequest, and every
 * message an independent oracle calls bad is refused; what is accepted has exactly the expected shape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PREVIEW, MIN_PREVIEW, SUMMARY_ACTIONS, parseFromWebview } from '../../src/common/messages';
import { EngineHost } from '../../src/engine/host';
import { BadRequest, MAX_WEIGHTINGS, parseRequest, type Outgoing } from '../../src/engine/protocol';

const N = 10_000;

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = unknown;

class Gen {
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

const KEYS = [
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

// ---- the engine protocol ----

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const absent = (v: unknown) => v === undefined || v === null;
const numbers = (v: unknown) => isObj(v) && Object.values(v).every(finite);
const opt = (v: unknown, ok: (v: unknown) => boolean) => absent(v) || ok(v);
const isId = (v: unknown) => typeof v === 'string' || finite(v);

/** The protocol as documented (src/engine/protocol.ts, DESIGN.md), written independently of the parser. */
function validRequest(m: unknown): boolean {
  if (!isObj(m) || !isId(m.id)) return false;
  if (m.params !== undefined && !isObj(m.params)) return false;
  const p = (m.params ?? {}) as Record<string, unknown>;
  const generate = () =>
    typeof p.text === 'string' &&
    opt(p.maxNewTokens, finite) &&
    opt(p.maxInputTokens, finite) &&
    opt(p.sampling, numbers) &&
    opt(p.stream, (v) => typeof v === 'boolean');
  switch (m.method) {
    case 'load':
      return (
        typeof p.dir === 'string' &&
        p.dir.length > 0 &&
        opt(p.device, (v) => typeof v === 'string') &&
        opt(p.graph, (v) => typeof v === 'string') &&
        opt(p.threads, finite)
      );
    case 'summarize':
      return generate() && opt(p.weights, numbers);
    case 'preview':
      return (
        generate() &&
        Array.isArray(p.weightsList) &&
        p.weightsList.length >= 1 &&
        p.weightsList.length <= MAX_WEIGHTINGS &&
        p.weightsList.every(numbers)
      );
    case 'cancel':
      return isId(p.id);
    case 'shutdown':
      return true;
    default:
      return false;
  }
}

const PARAM_KEYS: Record<string, string[]> = {
  load: ['dir', 'device', 'graph', 'threads'],
  summarize: ['text', 'maxNewTokens', 'maxInputTokens', 'sampling', 'stream', 'weights'],
  preview: ['text', 'maxNewTokens', 'maxInputTokens', 'sampling', 'stream', 'weightsList'],
  cancel: ['id'],
  shutdown: [],
};

function validRequests(g: Gen): Json[] {
  const w = () => ({ concise: g.r(), faithful: g.r() });
  return [
    { id: g.int(100), method: 'load', params: { dir: '/nowhere/model', device: 'cpu', threads: 2 } },
    {
      id: 'a',
      method: 'summarize',
      params: { text: 'Some text.', weights: w(), maxNewTokens: 8, stream: true },
    },
    {
      id: g.int(100),
      method: 'preview',
      params: { text: 'Some text.', weightsList: [w(), w()], sampling: { temperature: 0 } },
    },
    { id: 3, method: 'cancel', params: { id: 2 } },
    { id: 'bye', method: 'shutdown', params: {} },
  ];
}

/** 10,000 messages: mutated valid requests, random values, and mangled JSON text. */
function protocolCases(seed: number): string[] {
  const g = new Gen(rng(seed));
  const out: string[] = [];
  for (let i = 0; i < N; i++) {
    const base = g.pick(validRequests(g));
    const kind = i % 10;
    const v = kind < 6 ? g.mutate(base) : kind < 7 ? base : kind < 8 ? g.value() : base;
    let text = JSON.stringify(v) ?? 'undefined';
    if (kind >= 8) text = g.mangle(text);
    if (kind === 9 && g.r() < 0.3)
      text = JSON.stringify({
        id: 1,
        method: 'preview',
        params: { text: 'x', weightsList: Array.from({ length: g.int(40) }, () => ({ concise: 1 })) },
      });
    out.push(text);
  }
  return out;
}

test('protocol fuzz: 10,000 random and mutated requests; bad ones refused, good ones exact', () => {
  let accepted = 0;
  let refused = 0;
  let notJson = 0;
  for (const text of protocolCases(12)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      notJson++;
      continue;
    }
    let parsed: ReturnType<typeof parseRequest> | null = null;
    try {
      parsed = parseRequest(json);
    } catch (e) {
      assert.ok(e instanceof BadRequest, `only BadRequest is thrown, got ${String(e)} for ${text}`);
    }
    const valid = validRequest(json);
    assert.equal(
      parsed !== null,
      valid,
      `${valid ? 'a valid request refused' : 'a bad request accepted'}: ${text}`,
    );
    if (!parsed) {
      refused++;
      continue;
    }
    accepted++;
    const m = json as { id: unknown; method: string };
    assert.equal(parsed.id, m.id);
    assert.equal(parsed.method, m.method);
    for (const k of Object.keys(parsed.params))
      assert.ok(PARAM_KEYS[m.method]!.includes(k), `no unknown parameter passes through: ${k} in ${text}`);
  }
  assert.equal(accepted + refused + notJson, N);
  assert.ok(
    accepted > 500 && refused > 3000 && notJson > 300,
    `a spread: ${accepted} accepted, ${refused} refused, ${notJson} not JSON`,
  );
});

test('engine host fuzz: every bad line gets one BAD_REQUEST answer, and nothing throws', async () => {
  const cases = protocolCases(99).filter((t) => !t.includes('"load"'));
  let badAnswered = 0;
  for (const line of cases) {
    const sent: Outgoing[] = [];
    const host = new EngineHost((m) => sent.push(m));
    await host.handleLine(line);
    let valid: boolean;
    try {
      valid = validRequest(JSON.parse(line));
    } catch {
      valid = false;
    }
    if (line.trim().length === 0) {
      assert.equal(sent.length, 0);
      continue;
    }
    assert.equal(sent.length, 1, `one answer to ${line}`);
    const answer = sent[0]!;
    if (!valid) {
      assert.ok(
        'error' in answer && answer.error.code === 'BAD_REQUEST',
        `refused: ${line} -> ${JSON.stringify(answer)}`,
      );
      badAnswered++;
    } else if ('error' in answer) {
      assert.notEqual(answer.error.code, 'BAD_REQUEST', line);
      assert.notEqual(answer.error.code, 'INTERNAL', `${line} -> ${answer.error.message}`);
    }
  }
  assert.ok(badAnswered > 3000, `${badAnswered} bad lines refused`);
});

// ---- the webview's messages ----

const IDS = ['concise', 'faithful', 'complete'];

function validWeights(v: unknown): boolean {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === IDS.length &&
    keys.every((k) => IDS.includes(k)) &&
    IDS.every((k) => finite(v[k]) && (v[k] as number) >= 0 && (v[k] as number) <= 1)
  );
}

const count = (v: unknown) =>
  Number.isInteger(v) && (v as number) >= MIN_PREVIEW && (v as number) <= MAX_PREVIEW;

/** The accepted messages as documented in src/common/messages.ts, written independently. */
function validFromWebview(m: unknown): boolean {
  if (!isObj(m)) return false;
  switch (m.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'weightsChanged':
      return validWeights(m.weights) && typeof m.live === 'boolean';
    case 'summarize':
      return validWeights(m.weights);
    case 'preview':
    case 'setPreviewCount':
      return count(m.count);
    case 'action':
      return SUMMARY_ACTIONS.includes(m.action as never) && Number.isInteger(m.summaryId);
    case 'setLive':
      return typeof m.live === 'boolean';
    default:
      return false;
  }
}

const FIELDS: Record<string, string[]> = {
  ready: ['type'],
  cancel: ['type'],
  weightsChanged: ['type', 'weights', 'live'],
  summarize: ['type', 'weights'],
  preview: ['type', 'count'],
  setPreviewCount: ['type', 'count'],
  action: ['type', 'action', 'summaryId'],
  setLive: ['type', 'live'],
};

test('webview message fuzz: 10,000 random and mutated messages; bad ones dropped, good ones exact', () => {
  const g = new Gen(rng(7));
  const w = () => ({ concise: g.r(), faithful: g.r(), complete: g.r() });
  const valid = (): Json[] => [
    { type: 'ready' },
    { type: 'cancel' },
    { type: 'weightsChanged', weights: w(), live: true },
    { type: 'summarize', weights: w() },
    { type: 'preview', count: 4 },
    { type: 'setPreviewCount', count: 8 },
    { type: 'action', action: g.pick(SUMMARY_ACTIONS), summaryId: g.int(100) },
    { type: 'setLive', live: false },
  ];
  let accepted = 0;
  for (let i = 0; i < N; i++) {
    const base = g.pick(valid());
    const m = i % 5 === 0 ? g.value(0, true) : i % 5 === 1 ? base : g.mutate(base, true);
    let parsed: ReturnType<typeof parseFromWebview> = null;
    assert.doesNotThrow(() => (parsed = parseFromWebview(m, IDS)));
    const ok = validFromWebview(m);
    const shown = (() => {
      try {
        return JSON.stringify(m);
      } catch {
        return String(m);
      }
    })();
    assert.equal(
      parsed !== null,
      ok,
      `${ok ? 'a valid message dropped' : 'a bad message accepted'}: ${shown}`,
    );
    if (parsed === null) continue;
    accepted++;
    const p = parsed as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(p).sort(),
      [...FIELDS[p.type as string]!].sort(),
      'nothing else passes through',
    );
    if ('weights' in p)
      assert.ok(validWeights(p.weights) && Object.getPrototypeOf(p.weights) === Object.prototype);
  }
  assert.ok(accepted > 2000 && accepted < N - 2000, `${accepted} accepted`);
});
