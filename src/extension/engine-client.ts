/**
 * The extension's side of the engine process (dist/engine-host.js, protocol in src/engine/protocol.ts).
 * onnxruntime runs in that child process so that inference never blocks the extension host's thread.
 *
 * The client is the process's supervisor:
 * - at most one engine process runs at a time, and `stop()` ends every process it ever started;
 * - loading has a deadline, every request has one, and a watchdog takes an engine that says nothing for
 *   too long while requests are outstanding for stuck: it is killed and restarted;
 * - a cancelled request (abort signal, supersede, `cancel()`) is rejected at once; the engine is asked to
 *   stop it, and if it has not within a grace period it is taken for stuck as well;
 * - after a crash the process is restarted with exponential backoff; more than three crashes in two
 *   minutes stop the automatic restarts until the next request.
 * No `vscode` import: unit tests drive it with the real engine host and with fake ones.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type {
  LoadParams,
  LoadResult,
  PreviewParams,
  PreviewResultMessage,
  ProgressEvent,
  RequestId,
  SummarizeParams,
  SummaryResult,
  TokenEvent,
} from '../engine/extension-api';

export type ClientState = 'stopped' | 'starting' | 'loading' | 'ready' | 'failed';

export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    /** An engine error code (MODEL_NOT_FOUND, ...), or CANCELLED, TIMEOUT, ENGINE_EXITED. */
    readonly code: string,
    message: string,
    /** The supervisor has told the user already (onCrash): whoever catches it need not say it again. */
    readonly reported = false,
  ) {
    super(message);
  }
  get cancelled(): boolean {
    return this.code === 'CANCELLED';
  }
}

export interface RequestHandlers {
  onToken?: (event: TokenEvent) => void;
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting rejects the request at once with code CANCELLED and cancels it in the engine. */
  signal?: AbortSignal;
  /**
   * Requests sharing a key supersede each other: starting one cancels the previous (the slider's latest
   * position wins).
   */
  supersede?: string;
}

/** Deadlines and delays of the supervisor, in milliseconds. */
export interface Timeouts {
  /** Starting the process and loading the model. */
  loadMs: number;
  /** One summary or preview, from sending it to its answer. */
  requestMs: number;
  /** Silence: no line at all from the engine while a request is outstanding. */
  idleMs: number;
  /** How long a cancelled request may take to stop before the engine is taken for stuck. */
  cancelGraceMs: number;
  /** A polite shutdown, before the process is killed. */
  shutdownMs: number;
  /** The first restart delay after a crash; it doubles with each crash in the window, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  loadMs: 180_000,
  requestMs: 900_000,
  idleMs: 120_000,
  cancelGraceMs: 5_000,
  shutdownMs: 3_000,
  backoffMs: 500,
  maxBackoffMs: 30_000,
};

export interface EngineClientOptions {
  /** Path of dist/engine-host.js. */
  hostScript: string;
  load: LoadParams;
  log?: (line: string) => void;
  onState?: (state: ClientState, detail?: LoadResult) => void;
  /** Called once per unexpected exit (or a stuck engine killed), before the process is restarted. */
  onCrash?: (message: string) => void;
  timeouts?: Partial<Timeouts>;
}

interface Pending {
  method: string;
  child: ChildProcess;
  resolve: (value: unknown) => void;
  reject: (error: EngineError) => void;
  handlers: RequestHandlers;
  timer: ReturnType<typeof setTimeout>;
}

/** Restarting more often than this is a crash loop: stop and report instead. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 120_000;

const stopped = () => new EngineError('CANCELLED', 'The engine was stopped.');
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class EngineClient {
  private child: ChildProcess | null = null;
  /** Every process started and not yet exited (normally just `child`). */
  private readonly alive = new Set<ChildProcess>();
  private readonly exits = new WeakMap<ChildProcess, Promise<void>>();
  /** Processes this client ended on purpose (stop, replace) or killed as stuck (with the reason). */
  private readonly ended = new WeakMap<ChildProcess, { stuck: string | null; restart: boolean }>();
  private loaded: Promise<LoadResult> | null = null;
  private loadSeq = 0;
  /** Bumped by stop(): loads begun before it must not start processes after it. */
  private epoch = 0;
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  /** Cancelled requests the engine has not answered yet, with the timer that declares it stuck. */
  private readonly draining = new Map<RequestId, ReturnType<typeof setTimeout>>();
  private readonly superseding = new Map<string, RequestId>();
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private crashes: number[] = [];
  private restartAt = 0;
  private backoff: { timer: ReturnType<typeof setTimeout>; wake: () => void } | null = null;
  private _state: ClientState = 'stopped';
  private _info: LoadResult | null = null;
  private readonly t: Timeouts;

  constructor(private options: EngineClientOptions) {
    this.t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  get state(): ClientState {
    return this._state;
  }

  /** The loaded model (device, manifest), once loaded. */
  get info(): LoadResult | null {
    return this._info;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Engine processes started by this client that are still running (at most one but while replacing). */
  get processCount(): number {
    return this.alive.size;
  }

  /** Starts the process and loads the model once; concurrent callers share the same load. */
  ensureLoaded(): Promise<LoadResult> {
    if (!this.loaded) {
      const p = this.startAndLoad(this.epoch);
      this.loaded = p;
      p.catch(() => {
        if (this.loaded === p) this.loaded = null; // the next request tries again
      });
    }
    return this.loaded;
  }

  /** New load settings (model path, device): the next request restarts the process with them. */
  async reconfigure(load: LoadParams): Promise<void> {
    this.options = { ...this.options, load };
    await this.stop();
  }

  async summarize(params: SummarizeParams, handlers: RequestHandlers = {}): Promise<SummaryResult> {
    await this.loadedFor(handlers.signal);
    return (await this.request('summarize', params, handlers, this.t.requestMs)) as SummaryResult;
  }

  async preview(params: PreviewParams, handlers: RequestHandlers = {}): Promise<PreviewResultMessage> {
    await this.loadedFor(handlers.signal);
    return (await this.request('preview', params, handlers, this.t.requestMs)) as PreviewResultMessage;
  }

  /** Cancels the request running under a supersede key, if any: it rejects at once with CANCELLED. */
  cancel(supersede: string): void {
    const id = this.superseding.get(supersede);
    if (id !== undefined) this.abandon(id, new EngineError('CANCELLED', 'Cancelled.'));
  }

  /** Shuts every engine process down (politely, then by force); pending requests reject with CANCELLED. */
  async stop(): Promise<void> {
    this.epoch++;
    this.loaded = null;
    this._info = null;
    this.restartAt = 0;
    this.crashes = [];
    if (this.backoff) {
      clearTimeout(this.backoff.timer);
      this.backoff.wake();
      this.backoff = null;
    }
    const all = [...this.alive];
    await Promise.all(all.map((c) => this.terminate(c, true)));
    this.setState('stopped');
  }

  private setState(state: ClientState, detail?: LoadResult): void {
    this._state = state;
    this.options.onState?.(state, detail);
  }

  /** The model, or CANCELLED as soon as the signal fires while it loads (the load goes on). */
  private loadedFor(signal: AbortSignal | undefined): Promise<LoadResult> {
    if (!signal) return this.ensureLoaded();
    if (signal.aborted) return Promise.reject(new EngineError('CANCELLED', 'Cancelled.'));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new EngineError('CANCELLED', 'Cancelled.'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.ensureLoaded()
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async startAndLoad(epoch: number): Promise<LoadResult> {
    const seq = ++this.loadSeq;
    const wait = this.restartAt - Date.now();
    if (wait > 0) {
      this.setState('starting');
      await new Promise<void>((wake) => {
        this.backoff = { timer: setTimeout(wake, wait), wake };
      });
      this.backoff = null;
    }
    if (this.child) await this.terminate(this.child, true); // never two engines
    if (epoch !== this.epoch) throw stopped();
    const child = this.spawn();
    this.setState('loading');
    try {
      const info = (await this.request('load', this.options.load, {}, this.t.loadMs)) as LoadResult;
      if (this.child !== child) throw new EngineError('ENGINE_EXITED', 'The engine was replaced.');
      this._info = info;
      this.setState('ready', info);
      return info;
    } catch (e) {
      if (seq === this.loadSeq && epoch === this.epoch) this.setState('failed');
      throw e;
    }
  }

  private spawn(): ChildProcess {
    this.setState('starting');
    // ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath is Electron, which must behave as Node here.
    const child = fork(this.options.hostScript, [], {
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    this.alive.add(child);
    let exited = false;
    let markExited: () => void = () => undefined;
    this.exits.set(child, new Promise<void>((resolve) => (markExited = resolve)));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      markExited();
      this.exited(child, code, signal);
    };
    // writing to a process that has just died fails asynchronously (EPIPE): not an extension host error
    child.stdin?.on('error', (e) => this.options.log?.(`engine input: ${e.message}`));
    createInterface({ input: child.stdout! }).on('line', (line) => this.receive(child, line));
    createInterface({ input: child.stderr! }).on('line', (line) => this.options.log?.(line));
    child.on('error', (e) => {
      this.options.log?.(`engine process error: ${e.message}`);
      if (child.pid === undefined) onExit(null, null); // it never started: no exit event follows
    });
    child.on('exit', onExit);
    return child;
  }

  /** Ends a process on purpose (its pending requests reject with CANCELLED), and waits for its exit. */
  private async terminate(child: ChildProcess, polite: boolean): Promise<void> {
    if (!this.alive.has(child)) return;
    if (!this.ended.has(child)) this.ended.set(child, { stuck: null, restart: false });
    const exit = this.exits.get(child);
    if (polite) this.write(child, { id: 'shutdown', method: 'shutdown', params: {} });
    const timer = setTimeout(() => child.kill('SIGKILL'), polite ? this.t.shutdownMs : 0);
    await exit;
    clearTimeout(timer);
  }

  /** A stuck engine: killed, and (unless it never loaded) restarted like after a crash. */
  private stuck(child: ChildProcess, why: string, restart = true): void {
    if (!this.alive.has(child) || this.ended.has(child)) return;
    this.options.log?.(`engine stuck (${why}): killing process ${child.pid}`);
    this.ended.set(child, { stuck: why, restart });
    child.kill('SIGKILL');
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.alive.delete(child);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const ended = this.ended.get(child);
    // onCrash below tells the user about this exit and the summary it cost: one message, not two
    const reported = this.child === child && (!ended || ended.restart);
    const error = !ended
      ? new EngineError('ENGINE_EXITED', `The engine process stopped unexpectedly (${how}).`, reported)
      : ended.stuck
        ? new EngineError(
            'TIMEOUT',
            `The engine stopped responding (${ended.stuck}) and was restarted.`,
            reported,
          )
        : stopped();
    for (const [id, p] of this.pending) if (p.child === child) this.settle(id, p, () => p.reject(error));
    if (this.child !== child) return; // an engine already replaced
    this.child = null;
    this.loaded = null;
    this._info = null;
    for (const timer of this.draining.values()) clearTimeout(timer);
    this.draining.clear();
    this.superseding.clear();
    this.armWatchdog();
    if (ended && !ended.restart) {
      // ended on purpose, or a load that never finished (its request has the error; the next one retries)
      this.setState(ended.stuck ? 'failed' : 'stopped');
      return;
    }
    this.setState('stopped');
    const what = ended?.stuck
      ? `stopped responding (${ended.stuck}) and was killed`
      : `stopped unexpectedly (${how})`;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length > MAX_CRASHES) {
      this.setState('failed');
      this.options.onCrash?.(
        `Steer's engine ${what}, ${this.crashes.length} times in two minutes; ` +
          'it will start again on the next summary. See the "Steer" output for details.',
      );
      this.crashes = [];
      this.restartAt = 0;
      return;
    }
    const delay = Math.min(this.t.backoffMs * 2 ** (this.crashes.length - 1), this.t.maxBackoffMs);
    this.restartAt = now + delay;
    this.options.onCrash?.(`Steer's engine ${what} and is restarting; the summary in progress was lost.`);
    void this.ensureLoaded().catch(() => undefined);
  }

  private request(
    method: string,
    params: object,
    handlers: RequestHandlers,
    timeoutMs: number,
  ): Promise<unknown> {
    const child = this.child;
    if (!child || !this.alive.has(child) || this.ended.has(child))
      return Promise.reject(new EngineError('ENGINE_EXITED', 'The engine is not running.'));
    const { signal, supersede } = handlers;
    if (signal?.aborted) return Promise.reject(new EngineError('CANCELLED', 'Cancelled.'));
    const id = this.nextId++;
    if (supersede !== undefined) {
      const previous = this.superseding.get(supersede);
      if (previous !== undefined)
        this.abandon(previous, new EngineError('CANCELLED', 'Superseded by a newer request.'));
      this.superseding.set(supersede, id);
    }
    const onAbort = () => this.abandon(id, new EngineError('CANCELLED', 'Cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (supersede !== undefined && this.superseding.get(supersede) === id)
        this.superseding.delete(supersede);
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.timedOut(id), timeoutMs);
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
        timer,
      });
      this.write(child, { id, method, params });
      this.armWatchdog(true);
    });
  }

  private settle(id: RequestId, p: Pending, how: () => void): void {
    this.pending.delete(id);
    clearTimeout(p.timer);
    how();
  }

  /**
   * Gives up on a request: it rejects now, the engine is asked to cancel it, and must answer within the
   * grace period or be taken for stuck.
   */
  private abandon(id: RequestId, error: EngineError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.settle(id, p, () => p.reject(error));
    if (p.child !== this.child || this.ended.has(p.child)) return;
    this.write(p.child, { id: `cancel-${id}`, method: 'cancel', params: { id } });
    const child = p.child;
    this.draining.set(
      id,
      setTimeout(
        () => this.stuck(child, `a cancelled request did not stop within ${seconds(this.t.cancelGraceMs)}`),
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
      this.stuck(p.child, `no model after ${seconds(this.t.loadMs)}`, false);
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
        if (this.child) this.stuck(this.child, `no answer for ${seconds(this.t.idleMs)}`);
      }, this.t.idleMs);
  }

  private write(child: ChildProcess, message: object): void {
    try {
      if (child.stdin?.writable) child.stdin.write(`${JSON.stringify(message)}\n`);
    } catch (e) {
      this.options.log?.(`engine input: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private receive(child: ChildProcess, line: string): void {
    if (child !== this.child) return; // an old process's last words
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.options.log?.(line); // not protocol: a stray print
      return;
    }
    if (typeof message !== 'object' || message === null || !('id' in message)) {
      this.options.log?.(line);
      return;
    }
    this.armWatchdog(true);
    const m = message as { id: unknown; event?: unknown; data?: unknown; error?: unknown; result?: unknown };
    if (m.id === null) {
      if (isErrorBody(m.error)) this.options.log?.(`engine: ${m.error.message}`);
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
        this.options.log?.(`engine: malformed error ignored: ${line.slice(0, 200)}`);
        return;
      }
      this.settle(m.id, p, () => p.reject(new EngineError(body.code, body.message)));
    } else {
      this.settle(m.id, p, () => p.resolve(m.result));
    }
    this.armWatchdog();
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
