/**
 * Entry of the "Steering" webview (bundled as an IIFE for the browser): message handling with the extension
 * and debounced weight posting. The extension owns the view's state (weights, Live, preview size, the last
 * summary and preview): this page gets it in `init`, shows it, and sends the user's changes back; it keeps
 * no state or defaults of its own, so there is one truth and the extension restores it after a reload.
 */

import type {
  EngineStatus,
  FromWebview,
  SourceInfo,
  SummaryAction,
  SummaryView,
  ToWebview,
} from '../common/messages';
import { RequestLifecycle } from '../common/request-lifecycle';
import { fromRecord, rounded, sameWeights, toRecord } from './simplex';
import { showLoading, SteeringView, type ViewCallbacks } from './view';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;

/** What `init` set up: the view, the objectives' ids and the debounce of live posting. */
interface Page {
  view: SteeringView;
  ids: string[];
  debounceMs: number;
}
let page: Page | null = null;

type Kind = 'summary' | 'preview';

/** The last finished summary and preview, as the extension stored and sent them. */
interface Finished {
  summary: SummaryView | null;
  preview: SummaryView[];
}
let finished: Finished = { summary: null, preview: [] };
let source: SourceInfo | null = null;
let lastStatus: EngineStatus | null = null;

/**
 * The extension's requests as this page follows them, numbered by the extension: per kind, the latest
 * summary or preview and whether it still runs; the messages of older ones are dropped.
 */
const requests = new RequestLifecycle<Kind>();

let timer: ReturnType<typeof setTimeout> | undefined;
let pending: number[] | null = null;
let lastPosted: { weights: number[]; live: boolean } | null = null;

const post = (message: FromWebview): void => vscode.postMessage(message);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- weights going out ----

function sendWeights(p: Page, weights: readonly number[]): void {
  const live = p.view.isLive();
  const w = rounded(weights);
  if (lastPosted && lastPosted.live === live && sameWeights(lastPosted.weights, w, 1e-9)) return;
  lastPosted = { weights: w, live };
  post({ type: 'weightsChanged', weights: toRecord(p.ids, w), live });
}

function cancelPending(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  pending = null;
}

function flushPending(): void {
  const w = pending;
  cancelPending();
  if (w && page) sendWeights(page, w);
}

const callbacks: ViewCallbacks = {
  weightsInput(weights: number[]): void {
    if (!page) return;
    page.view.refreshStale(finished.summary);
    pending = weights;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(flushPending, page.debounceMs);
  },
  weightsCommit(weights: number[]): void {
    if (!page) return;
    page.view.refreshStale(finished.summary);
    cancelPending();
    sendWeights(page, weights);
  },
  summarize(): void {
    if (!page) return;
    const live = page.view.isLive();
    // In live mode the summarize request covers the pending weights; otherwise let the extension record them.
    if (live) cancelPending();
    else flushPending();
    const w = rounded(page.view.getWeights());
    lastPosted = { weights: w, live };
    post({ type: 'summarize', weights: toRecord(page.ids, w) });
  },
  cancel(): void {
    post({ type: 'cancel' });
  },
  setLive(live: boolean): void {
    post({ type: 'setLive', live });
  },
  setPreviewCount(count: number): void {
    post({ type: 'setPreviewCount', count });
  },
  preview(): void {
    if (page) post({ type: 'preview', count: page.view.getPreviewCount() });
  },
  action(action: SummaryAction, summaryId: number): void {
    post({ type: 'action', action, summaryId });
  },
};

// ---- messages from the extension ----

function init(msg: Extract<ToWebview, { type: 'init' }>): void {
  const ids = msg.objectives.map((o) => o.id);
  const { state } = msg;
  cancelPending();
  lastPosted = null;
  finished = { summary: state.summary, preview: state.previews };
  const view = new SteeringView(
    root,
    {
      modelName: msg.modelName,
      objectives: msg.objectives,
      presets: msg.presets,
      weights: fromRecord(ids, state.weights),
      live: state.live,
      previewCount: state.previewCount,
    },
    callbacks,
  );
  page = { view, ids, debounceMs: msg.liveDebounceMs };
  view.setSource(source);
  view.setStatus(lastStatus);
  if (!requests.busy('summary')) view.showSummary(finished.summary);
  if (!requests.busy('preview')) view.showPreviews(finished.preview);
}

/** A request of `kind` finished: false if it is stale (drop it); else the page keeps its result to show. */
function settled<K extends Kind>(kind: K, requestId: number, result: Finished[K]): boolean {
  if (!requests.settle({ key: kind, seq: requestId })) return false;
  finished[kind] = result;
  return true;
}

function onMessage(msg: ToWebview): void {
  switch (msg.type) {
    case 'init':
      init(msg);
      return;
    case 'source':
      source = msg.source;
      page?.view.setSource(source);
      return;
    case 'status':
      lastStatus = msg.status;
      page?.view.setStatus(msg.status);
      return;
    default:
      break;
  }
  if (!page) return;
  const { view } = page;
  switch (msg.type) {
    case 'setWeights': {
      const w = fromRecord(page.ids, msg.weights);
      cancelPending();
      view.setWeights(w);
      lastPosted = { weights: rounded(w), live: view.isLive() };
      view.refreshStale(finished.summary);
      return;
    }
    case 'summaryStart':
      if (requests.follow('summary', msg.requestId)) view.summaryStart();
      return;
    case 'summaryText': {
      const ref = { key: 'summary', seq: msg.requestId } as const;
      // Its start was missed (e.g. the view was recreated meanwhile): start now.
      if (ref.seq > requests.latest('summary') && requests.follow('summary', ref.seq)) view.summaryStart();
      if (requests.isRunning(ref)) view.summaryAppend(msg.text);
      return;
    }
    case 'summaryDone':
      if (settled('summary', msg.requestId, msg.summary)) view.showSummary(msg.summary);
      return;
    case 'previewStart':
      if (requests.follow('preview', msg.requestId)) view.previewStart(msg.weightsList);
      return;
    case 'previewDone':
      if (settled('preview', msg.requestId, msg.items)) view.showPreviews(msg.items);
      return;
    case 'requestFailed':
      if (requests.fail({ key: msg.kind, seq: msg.requestId })) {
        if (msg.kind === 'summary') view.summaryFailed(msg.message, msg.cancelled, finished.summary);
        else view.previewFailed(msg.message, msg.cancelled, finished.preview);
      } else if (msg.requestId > Math.max(requests.latest('summary'), requests.latest('preview'))) {
        // Refused before it started (e.g. no source): a note where it was asked for, content kept.
        if (msg.kind === 'preview') view.previewNotice(msg.message, msg.cancelled);
        else view.summaryNotice(msg.message, msg.cancelled);
      }
      return;
    default:
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (!isRecord(data) || typeof data.type !== 'string') return;
  onMessage(data as unknown as ToWebview);
});

// "Loading…" until the extension sends the view's state.
showLoading(root);
post({ type: 'ready' });
