/**
 * The engine client as a supervisor, against fake engine processes that hang, crash, ignore cancels or
 * write garbage: deadlines, the watchdog, prompt cancels, restarts with backoff, and never a process left
 * behind. No model needed; every process a fake starts is recorded in a file and checked afterwards.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  EngineClient,
  EngineError,
  type ClientState,
  type Timeouts,
} from '../../src/extension/engine-client';

const work = mkdtempSync(join(tmpdir(), 'steer-fake-engine-'));

/**
 * A fake engine host. Modes: ok; hang-load (never answers load); hang-request (summaries never answer,
 * cancels are ignored); crash-load-once (the first process exits during load); crash-load (every process
 * does); garbage (junk lines before every answer); deaf (ignores shutdown); exit-at-start.
 */
const FAKE = String.raw`
const fs = require('node:fs');
const readline = require('node:readline');
const [mode, dir] = process.argv.slice(2);
const starts = dir + '/starts';
const n = fs.existsSync(starts) ? fs.readFileSync(starts, 'utf8').split('\n').filter(Boolean).length : 0;
fs.appendFileSync(starts, process.pid + ' ' + Date.now() + '\n');
if (mode === 'exit-at-start') process.exit(3);
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const timers = new Map();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const r = JSON.parse(line);
  if (mode === 'garbage') {
    process.stdout.write('null\n5\n"text"\n{}\n{"id":{"x":1}}\n[1,2]\n\u0000\u0001binary\n');
    send({ id: r.id, event: 'token' });
    send({ id: r.id, event: 'token', data: null });
    send({ id: r.id, error: 'not an object' });
    send({ id: 'unknown-id', result: 1 });
  }
  if (r.method === 'load') {
    if (mode === 'hang-load') return;
    if (mode === 'crash-load' || (mode === 'crash-load-once' && n === 0)) return setTimeout(() => process.exit(1), 20);
    return send({ id: r.id, result: { id: 'fake', device: 'cpu', graph: 'quantized', loadMs: 1 } });
  }
  if (r.method === 'summarize') {
    if (mode === 'hang-request') return;
    send({ id: r.id, event: 'token', data: { text: 'a', token: 1, index: 0 } });
    const ms = r.params.maxNewTokens || 10;
    timers.set(r.id, setTimeout(() => {
      timers.delete(r.id);
      send({ id: r.id, result: { summary: 'fake summary', tokens: [1], weights: {}, finishReason: 'eos' } });
    }, ms));
    return;
  }
  if (r.method === 'cancel') {
    if (mode === 'hang-request') return;
    const t = timers.get(r.params.id);
    if (t) { clearTimeout(t); timers.delete(r.params.id); send({ id: r.params.id, error: { code: 'CANCELLED', message: 'Cancelled.' } }); }
    return send({ id: r.id, result: { cancelled: !!t } });
  }
  if (r.method === 'shutdown') {
    if (mode === 'deaf') return;
    send({ id: r.id, result: null });
    process.exit(0);
  }
});
`;
const fakeScript = join(work, 'fake-host.js');
writeFileSync(fakeScript, FAKE);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let serial = 0;
interface Fake {
  client: EngineClient;
  states: ClientState[];
  crashes: string[];
  /** pid and start time of every process the fake host started, in order. */
  starts: () => { pid: number; at: number }[];
  /** The most processes seen alive at once by the sampler. */
  maxAlive: () => number;
}

const clients: EngineClient[] = [];
const samplers: ReturnType<typeof setInterval>[] = [];

/** A client whose host script is the fake in `mode`; a sampler counts the fake's live processes. */
function fake(mode: string, timeouts: Partial<Timeouts> = {}): Fake {
  const dir = join(work, `run-${++serial}`);
  mkdirSync(dir);
  const script = join(dir, 'host.js');
  // the mode and the run directory are baked into a small launcher (fork passes no arguments)
  writeFileSync(
    script,
    `process.argv.push(${JSON.stringify(mode)}, ${JSON.stringify(dir)}); require(${JSON.stringify(fakeScript)});`,
  );
  const states: ClientState[] = [];
  const crashes: string[] = [];
  const client = new EngineClient({
    hostScript: script,
    load: { dir: '/nowhere' },
    onState: (s) => states.push(s),
    onCrash: (m) => crashes.push(m),
    timeouts: { backoffMs: 20, maxBackoffMs: 200, shutdownMs: 300, ...timeouts },
  });
  clients.push(client);
  const starts = () =>
    existsSync(join(dir, 'starts'))
      ? readFileSync(join(dir, 'starts'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const [pid, at] = l.split(' ').map(Number);
            return { pid: pid!, at: at! };
          })
      : [];
  let max = 0;
  samplers.push(
    setInterval(() => {
      max = Math.max(max, starts().filter((s) => alive(s.pid)).length, client.processCount);
    }, 5),
  );
  return { client, states, crashes, starts, maxAlive: () => max };
}

const code = (c: string) => (e: unknown) => e instanceof EngineError && e.code === c;

async function waitFor(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function assertNothingLeft(f: Fake): Promise<void> {
  await f.client.stop();
  await sleep(50);
  const left = f.starts().filter((s) => alive(s.pid));
  assert.deepEqual(left, [], 'no engine process is left after stop()');
  assert.equal(f.client.processCount ?? 0, 0);
  assert.ok(f.maxAlive() <= 1, `never more than one engine process at once (saw ${f.maxAlive()})`);
}

describe('engine supervisor (fake engine processes)', { timeout: 30_000 }, () => {
  after(async () => {
    for (const s of samplers) clearInterval(s);
    await Promise.all(clients.map((c) => c.stop()));
  });

  test('a working engine: summaries, then stop() ends the process', async () => {
    const f = fake('ok');
    const r = await f.client.summarize({ text: 'x', maxNewTokens: 5 });
    assert.equal(r.summary, 'fake summary');
    assert.equal(f.client.state, 'ready');
    await assertNothingLeft(f);
  });

  test('a load that hangs fails with TIMEOUT at its deadline, and the process is killed', async () => {
    const f = fake('hang-load', { loadMs: 300 });
    const t0 = Date.now();
    await assert.rejects(f.client.summarize({ text: 'x' }), code('TIMEOUT'));
    const took = Date.now() - t0;
    assert.ok(took < 2000, `rejected after ${took} ms`);
    await waitFor('the stuck process to die', () => f.starts().every((s) => !alive(s.pid)));
    assert.equal(f.client.state, 'failed');
    assert.equal(f.starts().length, 1, 'no automatic restart after a load timeout');
    await assertNothingLeft(f);
  });

  test('Cancel during a hanging load rejects at once', async () => {
    const f = fake('hang-load', { loadMs: 60_000 });
    const controller = new AbortController();
    const run = f.client.summarize({ text: 'x' }, { signal: controller.signal });
    await sleep(100);
    const t0 = Date.now();
    controller.abort();
    await assert.rejects(run, code('CANCELLED'));
    assert.ok(Date.now() - t0 < 500, `prompt: ${Date.now() - t0} ms`);
    await assertNothingLeft(f);
  });

  test('a request that hangs fails with TIMEOUT; the engine ignores the cancel, so it is killed and restarted', async () => {
    const f = fake('hang-request', { requestMs: 300, cancelGraceMs: 200, idleMs: 60_000 });
    await f.client.ensureLoaded();
    const first = f.client.pid!;
    const t0 = Date.now();
    await assert.rejects(f.client.summarize({ text: 'x' }), code('TIMEOUT'));
    assert.ok(Date.now() - t0 < 1500);
    await waitFor('the stuck engine to be replaced', () => !alive(first) && f.starts().length === 2);
    await waitFor('the new engine to load', () => f.client.state === 'ready');
    assert.equal(f.crashes.length, 1);
    assert.match(f.crashes[0]!, /stopped responding .*cancelled request did not stop/);
    await assertNothingLeft(f);
  });

  test('Cancel resolves the request at once even when the engine is stuck', async () => {
    const f = fake('hang-request', { cancelGraceMs: 2000 });
    await f.client.ensureLoaded();
    const pid = f.client.pid!;
    const controller = new AbortController();
    const run = f.client.summarize({ text: 'x' }, { signal: controller.signal });
    await sleep(50);
    const t0 = Date.now();
    controller.abort();
    await assert.rejects(run, code('CANCELLED'));
    assert.ok(Date.now() - t0 < 500, `prompt: ${Date.now() - t0} ms`);
    await waitFor('the stuck engine to be killed', () => !alive(pid));
    await assertNothingLeft(f);
  });

  test('the watchdog kills an engine that says nothing while a request is outstanding', async () => {
    const f = fake('hang-request', { idleMs: 300 });
    const t0 = Date.now();
    await assert.rejects(f.client.summarize({ text: 'x' }), (e: unknown) => {
      return e instanceof EngineError && e.code === 'TIMEOUT' && /stopped responding/.test(e.message);
    });
    assert.ok(Date.now() - t0 < 2000);
    await assertNothingLeft(f);
  });

  test('a cancel the engine honours does not kill it', async () => {
    const f = fake('ok', { cancelGraceMs: 1000 });
    await f.client.ensureLoaded();
    const pid = f.client.pid!;
    const first = f.client.summarize({ text: 'x', maxNewTokens: 5000 }, { supersede: 'view' });
    await sleep(20);
    const second = f.client.summarize({ text: 'x', maxNewTokens: 5 }, { supersede: 'view' });
    await assert.rejects(first, code('CANCELLED'));
    assert.equal((await second).summary, 'fake summary');
    await sleep(1200); // past the grace period: the engine answered the cancel, so it lives
    assert.equal(f.client.pid, pid, 'the same engine');
    assert.equal(f.crashes.length, 0);
    await assertNothingLeft(f);
  });

  test('a crash during load: one replacement, no orphan, and stop() leaves nothing', async () => {
    const f = fake('crash-load-once');
    await assert.rejects(f.client.summarize({ text: 'x' }), code('ENGINE_EXITED'));
    await waitFor('the restarted engine to load', () => f.client.state === 'ready');
    const r = await f.client.summarize({ text: 'x', maxNewTokens: 5 });
    assert.equal(r.summary, 'fake summary');
    assert.equal(f.starts().length, 2, 'exactly one replacement process');
    assert.equal(f.crashes.length, 1);
    await assertNothingLeft(f);
  });

  test('a crash loop: restarts back off, then stop until the next request', async () => {
    const f = fake('crash-load', { backoffMs: 200, maxBackoffMs: 5000 });
    await assert.rejects(f.client.summarize({ text: 'x' }), code('ENGINE_EXITED'));
    await waitFor(
      'the crash loop to be detected',
      () => f.client.state === 'failed' && f.crashes.length === 4,
      15_000,
    );
    await sleep(300);
    const starts = f.starts();
    assert.equal(starts.length, 4, 'three restarts, then none');
    const gaps = starts.slice(1).map((s, i) => s.at - starts[i]!.at);
    // 200, 400 and 800 ms of backoff, each plus a process start
    assert.ok(gaps[0]! >= 200 && gaps[1]! >= 400 && gaps[2]! >= 800, `growing delays: ${gaps.join(', ')} ms`);
    assert.ok(gaps[2]! > gaps[0]!, `growing delays: ${gaps.join(', ')} ms`);
    assert.match(f.crashes[3]!, /4 times in two minutes/);
    await assertNothingLeft(f);
  });

  test('garbage from the engine is ignored, and the request is still answered', async () => {
    const f = fake('garbage');
    const r = await f.client.summarize({ text: 'x', maxNewTokens: 5 });
    assert.equal(r.summary, 'fake summary');
    await assertNothingLeft(f);
  });

  test('an engine that ignores shutdown is killed by stop()', async () => {
    const f = fake('deaf', { shutdownMs: 200 });
    await f.client.ensureLoaded();
    const t0 = Date.now();
    await assertNothingLeft(f);
    assert.ok(Date.now() - t0 < 1500);
  });

  test('an engine that dies at once: the request fails, no unhandled EPIPE', async () => {
    const f = fake('exit-at-start');
    await assert.rejects(f.client.summarize({ text: 'x' }), code('ENGINE_EXITED'));
    await assertNothingLeft(f);
  });
});
