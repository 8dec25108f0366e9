/**
 * What the engine client's callers and its parts share: the client's states, the error every failed request
 * rejects with, a request's handlers, and the supervisor's deadlines. Kept apart from the client so that
 * the request table (engine-requests.ts) and the supervisor (engine-client.ts) read the same definitions.
 */
import type { LoadParams, LoadResult, ProgressEvent, TokenEvent } from '../engine/extension-api';

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

/** A duration for a message to the user: "2.5 s". */
export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
