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
 * The requests themselves (deadlines, supersede, cancels, the watchdog, reading replies) live in
 * engine-requests.ts; the shared types and deadlines in engine-client-options.ts.
 * No `vscode` import: unit tests drive it with the real engine host and with fake ones.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type {
  LoadParams,
  LoadResult,
  PreviewParams,
  PreviewResultMessage,
  SummarizeParams,
  SummaryResult,
} from '../engine/extension-api';
import { DEFAULT_TIMEOUTS, EngineError } from './engine-client-options';
import type { ClientState, EngineClientOptions, RequestHandlers, Timeouts } from './engine-client-options';
import { RequestTable } from './engine-requests';

// The client's callers import these from here.
export { DEFAULT_TIMEOUTS, EngineError } from './engine-client-options';
export type { ClientState, EngineClientOptions, RequestHandlers, Timeouts } from './engine-client-options';

/** Restarting more often than this is a crash loop: stop and report instead. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 120_000;

const stopped = () => new EngineError('CANCELLED', 'The engine was stopped.');

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
  private crashes: number[] = [];
  private restartAt = 0;
  private backoff: { timer: ReturnType<typeof setTimeout>; wake: () => void } | null = null;
  private _state: ClientState = 'stopped';
  private _info: LoadResult | null = null;
  private readonly t: Timeouts;
  private readonly requests: RequestTable;

  constructor(private options: EngineClientOptions) {
    this.t = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.requests = new RequestTable(this.t, {
      current: () => this.child,
      accepts: (child) => child === this.child && !this.ended.has(child),
      write: (child, message) => this.write(child, message),
      stuck: (child, why, restart) => this.stuck(child, why, restart),
      log: (line) => this.options.log?.(line),
    });
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
    this.requests.cancel(supersede);
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
    this.requests.rejectAll(child, error);
    if (this.child !== child) return; // an engine already replaced
    this.child = null;
    this.loaded = null;
    this._info = null;
    this.requests.forgetEngine();
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
    return this.requests.send(child, method, params, handlers, timeoutMs);
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
    this.requests.receive(line);
  }
}
