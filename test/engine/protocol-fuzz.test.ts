/**
 * Fuzzing what crosses a process boundary: the engine protocol's request parser, and the engine host
 * answering raw lines. 10,000 random and mutated messages from a fixed seed: nothing throws but the parser's
 * own BadRequest, and every message an independent oracle calls bad is refused; what is accepted has
 * exactly the expected shape. (The webview's messages: webview-fuzz.test.ts.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineHost } from '../../src/engine/host';
import { BadRequest, MAX_WEIGHTINGS, parseRequest, type Outgoing } from '../../src/engine/protocol';
import { Gen, N, absent, finite, isObj, rng, type Json } from '../support/fuzz';

const numbers = (v: unknown) => isObj(v) && Object.values(v).every(finite);
const opt = (v: unknown, ok: (v: unknown) => boolean) => absent(v) || ok(v);
const isId = (v: unknown) => typeof v === 'string' || finite(v);

/** The protocol as documented (src/engine/protocol.ts), written independently of the parser. */
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
