/**
 * The Steering view's state and its one owner. The extension keeps it in the workspace state, so it survives
 * hiding the view and reloading the window, and sends it to the webview in `init`; the webview keeps none
 * of its own and reports the user's changes back. Its defaults are here and nowhere else, and a saved state
 * is checked field by field, so one from an older version or for another model's objectives falls back to
 * them instead of reaching the page.
 */
import type * as vscode from 'vscode';
import {
  MAX_PREVIEW,
  MIN_PREVIEW,
  type SummaryView,
  type ViewState,
  type WeightRecord,
} from '../common/messages';
import { normaliseWeights, type Manifest } from '../engine/extension-api';

const STATE_KEY = 'steer.viewState';

/** Live summaries on, a preview of four, nothing summarized yet; the weights come from the settings. */
const DEFAULTS: Omit<ViewState, 'weights'> = { live: true, previewCount: 4, summary: null, previews: [] };

export interface ViewStateDeps {
  memento: vscode.Memento;
  manifest: () => Manifest;
  /** The starting weights: steer.defaultWeights, else the model's. */
  defaultWeights: () => WeightRecord;
  log: (line: string) => void;
}

export class ViewStateStore {
  private current: ViewState;

  constructor(private readonly deps: ViewStateDeps) {
    this.current = this.restoreOrEmpty();
  }

  get state(): ViewState {
    return this.current;
  }

  /** The weights on the sliders; none while the model cannot be read (the engine reports why). */
  get weights(): WeightRecord {
    // the model may have become readable since (steer.modelPath fixed)
    if (Object.keys(this.current.weights).length === 0) this.current = this.restoreOrEmpty();
    return this.current.weights;
  }

  update(patch: Partial<ViewState>): void {
    this.current = { ...this.current, ...patch };
    void this.deps.memento.update(STATE_KEY, this.current);
  }

  /**
   * The saved state, or the defaults with no weights while the model's manifest cannot be read (a bad
   * steer.modelPath): activation must not fail on it, so that the commands can report the problem.
   */
  private restoreOrEmpty(): ViewState {
    try {
      return this.restore();
    } catch (e) {
      this.deps.log(`the Steering view waits for a model: ${e instanceof Error ? e.message : String(e)}`);
      return { ...DEFAULTS, weights: {} };
    }
  }

  private restore(): ViewState {
    const objectives = this.deps.manifest().objectives;
    const saved: unknown = this.deps.memento.get(STATE_KEY);
    const s: Record<string, unknown> = isRecord(saved) ? saved : {};
    let weights = this.deps.defaultWeights();
    try {
      if (isRecord(s.weights)) weights = normaliseWeights(objectives, s.weights as WeightRecord).record;
    } catch {
      // saved for another model's objectives
    }
    const ofThisModel = (v: unknown): v is SummaryView =>
      isRecord(v) &&
      typeof v.text === 'string' &&
      isRecord(v.weights) &&
      Object.keys(v.weights).every((k) => objectives.some((o) => o.id === k));
    const count = s.previewCount;
    return {
      weights,
      live: typeof s.live === 'boolean' ? s.live : DEFAULTS.live,
      previewCount:
        typeof count === 'number' && Number.isInteger(count) && count >= MIN_PREVIEW && count <= MAX_PREVIEW
          ? count
          : DEFAULTS.previewCount,
      summary: ofThisModel(s.summary) ? s.summary : DEFAULTS.summary,
      previews: Array.isArray(s.previews) ? s.previews.filter(ofThisModel) : DEFAULTS.previews,
    };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
