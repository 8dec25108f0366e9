/**
 * The engine client's request table: the requests sent to the engine process and not yet answered, with
 * their deadlines and the latest request per supersede key (both kept by the shared request lifecycle,
 * src/common/request-lifecycle.ts), the cancelled ones the engine still has to stop, and the watchdog that
 * takes a silent engine for stuck. It reads the engine's replies (protocol in
 * src/engine/protocol.ts) and settles each request once; what to do with a process (write to it, kill it)
 * stays with the supervisor in engine-client.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { RequestEnded, RequestLifecycle, type Ticket } from '../common/request-lifecycle';
import type { ProgressEvent, RequestId, TokenEvent } from '../engine/extension-api';
import { EngineError, seconds, type RequestHandlers, type Timeouts } from './engine-client-options';

/** What the table needs of the supervisor that owns the engine processes. */
export interface EngineProcesses {
  /** The engine process now serving requests, if any. */
  current(): ChildProcess | null;
  /** Whether a process still takes requests: it is the current one and is not being ended. */
  accepts(child: ChildProcess): boolean;
  write(child: ChildProcess, message: object): void;
  /** Kills a stuck engine; `restart` false for one that never loaded. */
  stuck(child: ChildProcess, why: string, restart?: boolean): void;
  log(line: string): void;
}

interface Pending {
  method: string;
  child: ChildProcess;
  resolve: (value: unknown) => void;
  reject: (error: EngineError) => void;
  handlers: RequestHandlers;
}

/** A request's key in the lifecycle: its supersede key, or a key of its own when it has none. */
type Key = string | symbol;

export class RequestTable {
  /** Request ids are the lifecycle's numbers; a request's deadline and supersede key are kept there. */
  private readonly lifecycle = new RequestLifecycle<Key>({ forget: true });
  private readonly pending = new Map<RequestId, Pending>();
  /** Cancelled requests the engine has not answered yet, with the timer that declares it stuck. */
  private readonly draining = new Map<RequestId, ReturnType<typeof setTimeout>>();
  private watchdog: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly t: Timeouts,
    private readonly processes: EngineProcesses,
  ) {}

  /** Sends a request to `child` (which must accept requests) and resolves with the engine's result. */
  send(
    child: ChildProcess,
    method: string,
    params: object,
    handlers: RequestHandlers,
    timeoutMs: number,
  ): Promise<unknown> {
    const { signal, supersede } = handlers;
    if (signal?.aborted) return Promise.reject(new EngineError('CANCELLED', 'Cancelled.'));
    // starting it supersedes the previous request with its key, whose ticket's signal fires ended() now
    const ticket = this.lifecycle.start(supersede ?? Symbol('request'), { deadlineMs: timeoutMs });
    const id = ticket.seq;
    const onAbort = () => this.abandon(id, new EngineError('CANCELLED', 'Cancelled.'));
    const onEnded = () => this.ended(ticket);
    signal?.addEventListener('abort', onAbort, { once: true });
    ticket.signal.addEventListener('abort', onEnded, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      ticket.signal.removeEventListener('abort', onEnded);
      this.lifecycle.settle(ticket);
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        method,
        child,
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        handlers,
      });
      this.processes.write(child, { id, method, params });
      this.armWatchdog(true);
    });
  }

  /** Cancels the request running under a supersede key, if any: it rejects at once with CANCELLED. */
  cancel(supersede: string): void {
    this.lifecycle.cancel(supersede);
  }

  /** A process has exited: each of its requests rejects with `error`. */
  rejectAll(child: ChildProcess, error: EngineError): void {
    for (const [id, p] of this.pending) if (p.child === child) this.settle(id, p, () => p.reject(error));
  }

  /**
   * The current engine is gone: the cancels it still owed go with it. (Its requests were rejected by
   * rejectAll, which settled them and so freed their supersede keys.)
   */
  forgetEngine(): void {
    for (const timer of this.draining.values()) clearTimeout(timer);
    this.draining.clear();
    this.armWatchdog();
  }

  /** One line from the current engine's output: a reply, an event, or a stray print to log. */
  receive(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.processes.log(line); // not protocol: a stray print
      return;
    }
    if (typeof message !== 'object' || message === null || !('id' in message)) {
      this.processes.log(line);
      return;
    }
    this.armWatchdog(true);
    const m = message as { id: unknown; event?: unknown; data?: unknown; error?: unknown; result?: unknown };
    if (m.id === null) {
      if (isErrorBody(m.error)) this.processes.log(`engine: ${m.error.message}`);
      return;
    }
    if (typeof m.id !== 'string' && typeof m.id !== 'number') return;
    const final = !('event' in m) && ('result' in m || 'error' in m);
    const draining = this.draining.get(m.id);
    if (draining !== undefined && final) {
      clearTimeout(draining);
      this.draining.delete(m.id);
      this.armWatchdog();
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return; // replies to cancel/shutdown, or to a request that has already failed
    if ('event' in m) {
      if (typeof m.data !== 'object' || m.data === null) return;
      if (m.event === 'token') p.handlers.onToken?.(m.data as TokenEvent);
      else if (m.event === 'progress') p.handlers.onProgress?.(m.data as ProgressEvent);
      return;
    }
    if (!final) return;
    if ('error' in m) {
      const body = m.error;
      if (!isErrorBody(body)) {
        this.processes.log(`engine: malformed error ignored: ${line.slice(0, 200)}`);
        return;
      }
      this.settle(m.id, p, () => p.reject(new EngineError(body.code, body.message)));
    } else {
      this.settle(m.id, p, () => p.resolve(m.result));
    }
    this.armWatchdog();
  }

  private settle(id: RequestId, p: Pending, how: () => void): void {
    this.pending.delete(id);
    how();
  }

  /** The lifecycle ended a request: a newer one with its key started, cancel(), or its deadline passed. */
  private ended(ticket: Ticket<Key>): void {
    const reason = ticket.signal.reason instanceof RequestEnded ? ticket.signal.reason.reason : 'cancelled';
    if (reason === 'deadline') this.timedOut(ticket.seq);
    else
      this.abandon(
        ticket.seq,
        new EngineError(
          'CANCELLED',
          reason === 'superseded' ? 'Superseded by a newer request.' : 'Cancelled.',
        ),
      );
  }

  /**
   * Gives up on a request: it rejects now, the engine is asked to cancel it, and must answer within the
   * grace period or be taken for stuck.
   */
  private abandon(id: RequestId, error: EngineError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.settle(id, p, () => p.reject(error));
    if (!this.processes.accepts(p.child)) return;
    this.processes.write(p.child, { id: `cancel-${id}`, method: 'cancel', params: { id } });
    const child = p.child;
    this.draining.set(
      id,
      setTimeout(
        () =>
          this.processes.stuck(
            child,
            `a cancelled request did not stop within ${seconds(this.t.cancelGraceMs)}`,
          ),
        this.t.cancelGraceMs,
      ),
    );
    this.armWatchdog();
  }

  private timedOut(id: RequestId): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (p.method === 'load') {
      this.settle(id, p, () =>
        p.reject(
          new EngineError(
            'TIMEOUT',
            `The engine did not load the model within ${seconds(this.t.loadMs)}; it was stopped.`,
          ),
        ),
      );
      this.processes.stuck(p.child, `no model after ${seconds(this.t.loadMs)}`, false);
      return;
    }
    this.abandon(
      id,
      new EngineError(
        'TIMEOUT',
        `The ${p.method} took longer than ${seconds(this.t.requestMs)} and was stopped.`,
      ),
    );
  }

  /**
   * The watchdog runs while summaries, previews or cancels are outstanding (loads have their own
   * deadline); every line from the engine, and every new request, winds it up again.
   */
  private armWatchdog(restart = false): void {
    let outstanding = this.draining.size;
    for (const p of this.pending.values()) if (p.method !== 'load') outstanding++;
    if (outstanding === 0) {
      if (this.watchdog) clearTimeout(this.watchdog);
      this.watchdog = null;
      return;
    }
    if (this.watchdog && restart) this.watchdog.refresh();
    else if (!this.watchdog)
      this.watchdog = setTimeout(() => {
        this.watchdog = null;
        const child = this.processes.current();
        if (child) this.processes.stuck(child, `no answer for ${seconds(this.t.idleMs)}`);
      }, this.t.idleMs);
  }
}

function isErrorBody(v: unknown): v is { code: string; message: string } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { code?: unknown }).code === 'string' &&
    typeof (v as { message?: unknown }).message === 'string'
  );
}
