/**
 * Entry of the "Steering" webview (bundled as an IIFE for the browser): message handling with the extension,
 * debounced weight posting, and the state kept with `vscode.setState` so the view comes back at once after
 * it was hidden.
 */

import {
  MAX_PREVIEW,
  MIN_PREVIEW,
  type EngineStatus,
  type FromWebview,
  type ObjectiveInfo,
  type PresetInfo,
  type SourceInfo,
  type SummaryAction,
  type ToWebview,
  type ViewState,
} from '../common/messages';
import { RequestLifecycle } from '../common/request-lifecycle';
import { fromRecord, rounded, sameWeights, toRecord } from './simplex';
import { showLoading, SteeringView, type ViewCallbacks } from './view';

interface VsCodeApi<S> {
  postMessage(message: FromWebview): void;
  getState(): S | undefined;
  setState(state: S): S;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

/** What the webview keeps in `vscode.setState`. */
interface Persisted {
  v: 1;
  modelName: string;
  objectives: ObjectiveInfo[];
  presets: PresetInfo[];
  view: ViewState;
  source: SourceInfo | null;
}

/** Live posting waits this long after the last input event. */
const DEFAULT_DEBOUNCE_MS = 300;
let debounceMs = DEFAULT_DEBOUNCE_MS; // from init (setting steer.liveDebounceMs)

const vscode = acquireVsCodeApi<Persisted>();
const root = document.getElementById('app') ?? document.body;

let model: Persisted | null = null;
let view: SteeringView | null = null;
let ids: string[] = [];
let source: SourceInfo | null = null;
let lastStatus: EngineStatus | null = null;

/**
 * The extension's requests as this page follows them, numbered by the extension: per kind, the latest
 * summary or preview and whether it still runs; the messages of older ones are dropped.
 */
const requests = new RequestLifecycle<'summary' | 'preview'>();

let timer: ReturnType<typeof setTimeout> | undefined;
let pending: number[] | null = null;
let lastPosted: { weights: number[]; live: boolean } | null = null;

const post = (message: FromWebview): void => vscode.postMessage(message);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clampCount(n: unknown): number {
  const k = typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : MIN_PREVIEW;
  return Math.min(MAX_PREVIEW, Math.max(MIN_PREVIEW, k));
}

/** A complete ViewState for these objectives from one that may be partial or from an older version. */
function normaliseViewState(s: Partial<ViewState> | undefined, objectiveIds: readonly string[]): ViewState {
  return {
    weights: toRecord(objectiveIds, fromRecord(objectiveIds, s?.weights)),
    live: s?.live === true,
    previewCount: clampCount(s?.previewCount),
    summary: isRecord(s?.summary) ? s.summary : null,
    previews: Array.isArray(s?.previews) ? s.previews : [],
  };
}

function restore(raw: unknown): Persisted | null {
  if (!isRecord(raw) || raw.v !== 1 || !Array.isArray(raw.objectives) || !Array.isArray(raw.presets))
    return null;
  if (!isRecord(raw.view) || typeof raw.modelName !== 'string') return null;
  const objectives = raw.objectives as ObjectiveInfo[];
  if (objectives.some((o) => !isRecord(o) || typeof o.id !== 'string' || typeof o.label !== 'string'))
    return null;
  return {
    v: 1,
    modelName: raw.modelName,
    objectives,
    presets: raw.presets as PresetInfo[],
    view: normaliseViewState(
      raw.view as Partial<ViewState>,
      objectives.map((o) => o.id),
    ),
    source: isRecord(raw.source) ? (raw.source as unknown as SourceInfo) : null,
  };
}

function save(): void {
  if (!model) return;
  if (view) model.view.weights = toRecord(ids, view.getWeights());
  model.source = source;
  vscode.setState(model);
}

// ---- weights going out ----

function sendWeights(weights: readonly number[]): void {
  const live = model?.view.live === true;
  const w = rounded(weights);
  if (lastPosted && lastPosted.live === live && sameWeights(lastPosted.weights, w, 1e-9)) return;
  lastPosted = { weights: w, live };
  post({ type: 'weightsChanged', weights: toRecord(ids, w), live });
}

function cancelPending(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  pending = null;
}

function flushPending(): void {
  const w = pending;
  cancelPending();
  if (w) sendWeights(w);
}

function weightsMoved(): void {
  save();
  if (model && view) view.refreshStale(model.view.summary);
}

const callbacks: ViewCallbacks = {
  weightsInput(weights: number[]): void {
    weightsMoved();
    pending = weights;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(flushPending, debounceMs);
  },
  weightsCommit(weights: number[]): void {
    weightsMoved();
    cancelPending();
    sendWeights(weights);
  },
  summarize(): void {
    if (!view || !model) return;
    // In live mode the summarize request covers the pending weights; otherwise let the extension record them.
    if (model.view.live) cancelPending();
    else flushPending();
    const w = rounded(view.getWeights());
    lastPosted = { weights: w, live: model.view.live };
    post({ type: 'summarize', weights: toRecord(ids, w) });
  },
  cancel(): void {
    post({ type: 'cancel' });
  },
  setLive(live: boolean): void {
    if (!model) return;
    model.view.live = live;
    save();
    post({ type: 'setLive', live });
  },
  setPreviewCount(count: number): void {
    if (!model) return;
    model.view.previewCount = clampCount(count);
    save();
    post({ type: 'setPreviewCount', count: model.view.previewCount });
  },
  preview(): void {
    if (!view) return;
    post({ type: 'preview', count: clampCount(view.getPreviewCount()) });
  },
  action(action: SummaryAction, summaryId: number): void {
    post({ type: 'action', action, summaryId });
  },
};

// ---- building ----

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function build(next: Persisted): void {
  const old = model;
  model = next;
  ids = next.objectives.map((o) => o.id);
  const weights = fromRecord(ids, next.view.weights);
  lastPosted = null;
  cancelPending();
  const sameShape =
    view &&
    old &&
    old.modelName === next.modelName &&
    sameJson(old.objectives, next.objectives) &&
    sameJson(old.presets, next.presets);
  if (view && sameShape) {
    // Restored from setState and init agrees: update in place, keeping focus.
    view.setWeights(weights);
    view.setLive(next.view.live);
    view.setPreviewCount(next.view.previewCount);
  } else {
    view = new SteeringView(
      root,
      {
        modelName: next.modelName,
        objectives: next.objectives,
        presets: next.presets,
        weights,
        live: next.view.live,
        previewCount: next.view.previewCount,
      },
      callbacks,
    );
  }
  view.setSource(source);
  view.setStatus(lastStatus);
  if (!requests.busy('summary')) view.showSummary(next.view.summary);
  if (!requests.busy('preview')) view.showPreviews(next.view.previews);
  save();
}

// ---- messages from the extension ----

function onMessage(msg: ToWebview): void {
  switch (msg.type) {
    case 'init': {
      debounceMs = msg.liveDebounceMs;
      const objectiveIds = msg.objectives.map((o) => o.id);
      build({
        v: 1,
        modelName: msg.modelName,
        objectives: msg.objectives,
        presets: msg.presets,
        view: normaliseViewState(msg.state, objectiveIds),
        source,
      });
      return;
    }
    case 'source':
      source = msg.source;
      view?.setSource(source);
      save();
      return;
    case 'status':
      lastStatus = msg.status;
      view?.setStatus(msg.status);
      return;
    default:
      break;
  }
  if (!view || !model) return;
  const m = model;
  switch (msg.type) {
    case 'setWeights': {
      const w = fromRecord(ids, msg.weights);
      cancelPending();
      view.setWeights(w);
      lastPosted = { weights: rounded(w), live: m.view.live };
      weightsMoved();
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
      if (!requests.settle({ key: 'summary', seq: msg.requestId })) return;
      m.view.summary = msg.summary;
      view.showSummary(msg.summary);
      save();
      return;
    case 'previewStart':
      if (requests.follow('preview', msg.requestId)) view.previewStart(msg.weightsList);
      return;
    case 'previewDone':
      if (!requests.settle({ key: 'preview', seq: msg.requestId })) return;
      m.view.previews = msg.items;
      view.showPreviews(msg.items);
      save();
      return;
    case 'requestFailed':
      if (requests.fail({ key: msg.kind, seq: msg.requestId })) {
        if (msg.kind === 'summary') view.summaryFailed(msg.message, msg.cancelled, m.view.summary);
        else view.previewFailed(msg.message, msg.cancelled, m.view.previews);
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

// Show the saved state at once (the view was hidden and shown again), else "Loading…" until init.
const saved = restore(vscode.getState());
if (saved) {
  source = saved.source;
  build(saved);
} else {
  showLoading(root);
}
post({ type: 'ready' });
