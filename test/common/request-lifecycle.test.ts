/**
 * The request lifecycle that the engine process, the engine client, the Steering view and its webview share
 * (src/common/request-lifecycle.ts): latest wins per key, a newer request supersedes the older, stale replies
 * are dropped, deadlines fire. Timers are mocked, so the timings are exact.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import {
  RequestEnded,
  RequestLifecycle,
  retryWhileRefused,
  type EndReason,
} from '../../src/common/request-lifecycle';

const reason = (signal: AbortSignal): EndReason | null =>
  signal.reason instanceof RequestEnded ? signal.reason.reason : null;

/** Lets pending promise callbacks run (setImmediate is not mocked). */
const settleMicrotasks = () => new Promise((r) => setImmediate(r));

describe('request lifecycle', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('a newer request supersedes the running one of its key, whose reply is then dropped', () => {
    const r = new RequestLifecycle<string>();
    const first = r.start('view');
    const second = r.start('view');
    assert.ok(second.seq > first.seq);
    assert.equal(reason(first.signal), 'superseded');
    assert.equal(first.signal.aborted && second.signal.aborted, false);
    assert.equal(r.isStale(first), true);
    assert.equal(r.settle(first), false, "the superseded request's reply is dropped");
    assert.equal(r.isRunning(second), true, 'and it leaves the newer one running');
    assert.equal(r.settle(second), true);
    assert.equal(r.busy('view'), false);
    assert.equal(r.settle(first), false, 'still stale after the newer one settled');
  });

  test('keys are independent: requests of different keys run side by side', () => {
    const r = new RequestLifecycle<string>();
    const a = r.start('a');
    const b = r.start('b');
    assert.equal(a.signal.aborted || b.signal.aborted, false);
    assert.equal(r.size, 2);
    assert.equal(r.fail(a), true);
    assert.equal(r.size, 1);
  });

  test('a deadline ends the request when it passes, not before, and never after it settled', () => {
    const r = new RequestLifecycle<string>();
    const late = r.start('late', { deadlineMs: 100 });
    const quick = r.start('quick', { deadlineMs: 100 });
    mock.timers.tick(99);
    assert.equal(late.signal.aborted, false);
    assert.equal(r.settle(quick), true);
    mock.timers.tick(1);
    assert.equal(reason(late.signal), 'deadline');
    assert.equal(quick.signal.aborted, false, 'a settled request has no deadline left');
    assert.equal(r.busy('late'), true, 'a late request runs until its owner settles it');
    assert.equal(r.fail(late), true);
  });

  test("a superseded request's deadline does not fire on its successor", () => {
    const r = new RequestLifecycle<string>();
    r.start('k', { deadlineMs: 50 });
    const next = r.start('k', { deadlineMs: 200 });
    mock.timers.tick(150);
    assert.equal(next.signal.aborted, false);
    mock.timers.tick(50);
    assert.equal(reason(next.signal), 'deadline');
  });

  test('cancel aborts the running request, which counts as running until it fails', () => {
    const r = new RequestLifecycle<string>();
    assert.equal(r.cancel('k'), false, 'nothing to cancel');
    const t = r.start('k');
    assert.equal(r.cancel('k'), true);
    assert.equal(reason(t.signal), 'cancelled');
    assert.equal(r.size, 1, 'still stopping');
    assert.equal(r.fail(t), true);
    assert.equal(r.size, 0);
    assert.equal(r.fail(t), false, 'a failure is reported once');
  });

  test('following numbers given by another side: starts, stale replies, a missed start', () => {
    const r = new RequestLifecycle<'summary' | 'preview'>();
    assert.equal(r.follow('summary', 5), true);
    assert.equal(r.follow('summary', 4), false, 'an older start is dropped');
    assert.equal(r.settle({ key: 'summary', seq: 3 }), false, 'an older result is dropped');
    assert.equal(r.fail({ key: 'summary', seq: 4 }), false, 'an older failure is dropped');
    assert.equal(r.isRunning({ key: 'summary', seq: 5 }), true);
    assert.equal(r.latest('preview'), -Infinity, 'the kinds are followed apart');
    // the result of a newer request whose start was missed is taken, and the older one no longer runs
    assert.equal(r.settle({ key: 'summary', seq: 7 }), true);
    assert.equal(r.latest('summary'), 7);
    assert.equal(r.busy('summary'), false);
    assert.equal(r.fail({ key: 'summary', seq: 7 }), false, 'a failure after its result is dropped');
    assert.equal(r.settle({ key: 'summary', seq: 7 }), true, 'the same result again is not stale');
  });

  test('next() numbers a request that never started after every other, and changes no key', () => {
    const r = new RequestLifecycle<string>();
    const t = r.start('view');
    const refused = r.next();
    assert.ok(refused > t.seq);
    assert.equal(r.isRunning(t), true);
    assert.equal(r.settle(t), true, 'the running request is still the latest of its key');
    assert.ok(r.start('view').seq > refused);
  });

  test('forget: a key used once is dropped when it ends, and an old reply cannot end its successor', () => {
    const r = new RequestLifecycle<number>({ forget: true });
    const old = r.start(1);
    const again = r.start(1); // the same request id again
    assert.equal(r.settle(old), false);
    assert.equal(r.busy(1), true);
    assert.equal(r.settle(again), true);
    assert.equal(r.latest(1), -Infinity, 'forgotten');
    assert.equal(r.size, 0);
  });

  test('an abort listener that settles its own request (as the engine client does) is safe', () => {
    const r = new RequestLifecycle<string>({ forget: true });
    const seen: boolean[] = [];
    const first = r.start('k');
    first.signal.addEventListener('abort', () => seen.push(r.settle(first)));
    const second = r.start('k');
    assert.deepEqual(seen, [false], 'the superseded request is already stale in its listener');
    assert.equal(r.isRunning(second), true);
    assert.equal(r.cancel('k'), true);
    const third = r.start('other');
    third.signal.addEventListener('abort', () => seen.push(r.settle(third)));
    second.signal.addEventListener('abort', () => seen.push(r.settle(second)));
    r.cancelAll();
    assert.equal(r.size, 1, 'the cancelled request whose listener did not settle it still stops');
    assert.deepEqual(seen, [false, true]);
  });
});

describe('retry while refused', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  const busy = new Error('BUSY');
  const isBusy = (e: unknown) => e === busy;

  /** Retries an attempt the other side always refuses; `tries` counts them. */
  function alwaysRefused(signal: AbortSignal, waitMs: number) {
    const counter = { tries: 0 };
    const done = retryWhileRefused(
      async () => {
        counter.tries++;
        throw busy;
      },
      isBusy,
      { signal, waitMs },
    );
    return { counter, outcome: assert.rejects(done, (e) => e === busy) };
  }

  /** Lets each wait of the backoff pass in turn. */
  async function waits(...delays: number[]) {
    for (const ms of delays) {
      await settleMicrotasks();
      mock.timers.tick(ms);
    }
  }

  test('tries again, backing off, until the attempt is taken', async () => {
    let tries = 0;
    const times: number[] = [];
    const done = retryWhileRefused(
      async () => {
        times.push(Date.now());
        if (++tries < 4) throw busy;
        return 'taken';
      },
      isBusy,
      { signal: new AbortController().signal, waitMs: 30_000 },
    );
    await waits(50, 100, 200);
    assert.equal(await done, 'taken');
    assert.deepEqual(
      times.map((t) => t - times[0]!),
      [0, 50, 150, 350],
    );
  });

  test('gives up with the refusal once the wait passed its deadline', async () => {
    const { counter, outcome } = alwaysRefused(new AbortController().signal, 1_000);
    await waits(50, 100, 200, 400, 800);
    await outcome;
    // tries at 0, 50, 150, 350 and 750 ms wait again; the one at 1,550 ms is past the deadline
    assert.equal(counter.tries, 6);
  });

  test('stops at once when superseded or cancelled, and never retries another error', async () => {
    const controller = new AbortController();
    const { counter, outcome } = alwaysRefused(controller.signal, 30_000);
    await settleMicrotasks();
    controller.abort();
    mock.timers.tick(50);
    await outcome;
    assert.equal(counter.tries, 2, 'the try after the abort is its last');

    const other = new Error('no model');
    await assert.rejects(
      retryWhileRefused(() => Promise.reject(other), isBusy, { signal: controller.signal, waitMs: 1 }),
      (e) => e === other,
    );
  });
});
