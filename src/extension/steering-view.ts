/**
 * The "Steering" view: sliders over the objectives, live re-summarizing of the current selection or file,
 * and the trade-off preview. The latest slider position wins: each new request supersedes the running one.
 * It owns the view's state (view-state.ts): the webview gets it in `init` and sends the user's changes here.
 */
import * as vscode from 'vscode';
import {
  parseFromWebview,
  type FromWebview,
  type ObjectiveInfo,
  type SummaryView,
  type ToWebview,
  type WeightRecord,
} from '../common/messages';
import { RequestLifecycle, retryWhileRefused, type Ticket } from '../common/request-lifecycle';
import { normaliseWeights, spreadWeights, type Manifest } from '../engine/extension-api';
import type { EngineClient, EngineError } from './engine-client';
import { deliver } from './output';
import { sourceFromEditor, type Source } from './source';
import type { Summarizer } from './summarizer';
import { ViewStateStore } from './view-state';
import { WebviewViewBase } from './webview-view-base';

export const STEERING_VIEW_ID = 'steer.steering';
/** The view's one key: a summary and a preview supersede each other, in the view and in the engine. */
const SUPERSEDE = 'steering-view';

export interface SteeringViewDeps {
  extensionUri: vscode.Uri;
  memento: vscode.Memento;
  manifest: () => Manifest;
  defaultWeights: () => WeightRecord;
  liveDebounceMs: () => number;
  summarizer: Summarizer;
  client: EngineClient;
  log: (line: string) => void;
}

/** A summary or preview of the view, as latest() runs it. */
interface ViewRequest<T> {
  /** The webview's message that it started. */
  start: (requestId: number) => ToWebview;
  work: (ticket: Ticket<typeof SUPERSEDE>) => Promise<T>;
  /** Keeps the result in the view's state and shows it. */
  done: (result: T, requestId: number) => void;
}

export class SteeringView extends WebviewViewBase<ToWebview, FromWebview> {
  private readonly store: ViewStateStore;
  private editor: vscode.TextEditor | undefined;
  /** The view's requests; their numbers are the request ids the webview sees. */
  private readonly requests = new RequestLifecycle<typeof SUPERSEDE>();
  private sourceTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners: vscode.Disposable[] = [];

  constructor(private readonly deps: SteeringViewDeps) {
    super(
      deps.extensionUri,
      { title: 'Steering', script: 'dist/webview/steering.js', styles: ['media/steering.css'] },
      deps.log,
    );
    this.store = new ViewStateStore(deps);
    this.editor = usable(vscode.window.activeTextEditor);
    this.listeners.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        const editor = usable(e);
        if (editor) this.trackEditor(editor);
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.editor) this.postSourceSoon();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.editor?.document) this.postSourceSoon();
      }),
      { dispose: () => clearTimeout(this.sourceTimer) },
    );
  }

  /** Weights currently on the sliders (none while the model cannot be read: the engine reports why). */
  get weights(): WeightRecord {
    return this.store.weights;
  }

  protected parse(message: unknown): FromWebview | null {
    return parseFromWebview(
      message,
      this.deps.manifest().objectives.map((o) => o.id),
    );
  }

  protected async onMessage(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.sendInit();
        return;
      case 'weightsChanged':
        this.store.update({ weights: m.weights });
        if (m.live) await this.summarize();
        return;
      case 'summarize':
        this.store.update({ weights: m.weights });
        await this.summarize();
        return;
      case 'preview':
        this.store.update({ previewCount: m.count });
        await this.preview();
        return;
      case 'setPreviewCount':
        this.store.update({ previewCount: m.count });
        return;
      case 'setLive':
        this.store.update({ live: m.live });
        return;
      case 'cancel':
        this.requests.cancel(SUPERSEDE);
        return;
      case 'action':
        await this.act(m.action, m.summaryId);
        return;
    }
  }

  /** Sets the sliders (a preset from the command palette) and summarizes when live. */
  async setWeights(weights: WeightRecord): Promise<void> {
    const w = normaliseWeights(this.deps.manifest().objectives, weights).record;
    this.store.update({ weights: w });
    this.post({ type: 'setWeights', weights: w });
    if (this.store.state.live) await this.summarize();
  }

  /** The trade-off preview of the current source (from the command palette). */
  preview(): Promise<SummaryView[] | null> {
    return this.latest('preview', (source) => {
      const { previewCount, weights } = this.store.state;
      const weightsList = spreadWeights(this.deps.manifest().objectives, previewCount, weights);
      return {
        start: (requestId) => ({ type: 'previewStart', requestId, weightsList }),
        work: ({ signal }) =>
          this.deps.summarizer.preview(source, weightsList, { signal, supersede: SUPERSEDE }),
        done: (items, requestId) => {
          this.store.update({ previews: items });
          this.post({ type: 'previewDone', requestId, items });
        },
      };
    });
  }

  /** Summarizes the current source with the sliders' weights; null when superseded, cancelled or failed. */
  summarize(): Promise<SummaryView | null> {
    return this.latest('summary', (source) => {
      const weights = this.store.state.weights;
      return {
        start: (requestId) => ({ type: 'summaryStart', requestId, weights }),
        work: ({ seq: requestId, signal }) =>
          this.deps.summarizer.summarize(source, weights, {
            signal,
            supersede: SUPERSEDE,
            onText: (text) => this.post({ type: 'summaryText', requestId, text }),
          }),
        done: (summary, requestId) => {
          this.store.update({ summary });
          this.post({ type: 'summaryDone', requestId, summary });
        },
      };
    });
  }

  postStatus(): void {
    const c = this.deps.client;
    const state =
      c.state === 'ready'
        ? 'ready'
        : c.state === 'failed'
          ? 'error'
          : c.state === 'stopped'
            ? 'stopped'
            : 'loading';
    this.post({
      type: 'status',
      status: {
        state: this.requests.busy(SUPERSEDE) && state === 'ready' ? 'busy' : state,
        ...(c.info ? { device: c.info.device } : {}),
      },
    });
  }

  override dispose(): void {
    this.requests.cancelAll();
    for (const l of this.listeners) l.dispose();
    super.dispose();
  }

  /**
   * Runs a request of the view on the current source: it supersedes the running one, summary or preview,
   * waits while the engine is busy, and shows its outcome with `done`. A failure (superseded, cancelled or
   * an error) goes to fail() and gives null. A result is shown even when a request of the other kind has
   * superseded it meanwhile: the webview keeps the latest of each kind.
   */
  private async latest<T>(
    kind: 'summary' | 'preview',
    make: (source: Source) => ViewRequest<T>,
  ): Promise<T | null> {
    const source = this.currentSource();
    if (!source) return this.noSource(kind);
    const request = make(source);
    const ticket = this.requests.start(SUPERSEDE);
    this.postStatus();
    this.post(request.start(ticket.seq));
    try {
      const result = await retryWhileRefused(() => request.work(ticket), isBusy, {
        signal: ticket.signal,
        waitMs: BUSY_WAIT_MS,
      });
      request.done(result, ticket.seq);
      // the view is idle again once its latest request ends
      if (this.requests.settle(ticket)) this.postStatus();
      return result;
    } catch (e) {
      this.fail(kind, ticket, e);
      return null;
    }
  }

  private fail(kind: 'summary' | 'preview', ticket: Ticket<typeof SUPERSEDE>, e: unknown): void {
    const cancelled = (e as Partial<EngineError>).cancelled === true;
    const message = e instanceof Error ? e.message : String(e);
    if (!cancelled) this.deps.log(`steering view: ${message}`);
    this.post({ type: 'requestFailed', kind, requestId: ticket.seq, message, cancelled });
    if (this.requests.fail(ticket)) this.postStatus();
  }

  private noSource(kind: 'summary' | 'preview'): null {
    const id = this.requests.next();
    this.post({
      type: 'requestFailed',
      kind,
      requestId: id,
      message: 'Open a file or select some text to summarize.',
      cancelled: false,
    });
    return null;
  }

  private async act(
    action: 'insert' | 'replace' | 'copy' | 'openDocument',
    summaryId: number,
  ): Promise<void> {
    const stored = this.deps.summarizer.get(summaryId);
    if (!stored) {
      void vscode.window.showWarningMessage('Steer: that summary is no longer available; summarize again.');
      return;
    }
    const how =
      action === 'insert'
        ? 'insertBelow'
        : action === 'copy'
          ? 'clipboard'
          : action === 'openDocument'
            ? 'newDocument'
            : 'replace';
    try {
      await deliver(stored.view.text, stored.source, how);
    } catch (e) {
      void vscode.window.showWarningMessage(`Steer: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private trackEditor(editor: vscode.TextEditor): void {
    this.editor = editor;
    this.postSource();
  }

  private currentSource(): Source | null {
    const editor = this.editor;
    if (!editor || editor.document.isClosed) return null;
    const source = sourceFromEditor(editor);
    return source.text.trim().length > 0 ? source : null;
  }

  /** Typing and selecting fire per keystroke; the source line (a word count of the text) follows once they pause. */
  private postSourceSoon(): void {
    clearTimeout(this.sourceTimer);
    this.sourceTimer = setTimeout(() => this.postSource(), 250);
  }

  private postSource(): void {
    const s = this.currentSource();
    this.post({ type: 'source', source: s ? { label: s.label, words: s.words } : null });
  }

  private sendInit(): void {
    const m = this.deps.manifest();
    const objectives: ObjectiveInfo[] = m.objectives.map((o) => ({
      id: o.id,
      label: o.label,
      description: o.description,
    }));
    this.post({
      type: 'init',
      modelName: m.id,
      objectives,
      presets: Object.entries(m.presets).map(([name, weights]) => ({ name, weights })),
      state: this.store.state,
      liveDebounceMs: this.deps.liveDebounceMs(),
    });
    this.postSource();
    this.postStatus();
  }
}

/**
 * How long the view's latest request waits for the engine to take it. A slider moving many times a second
 * supersedes request after request; the engine stops each at its next step, but until then they count
 * against its cap, and the latest position's request, refused with BUSY, would leave the view on an error.
 * It waits instead (unless superseded or cancelled: then the request rejects with CANCELLED).
 */
const BUSY_WAIT_MS = 30_000;
const isBusy = (e: unknown): boolean => (e as Partial<EngineError>).code === 'BUSY';

/** Editors whose text can be summarized (not our own summary documents or output panes). */
function usable(e: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  if (!e) return undefined;
  // a notebook cell too: otherwise the view would go on summarizing the file that was active before it
  return ['file', 'untitled', 'vscode-remote', 'vscode-userdata', 'vscode-notebook-cell'].includes(
    e.document.uri.scheme,
  )
    ? e
    : undefined;
}
