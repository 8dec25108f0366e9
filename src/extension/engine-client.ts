/**
 * The extension's side of the engine process (dist/engine-host.js, protocol in src/engine/protocol.ts).
 * onnxruntime runs in that child process so that inference never blocks the extension host's thread.
 * The process is started on first use, loads the model once, and is restarted if it dies.
 * No `vscode` import: unit tests drive it with the real engine host and the tiny model.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type {
  ErrorBody,
  LoadParams,
  LoadResult,
  Outgoing,
  PreviewParams,
  PreviewResultMessage,
  RequestId,
  SummarizeParams,
} from '../engine/protocol';
import type { ProgressEvent, SummaryResult, TokenEvent } from '../engine/summarize';

export type ClientState = 'stopped' | 'starting' | 'loading' | 'ready' | 'failed';

export class EngineError extends Error {
  override name = 'EngineError';
  constructor(
    readonly code: string,
    message: string,
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
  /** Aborting cancels the request in the engine; the promise then rejects with code CANCELLED. */
  signal?: AbortSignal;
  /**
   * Requests sharing a key supersede each other: starting one cancels the previous (the slider's latest
   * position wins).
   */
  supersede?: string;
}

export interface EngineClientOptions {
  /** Path of dist/engine-host.js. */
  hostScript: string;
  load: LoadParams;
  log?: (line: string) => void;
  onState?: (state: ClientState, detail?: LoadResult) => void;
  /** Called once per unexpected exit, after which the process is restarted on the next request. */
  onCrash?: (message: string) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: EngineError) => void;
  handlers: RequestHandlers;
}

/** Restarting more often than this is a crash loop: stop and report instead. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 120_000;

export class EngineClient {
  private child: ChildProcess | null = null;
  private loaded: Promise<LoadResult> | null = null;
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly superseding = new Map<string, RequestId>();
  private crashes: number[] = [];
  private stopping = false;
  private _state: ClientState = 'stopped';
  private _info: LoadResult | null = null;

  constructor(private options: EngineClientOptions) {}

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

  /** Starts the process and loads the model once; concurrent callers share the same load. */
  ensureLoaded(): Promise<LoadResult> {
    if (!this.loaded) {
      this.loaded = this.startAndLoad();
      this.loaded.catch(() => {
        this.loaded = null; // the next request tries again (e.g. after the user fixed the model path)
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
    await this.ensureLoaded();
    return (await this.request('summarize', params, handlers)) as SummaryResult;
  }

  async preview(params: PreviewParams, handlers: RequestHandlers = {}): Promise<PreviewResultMessage> {
    await this.ensureLoaded();
    return (await this.request('preview', params, handlers)) as PreviewResultMessage;
  }

  /** Cancels the request running under a supersede key, if any. */
  cancel(supersede: string): void {
    const id = this.superseding.get(supersede);
    if (id !== undefined) this.sendCancel(id);
  }

  /** Shuts the process down (politely, then by force). */
  async stop(): Promise<void> {
    const child = this.child;
    this.loaded = null;
    this._info = null;
    if (!child) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      child.stdin?.write(`${JSON.stringify({ id: 'shutdown', method: 'shutdown', params: {} })}\n`);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private setState(state: ClientState, detail?: LoadResult): void {
    this._state = state;
    this.options.onState?.(state, detail);
  }

  private async startAndLoad(): Promise<LoadResult> {
    this.spawn();
    this.setState('loading');
    try {
      const info = (await this.request('load', this.options.load, {})) as LoadResult;
      this._info = info;
      this.setState('ready', info);
      return info;
    } catch (e) {
      this.setState('failed');
      throw e;
    }
  }

  private spawn(): void {
    this.setState('starting');
    this.stopping = false;
    // ELECTRON_RUN_AS_NODE: in desktop VS Code process.execPath is Electron, which must behave as Node here.
    const child = fork(this.options.hostScript, [], {
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.receive(line));
    createInterface({ input: child.stderr! }).on('line', (line) => this.options.log?.(line));
    child.on('error', (e) => this.options.log?.(`engine process error: ${e.message}`));
    child.on('exit', (code, signal) => this.exited(child, code, signal));
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.loaded = null;
    this._info = null;
    const expected = this.stopping;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(
        expected
          ? new EngineError('CANCELLED', 'The engine was stopped.')
          : new EngineError('ENGINE_EXITED', `The engine process stopped unexpectedly (${how}).`),
      );
    }
    this.superseding.clear();
    this.setState('stopped');
    if (expected) return;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length > MAX_CRASHES) {
      this.setState('failed');
      this.options.onCrash?.(
        `Steer's engine stopped ${this.crashes.length} times in two minutes (last: ${how}); ` +
          'it will start again on the next summary. See the "Steer" output for details.',
      );
      this.crashes = [];
      return;
    }
    this.options.onCrash?.(
      `Steer's engine stopped unexpectedly (${how}) and is restarting; the summary in progress was lost.`,
    );
    void this.ensureLoaded().catch(() => undefined);
  }

  private request(method: string, params: object, handlers: RequestHandlers): Promise<unknown> {
    const child = this.child;
    if (!child?.stdin) return Promise.reject(new EngineError('ENGINE_EXITED', 'The engine is not running.'));
    const id = this.nextId++;
    const { signal, supersede } = handlers;
    if (signal?.aborted) return Promise.reject(new EngineError('CANCELLED', 'Cancelled.'));
    if (supersede !== undefined) {
      const previous = this.superseding.get(supersede);
      if (previous !== undefined) this.sendCancel(previous);
      this.superseding.set(supersede, id);
    }
    const onAbort = () => this.sendCancel(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (supersede !== undefined && this.superseding.get(supersede) === id)
        this.superseding.delete(supersede);
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
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
      child.stdin!.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  private sendCancel(id: RequestId): void {
    if (!this.pending.has(id)) return;
    this.child?.stdin?.write(`${JSON.stringify({ id: `cancel-${id}`, method: 'cancel', params: { id } })}\n`);
  }

  private receive(line: string): void {
    let message: Outgoing;
    try {
      message = JSON.parse(line) as Outgoing;
    } catch {
      this.options.log?.(line); // not protocol: a stray print
      return;
    }
    if (message.id === null) {
      if ('error' in message) this.options.log?.(`engine: ${message.error.message}`);
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) return; // replies to cancel/shutdown, or to a request that has already failed
    if ('event' in message) {
      if (message.event === 'token') p.handlers.onToken?.(message.data);
      else p.handlers.onProgress?.(message.data);
      return;
    }
    this.pending.delete(message.id);
    if ('error' in message) p.reject(toError(message.error));
    else p.resolve(message.result);
  }
}

function toError(body: ErrorBody): EngineError {
  return new EngineError(body.code, body.message);
}
