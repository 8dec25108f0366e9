/**
 * The engine process: serves the protocol of protocol.ts for the VS Code extension (which keeps onnxruntime
 * out of its extension host). One model at a time; requests run concurrently and each can be cancelled.
 */
import { createInterface } from 'node:readline';
import { RequestLifecycle, type Ticket } from '../common/request-lifecycle';
import { SteerError, errorMessage, throwIfAborted } from './errors';
import { loadModel, type Model } from './model';
import {
  BadRequest,
  MAX_CONCURRENT_REQUESTS,
  parseRequest,
  type Outgoing,
  type PreviewResultMessage,
  type Request,
  type RequestId,
  type SummarizeResult,
} from './protocol';
import { previewDetailed, summarize, type SummarizeOptions } from './summarize';

/** What a summary or a preview reports back while it runs, and the signal that cancels it. */
type GenerationEvents = Pick<SummarizeOptions, 'signal' | 'onProgress' | 'onToken'>;

export class EngineHost {
  private model: Model | null = null;
  private loading: Promise<Model> | null = null;
  /** Summaries and previews by request id: a request that reuses a running one's id supersedes it. */
  private readonly running = new RequestLifecycle<RequestId>({ forget: true });

  constructor(
    private readonly send: (message: Outgoing) => void,
    private readonly onShutdown: () => void = () => undefined,
  ) {}

  /** Handles one line of input; never throws. Resolves when the request has been answered. */
  async handleLine(line: string): Promise<void> {
    if (line.trim().length === 0) return;
    let request: Request;
    try {
      request = parseRequest(JSON.parse(line));
    } catch (e) {
      const id = idOf(line);
      this.send({
        id,
        error: {
          code: 'BAD_REQUEST',
          message: e instanceof BadRequest ? e.message : `invalid JSON: ${errorMessage(e)}`,
        },
      });
      return;
    }
    try {
      await this.handle(request);
    } catch (e) {
      this.send({ id: request.id, error: toErrorBody(e) });
    }
  }

  private async ready(): Promise<Model> {
    if (this.loading) return this.loading;
    if (this.model) return this.model;
    throw new SteerErrorNoModel();
  }

  private async handle(request: Request): Promise<void> {
    switch (request.method) {
      case 'load': {
        const previous = this.model;
        this.loading = loadModel(request.params.dir, request.params);
        let m: Model;
        try {
          m = await this.loading;
        } finally {
          this.loading = null;
        }
        this.model = m;
        await previous?.dispose();
        this.send({
          id: request.id,
          result: {
            id: m.id,
            device: m.device,
            deviceNote: m.deviceNote,
            graph: m.graph,
            batchInvariant: m.batchInvariant,
            loadMs: m.loadMs,
            manifest: m.manifest,
          },
        });
        return;
      }
      case 'summarize': {
        const { text, weights, stream, ...rest } = request.params;
        await this.generate(request.id, stream !== false, (model, events) =>
          summarize(model, text, {
            reuseSummaries: true,
            ...rest,
            ...(weights ? { weights } : {}),
            ...events,
          }),
        );
        return;
      }
      case 'preview': {
        const { text, weightsList, stream, ...rest } = request.params;
        await this.generate(request.id, stream === true, (model, events) =>
          previewDetailed(model, text, weightsList, { reuseSummaries: true, ...rest, ...events }),
        );
        return;
      }
      case 'cancel': {
        const cancelled = this.running.cancel(request.params.id);
        this.send({ id: request.id, result: { cancelled } });
        return;
      }
      case 'shutdown': {
        this.running.cancelAll();
        await this.model?.dispose();
        this.model = null;
        this.send({ id: request.id, result: null });
        this.onShutdown();
        return;
      }
    }
  }

  /**
   * Runs a summary or a preview and answers with its result. It is tracked before any await, so that a
   * cancel sent right behind the request finds it; its progress, and its tokens when `stream`, go out as
   * events.
   */
  private async generate(
    id: RequestId,
    stream: boolean,
    run: (model: Model, events: GenerationEvents) => Promise<SummarizeResult | PreviewResultMessage>,
  ): Promise<void> {
    const ticket = this.track(id);
    try {
      const model = await this.ready();
      throwIfAborted(ticket.signal);
      const result = await run(model, {
        signal: ticket.signal,
        onProgress: (data) => this.send({ id, event: 'progress', data }),
        ...(stream ? { onToken: (data) => this.send({ id, event: 'token', data }) } : {}),
      });
      this.send({ id, result });
    } finally {
      // a superseded request's end leaves its successor under the same id running
      this.running.settle(ticket);
    }
  }

  /** A cancelled request counts against the cap until it has stopped: it still holds the model's time. */
  private track(id: RequestId): Ticket<RequestId> {
    if (this.running.size >= MAX_CONCURRENT_REQUESTS && !this.running.busy(id)) throw new Busy();
    return this.running.start(id);
  }

  async close(): Promise<void> {
    this.running.cancelAll();
    await this.model?.dispose();
    this.model = null;
  }
}

class SteerErrorNoModel extends Error {
  readonly code = 'NO_MODEL';
  constructor() {
    super('No model is loaded: send a "load" request first.');
  }
}

class Busy extends Error {
  readonly code = 'BUSY';
  constructor() {
    super(`The engine is already running ${MAX_CONCURRENT_REQUESTS} requests; try again when one ends.`);
  }
}

function toErrorBody(e: unknown): { code: string; message: string } {
  if (e instanceof SteerError || e instanceof SteerErrorNoModel || e instanceof Busy)
    return { code: e.code, message: e.message };
  if (e instanceof BadRequest) return { code: 'BAD_REQUEST', message: e.message };
  return { code: 'INTERNAL', message: errorMessage(e) };
}

function idOf(line: string): RequestId | null {
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v === 'object' && v !== null && 'id' in v) {
      const id = (v as { id: unknown }).id;
      if (typeof id === 'string' || typeof id === 'number') return id;
    }
  } catch {
    // not JSON
  }
  return null;
}

/** Serves the protocol on stdin/stdout until stdin closes or a shutdown request arrives. */
export function serveStdio(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  const host = new EngineHost(
    (message) => output.write(`${JSON.stringify(message)}\n`),
    () => lines.close(),
  );
  const pending = new Set<Promise<void>>();
  return new Promise((resolve) => {
    lines.on('line', (line) => {
      const p = host.handleLine(line).finally(() => pending.delete(p));
      pending.add(p);
    });
    lines.on('close', () => {
      void Promise.allSettled([...pending])
        .then(() => host.close())
        .then(resolve);
    });
  });
}
