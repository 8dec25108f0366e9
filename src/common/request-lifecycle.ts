/**
 * The one request lifecycle of every layer that asks for work and shows its answer: the engine process
 * (requests by id), the engine client (supersede keys and deadlines), the Steering view in the extension and
 * its page in the webview (the latest summary or preview). Written once so the layers cannot drift apart on
 * what "latest" means. Per key, the latest request wins: starting one supersedes the request still running
 * under that key (its signal aborts), a reply older than the key's latest is stale, and a request may carry
 * a deadline, at which it ends as if cancelled. It sits in src/common because the engine, the extension and
 * the webview may all import it, and it needs nothing but AbortController and timers, which Node and the
 * browser both have.
 */

/** Why a request ended before its owner settled it. */
export type EndReason = 'superseded' | 'cancelled' | 'deadline';

/** The abort reason of a ticket's signal, so that whoever listens can tell a deadline from a cancel. */
export class RequestEnded extends Error {
  override name = 'RequestEnded';
  constructor(readonly reason: EndReason) {
    super(
      reason === 'superseded'
        ? 'Superseded by a newer request.'
        : reason === 'deadline'
          ? 'The request passed its deadline.'
          : 'Cancelled.',
    );
  }
}

/** A request by its key and its number in the sequence; replies name their request this way. */
export interface RequestRef<K> {
  readonly key: K;
  readonly seq: number;
}

/** A started request: its signal aborts (with a RequestEnded) when it is superseded, cancelled or late. */
export interface Ticket<K> extends RequestRef<K> {
  readonly signal: AbortSignal;
}

export interface LifecycleOptions {
  /**
   * Forget a key once nothing of it runs. For keys used once (request ids), which would otherwise pile up;
   * a stale reply is then still recognised while a newer request of its key runs.
   */
  forget?: boolean;
}

interface Running<K> {
  ticket: Ticket<K>;
  controller: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Entry<K> {
  /** The number of the key's latest request; older replies are stale. */
  latest: number;
  /** That request while its owner has not settled it (also once it was cancelled: it may still be stopping). */
  running: Running<K> | null;
}

export class RequestLifecycle<K> {
  private lastSeq = 0;
  private readonly entries = new Map<K, Entry<K>>();

  constructor(private readonly options: LifecycleOptions = {}) {}

  /** Requests started and not yet settled, cancelled ones that are still stopping included. */
  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.running) n++;
    return n;
  }

  /**
   * A number later than every request so far, for a request answered without being started (one refused
   * before it began), so that the other side sees it as newer than all of them.
   */
  next(): number {
    return ++this.lastSeq;
  }

  /**
   * Starts a request under `key`, numbered next in the sequence: it is now the key's latest, and the one
   * that was running under the key ends as superseded. With `deadlineMs`, it ends by itself after that long.
   */
  start(key: K, options: { deadlineMs?: number } = {}): Ticket<K> {
    return this.begin(key, this.next(), options.deadlineMs);
  }

  /**
   * A request that another side numbered has started (the webview follows the extension's numbers): false,
   * and nothing changes, if it is older than the key's latest; otherwise it is now the running latest.
   */
  follow(key: K, seq: number): boolean {
    if (this.isStale({ key, seq })) return false;
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.begin(key, seq, undefined);
    return true;
  }

  /** Whether a reply of this request is stale: a newer request of its key has started or settled. */
  isStale(ref: RequestRef<K>): boolean {
    return ref.seq < this.latest(ref.key);
  }

  /** The number of the key's latest request; -Infinity before the first. */
  latest(key: K): number {
    return this.entries.get(key)?.latest ?? -Infinity;
  }

  /** Whether this request is its key's latest and has not been settled. */
  isRunning(ref: RequestRef<K>): boolean {
    return this.entries.get(ref.key)?.running?.ticket.seq === ref.seq;
  }

  /** Whether some request of the key has not been settled. */
  busy(key: K): boolean {
    return (this.entries.get(key)?.running ?? null) !== null;
  }

  /**
   * A request's answer arrived: false if it is stale (drop it); otherwise true, and the request is the
   * key's latest and no longer runs (a newer number supersedes the one running: its start was missed).
   */
  settle(ref: RequestRef<K>): boolean {
    if (this.isStale(ref)) return false;
    const entry = this.entry(ref.key);
    const previous = entry.running;
    entry.latest = ref.seq;
    this.release(ref.key, entry);
    if (previous && previous.ticket.seq !== ref.seq) this.end(previous, 'superseded');
    return true;
  }

  /**
   * A request failed: true, and it no longer runs, only if it is the key's running latest. A failure of any
   * other request (superseded, settled, or never started here) is the caller's to judge.
   */
  fail(ref: RequestRef<K>): boolean {
    const entry = this.entries.get(ref.key);
    if (!entry || entry.running?.ticket.seq !== ref.seq) return false;
    this.release(ref.key, entry);
    return true;
  }

  /**
   * Cancels the key's running request: its signal aborts. It still counts as running until its owner
   * settles it, since the work may take a moment to stop. False if none runs.
   */
  cancel(key: K): boolean {
    const running = this.entries.get(key)?.running;
    if (!running) return false;
    this.end(running, 'cancelled');
    return true;
  }

  cancelAll(): void {
    // a listener of an aborting signal may settle its request, and so change the entries: a copy
    const running = [...this.entries.values()].flatMap((e) => (e.running ? [e.running] : []));
    for (const r of running) this.end(r, 'cancelled');
  }

  private begin(key: K, seq: number, deadlineMs: number | undefined): Ticket<K> {
    const entry = this.entry(key);
    const previous = entry.running;
    const controller = new AbortController();
    const ticket: Ticket<K> = { key, seq, signal: controller.signal };
    const running: Running<K> = { ticket, controller, timer: undefined };
    if (deadlineMs !== undefined) running.timer = setTimeout(() => this.end(running, 'deadline'), deadlineMs);
    entry.latest = seq;
    entry.running = running;
    // last, once the new request is in place: the old one's abort listeners may call back in here
    if (previous) this.end(previous, 'superseded');
    return ticket;
  }

  private entry(key: K): Entry<K> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { latest: -Infinity, running: null };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Aborts a request's signal; the state must already be as it should be, since listeners run at once. */
  private end(running: Running<K>, reason: EndReason): void {
    clearTimeout(running.timer);
    running.timer = undefined;
    if (!running.controller.signal.aborted) running.controller.abort(new RequestEnded(reason));
  }

  private release(key: K, entry: Entry<K>): void {
    if (entry.running) clearTimeout(entry.running.timer);
    entry.running = null;
    if (this.options.forget) this.entries.delete(key);
  }
}

/**
 * Runs `attempt` again while the other side refuses it for now (`refused`, e.g. an engine at its cap of
 * requests), backing off from 50 ms to 1 s, until it is taken, the signal aborts, or `waitMs` has passed;
 * then the last refusal is thrown. A request that is superseded or cancelled while it waits stops waiting
 * at its next try.
 */
export async function retryWhileRefused<T>(
  attempt: () => Promise<T>,
  refused: (error: unknown) => boolean,
  { signal, waitMs }: { signal: AbortSignal; waitMs: number },
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1000)) {
    try {
      return await attempt();
    } catch (e) {
      if (!refused(e) || signal.aborted || Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, delayMs));
  }
}
