/** The engine process (dist/engine-host.js) speaking the JSON-lines protocol. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { ROOT, SKIP_NO_MODEL, TINY_DIR } from '../support/helpers';

interface Message {
  id: number | string | null;
  result?: Record<string, unknown> | null;
  error?: { code: string; message: string };
  event?: string;
  data?: Record<string, unknown>;
}

class Client {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number | string | null, (m: Message) => void>();
  readonly events: Message[] = [];

  constructor() {
    this.child = spawn(process.execPath, [join(ROOT, 'dist', 'engine-host.js')], { stdio: 'pipe' });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as Message;
      if (m.event) this.events.push(m);
      else this.waiting.get(m.id)?.(m);
    });
  }

  request(id: number | string, method: string, params: Record<string, unknown> = {}): Promise<Message> {
    return this.raw(id, JSON.stringify({ id, method, params }));
  }

  raw(id: number | string | null, line: string): Promise<Message> {
    const reply = new Promise<Message>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin.write(`${line}\n`);
    return reply;
  }
}

describe('engine process', () => {
  let client: Client;
  before(() => {
    client = new Client();
  });
  after(() => {
    client.child.kill();
  });

  test('bad requests are answered with BAD_REQUEST', async () => {
    assert.equal((await client.raw(null, 'not json')).error?.code, 'BAD_REQUEST');
    assert.equal((await client.request(1, 'fly')).error?.code, 'BAD_REQUEST');
    assert.match((await client.request(2, 'summarize', {})).error!.message, /params.text/);
  });

  test('summarize before load: NO_MODEL', async () => {
    const r = await client.request(3, 'summarize', { text: 'Hello there.' });
    assert.equal(r.error?.code, 'NO_MODEL');
  });

  test('load of a missing model: MODEL_NOT_FOUND', async () => {
    const r = await client.request(4, 'load', { dir: join(ROOT, 'models', 'no-such-model') });
    assert.equal(r.error?.code, 'MODEL_NOT_FOUND');
  });

  describe('with the tiny model', { skip: SKIP_NO_MODEL }, () => {
    test('load, summarize with token events, preview, bad weights', async () => {
      const loaded = await client.request(10, 'load', { dir: TINY_DIR, device: 'cpu', threads: 1 });
      assert.equal(loaded.error, undefined, JSON.stringify(loaded.error));
      assert.equal(loaded.result!.device, 'cpu');
      assert.ok(Array.isArray((loaded.result!.manifest as { objectives: unknown[] }).objectives));

      const s = await client.request(11, 'summarize', {
        text: 'The council met on Tuesday.',
        weights: { concise: 1 },
        maxNewTokens: 5,
      });
      assert.equal(s.error, undefined, JSON.stringify(s.error));
      assert.equal(typeof s.result!.summary, 'string');
      assert.ok(client.events.some((e) => e.id === 11 && e.event === 'token'));

      const p = await client.request(12, 'preview', {
        text: 'The council met on Tuesday.',
        weightsList: [{ concise: 1 }, { faithful: 1 }],
        maxNewTokens: 4,
      });
      assert.equal((p.result!.items as unknown[]).length, 2);

      // the preview's card for concise=1, asked for as the summary: the same text, not decoded again
      const again = await client.request(14, 'summarize', {
        text: 'The council met on Tuesday.',
        weights: { concise: 1 },
        maxNewTokens: 4,
      });
      const card = (p.result!.items as { summary: string }[])[0]!;
      assert.equal(again.result!.summary, card.summary);
      assert.equal((again.result!.timings as { decodeMs: number }).decodeMs, 0);

      const bad = await client.request(13, 'summarize', { text: 'x y z', weights: { brevity: 1 } });
      assert.equal(bad.error?.code, 'BAD_WEIGHTS');
    });

    test('cancel stops a running request', async () => {
      const running = client.request(20, 'summarize', {
        text: 'The council met on Tuesday and talked for a long time.',
        maxNewTokens: 400,
        sampling: { minNewTokens: 400 },
      });
      while (!client.events.some((e) => e.id === 20 && e.event === 'token'))
        await new Promise((r) => setTimeout(r, 5));
      const c = await client.request(21, 'cancel', { id: 20 });
      assert.deepEqual(c.result, { cancelled: true });
      assert.equal((await running).error?.code, 'CANCELLED');
    });

    test('shutdown ends the process', async () => {
      const exited = new Promise<number | null>((resolve) => client.child.on('exit', resolve));
      const r = await client.request(30, 'shutdown');
      assert.equal(r.result, null);
      assert.equal(await exited, 0);
    });
  });
});
