/** The extension's engine client against the real engine process and the tiny model. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EngineClient, EngineError, type ClientState } from '../../src/extension/engine-client';
import { ROOT, SKIP_NO_MODEL, TINY_DIR } from '../support/helpers';

const TEXT =
  'The council met on Monday to discuss the new bridge. Engineers said the old bridge was unsafe. ' +
  'The mayor promised that work would start in the spring and finish within two years.';

function client(onCrash: (m: string) => void = () => undefined, states: ClientState[] = []): EngineClient {
  return new EngineClient({
    hostScript: join(ROOT, 'dist', 'engine-host.js'),
    load: { dir: TINY_DIR, device: 'cpu' },
    onCrash,
    onState: (s) => states.push(s),
  });
}

describe('engine client', { skip: SKIP_NO_MODEL }, () => {
  const clients: EngineClient[] = [];
  after(async () => {
    await Promise.all(clients.map((c) => c.stop()));
  });

  test('starts the process on first use, loads the model once, and streams a summary', async () => {
    const states: ClientState[] = [];
    const c = client(undefined, states);
    clients.push(c);
    assert.equal(c.pid, undefined, 'nothing runs before the first request');
    // what was streamed since the last 'retry' (the last check rewriting an unusable first attempt)
    let pieces: string[] = [];
    let streamed = 0;
    const [a, b] = await Promise.all([
      c.summarize(
        { text: TEXT, maxNewTokens: 12 },
        {
          onToken: (e) => (pieces.push(e.text), streamed++),
          onProgress: (e) => void (e.stage === 'retry' && (pieces = [])),
        },
      ),
      c.summarize({ text: TEXT, maxNewTokens: 12, weights: { concise: 1 } }),
    ]);
    assert.equal(states.filter((s) => s === 'loading').length, 1, 'one load for concurrent first requests');
    assert.equal(c.state, 'ready');
    assert.ok(a.tokens.length > 0 && b.tokens.length > 0);
    assert.ok(streamed > 0, 'tokens were streamed');
    assert.equal(pieces.join(''), a.summary.slice(0, pieces.join('').length));
  });

  test('a newer request with the same key cancels the older one', async () => {
    const c = client();
    clients.push(c);
    await c.ensureLoaded();
    const first = c.summarize({ text: TEXT, maxNewTokens: 400 }, { supersede: 'view' });
    const second = c.summarize({ text: TEXT, maxNewTokens: 8 }, { supersede: 'view' });
    await assert.rejects(first, (e: unknown) => e instanceof EngineError && e.cancelled);
    assert.ok((await second).tokens.length > 0);
  });

  test('an aborted signal cancels the request in the engine', async () => {
    const c = client();
    clients.push(c);
    await c.ensureLoaded();
    const controller = new AbortController();
    const run = c.summarize(
      { text: TEXT, maxNewTokens: 400 },
      { signal: controller.signal, onToken: () => controller.abort() },
    );
    await assert.rejects(run, (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');
  });

  test('when the process dies, the user is told once and the next summary works', async () => {
    const crashes: string[] = [];
    const c = client((m) => crashes.push(m));
    clients.push(c);
    await c.ensureLoaded();
    const pid = c.pid!;
    const running = c.summarize({ text: TEXT, maxNewTokens: 400 });
    process.kill(pid, 'SIGKILL');
    // the lost request's error says the user was told already, so the command does not say it again
    await assert.rejects(
      running,
      (e: unknown) => e instanceof EngineError && e.code === 'ENGINE_EXITED' && e.reported,
    );
    assert.equal(crashes.length, 1);
    assert.match(crashes[0]!, /stopped unexpectedly/);
    const next = await c.summarize({ text: TEXT, maxNewTokens: 8 });
    assert.ok(next.tokens.length > 0);
    assert.notEqual(c.pid, pid, 'a new process serves it');
    assert.equal(crashes.length, 1);
  });

  test('a missing model is an error the user can act on, and a later request tries again', async () => {
    const c = new EngineClient({
      hostScript: join(ROOT, 'dist', 'engine-host.js'),
      load: { dir: join(ROOT, 'no-such-model') },
    });
    clients.push(c);
    await assert.rejects(
      c.summarize({ text: TEXT }),
      (e: unknown) => e instanceof EngineError && e.code === 'MODEL_NOT_FOUND',
    );
    assert.equal(c.state, 'failed');
    await c.reconfigure({ dir: TINY_DIR, device: 'cpu' });
    assert.ok((await c.summarize({ text: TEXT, maxNewTokens: 4 })).tokens.length > 0);
  });

  test('stops cleanly', async () => {
    const c = client();
    await c.ensureLoaded();
    const pid = c.pid!;
    await c.stop();
    assert.equal(c.pid, undefined);
    assert.throws(() => process.kill(pid, 0));
  });
});
