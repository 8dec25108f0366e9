/**
 * Messages between the steering webview and the extension, shared by both sides. Every message from the
 * webview is validated with `parseFromWebview` before the extension uses it: a webview is untrusted input.
 */

export type WeightRecord = Record<string, number>;

export interface ObjectiveInfo {
  id: string;
  label: string;
  description: string;
}

export interface PresetInfo {
  name: string;
  weights: WeightRecord;
}

/** Per objective id, an estimate in [0, 1] of how well a summary meets it (see src/engine/estimates.ts). */
export type Estimates = Record<string, number>;

export interface SummaryView {
  /** Extension-side id; actions refer to a summary by it. */
  id: number;
  text: string;
  weights: WeightRecord;
  /** The weighting the summary was decoded at, when none usable came at `weights` (the engine's fallback). */
  writtenAt?: WeightRecord;
  words: number;
  tokens: number;
  finishReason: string;
  estimates: Estimates;
  ms: number;
}

export interface SourceInfo {
  /** e.g. "article.md (selection, 212 words)". */
  label: string;
  words: number;
}

export type EngineState = 'stopped' | 'loading' | 'ready' | 'busy' | 'error';

export interface EngineStatus {
  state: EngineState;
  /** Device in use once loaded (cpu, cuda, ...). */
  device?: string;
  message?: string;
}

/**
 * The Steering view's state. The extension owns it (src/extension/view-state.ts: its defaults, kept in the
 * workspace state) and sends it whole in `init`; the webview shows it and sends the user's changes back.
 */
export interface ViewState {
  weights: WeightRecord;
  live: boolean;
  previewCount: number;
  summary: SummaryView | null;
  previews: SummaryView[];
}

export type ToWebview =
  | {
      type: 'init';
      modelName: string;
      objectives: ObjectiveInfo[];
      presets: PresetInfo[];
      /** Complete and checked by the extension: the webview uses it as it is. */
      state: ViewState;
      /** How long after the last slider movement a live summary is asked for (setting steer.liveDebounceMs). */
      liveDebounceMs: number;
    }
  | { type: 'source'; source: SourceInfo | null }
  | { type: 'status'; status: EngineStatus }
  | { type: 'setWeights'; weights: WeightRecord }
  | { type: 'summaryStart'; requestId: number; weights: WeightRecord }
  | { type: 'summaryText'; requestId: number; text: string }
  | { type: 'summaryDone'; requestId: number; summary: SummaryView }
  | { type: 'previewStart'; requestId: number; weightsList: WeightRecord[] }
  | { type: 'previewDone'; requestId: number; items: SummaryView[] }
  | {
      type: 'requestFailed';
      kind: 'summary' | 'preview';
      requestId: number;
      message: string;
      cancelled: boolean;
    };

export type SummaryAction = 'insert' | 'replace' | 'copy' | 'openDocument';
export const SUMMARY_ACTIONS: readonly SummaryAction[] = ['insert', 'replace', 'copy', 'openDocument'];

export type FromWebview =
  | { type: 'ready' }
  /** The sliders moved; `live` asks for a new summary (the webview debounces, the extension cancels older). */
  | { type: 'weightsChanged'; weights: WeightRecord; live: boolean }
  | { type: 'summarize'; weights: WeightRecord }
  | { type: 'preview'; count: number }
  | { type: 'cancel' }
  | { type: 'action'; action: SummaryAction; summaryId: number }
  | { type: 'setLive'; live: boolean }
  | { type: 'setPreviewCount'; count: number };

export const MIN_PREVIEW = 2;
export const MAX_PREVIEW = 8;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Weights for exactly the known objectives, each finite and in [0, 1]; a missing id is an error. */
function parseWeights(v: unknown, objectiveIds: readonly string[]): WeightRecord | null {
  if (!isRecord(v)) return null;
  const out: WeightRecord = {};
  for (const key of Object.keys(v)) if (!objectiveIds.includes(key)) return null;
  for (const id of objectiveIds) {
    const x = v[id];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1) return null;
    out[id] = x;
  }
  return out;
}

const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= MIN_PREVIEW && v <= MAX_PREVIEW;

/** The message if it is well-formed for these objectives, otherwise null (and the caller drops it). */
export function parseFromWebview(message: unknown, objectiveIds: readonly string[]): FromWebview | null {
  if (!isRecord(message) || typeof message.type !== 'string') return null;
  switch (message.type) {
    case 'ready':
    case 'cancel':
      return { type: message.type };
    case 'weightsChanged': {
      const weights = parseWeights(message.weights, objectiveIds);
      if (!weights || typeof message.live !== 'boolean') return null;
      return { type: 'weightsChanged', weights, live: message.live };
    }
    case 'summarize': {
      const weights = parseWeights(message.weights, objectiveIds);
      return weights ? { type: 'summarize', weights } : null;
    }
    case 'preview':
    case 'setPreviewCount':
      return isCount(message.count) ? { type: message.type, count: message.count } : null;
    case 'action': {
      const { action, summaryId } = message;
      if (!SUMMARY_ACTIONS.includes(action as SummaryAction)) return null;
      if (typeof summaryId !== 'number' || !Number.isInteger(summaryId)) return null;
      return { type: 'action', action: action as SummaryAction, summaryId };
    }
    case 'setLive':
      return typeof message.live === 'boolean' ? { type: 'setLive', live: message.live } : null;
    default:
      return null;
  }
}
