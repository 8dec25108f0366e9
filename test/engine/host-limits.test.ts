/** The engine host's limits: at most MAX_CONCURRENT_REQUESTS requests at once, at most MAX_WEIGHTINGS a preview. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineHost } from '../../src/engine/host';
import { MAX_CONCURRENT_REQUESTS, MAX_WEIGHTINGS, type Outgoing } from '../../src/engine/protocol';
import { SKIP_NO_MODEL, TINY_DIR } from '../support/helpers';

const line = (id: number | string, method: string, params: object) => JSON.stringify({ id, method, params });
const TEXT = 'The council met on Tuesday and talked for a long time about the bridge.';

test('a preview of more weightings than the limit is refused', async () => {
  const sent: Outgoing[] = [];
  const host = new EngineHost((m) => sent.push(m));
  const list = Array.from({ length: MAX_WEIGHTINGS + 1 }, () => ({ concise: 1 }));
  await host.handleLine(line(1, 'preview', { text: TEXT, weightsList: list }));
  assert.ok('error' in sent[0]! && sent[0].error.code === 'BAD_REQUEST');
  assert.match((sent[0] as { error: { message: string } }).error.message, /1 to 8 weightings/);
});

test('requests beyond the concurrency limit are refused with BUSY', { skip: SKIP_NO_MODEL }, async () => {
  const sent: Outgoing[] = [];
  const host = new EngineHost((m) => sent.push(m));
  await host.handleLine(line('load', 'load', { dir: TINY_DIR, device: 'cpu', threads: 1 }));
  assert.ok(!('error' in sent[0]!), JSON.stringify(sent[0]));
  const long = { text: TEXT, maxNewTokens: 400, sampling: { minNewTokens: 400 }, stream: false };
  const running = Array.from({ length: MAX_CONCURRENT_REQUESTS }, (_, i) =>
    host.handleLine(line(i + 1, 'summarize', long)),
  );
  await host.handleLine(line(99, 'summarize', long));
  const busy = sent.find((m) => m.id === 99);
  assert.ok(busy && 'error' in busy && busy.error.code === 'BUSY', JSON.stringify(busy));
  for (let i = 1; i <= MAX_CONCURRENT_REQUESTS; i++)
    await host.handleLine(line(`c${i}`, 'cancel', { id: i }));
  await Promise.all(running);
  for (let i = 1; i <= MAX_CONCURRENT_REQUESTS; i++) {
    const r = sent.find((m) => m.id === i && !('event' in m));
    assert.ok(r && 'error' in r && r.error.code === 'CANCELLED', JSON.stringify(r));
  }
  // once they ended, a new request is accepted again
  await host.handleLine(line(100, 'summarize', { text: TEXT, maxNewTokens: 2 }));
  const after = sent.find((m) => m.id === 100 && !('event' in m));
  // (the tiny random model may find nothing usable to say: any answer but BUSY will do)
  assert.ok(after && !('error' in after && after.error.code === 'BUSY'), JSON.stringify(after));
  await host.close();
});
