/**
 * What the panels of the steering view (weights, summary, preview) share: the objectives, the weights the
 * controls show now and the callbacks that carry user actions out, plus the pieces each panel is built of
 * (a titled section, a progress row with Cancel, a note). Panels know nothing about messages.
 */
import type { ObjectiveInfo, PresetInfo, SummaryAction, WeightRecord } from '../common/messages';
import { button, h, type Attrs } from './dom';
import { fromRecord, sameWeights } from './simplex';

export interface ViewCallbacks {
  /** Weights moving (slider or triangle drag, key held). */
  weightsInput(weights: number[]): void;
  /** Weights settled (release, preset, "Use these weights"). */
  weightsCommit(weights: number[]): void;
  summarize(): void;
  cancel(): void;
  setLive(live: boolean): void;
  setPreviewCount(count: number): void;
  preview(): void;
  action(action: SummaryAction, summaryId: number): void;
}

export interface ViewSetup {
  modelName: string;
  objectives: readonly ObjectiveInfo[];
  presets: readonly PresetInfo[];
  weights: readonly number[];
  live: boolean;
  previewCount: number;
}

/** The view's state as every panel sees it; the weights panel owns the weights. */
export interface PanelContext {
  readonly objectives: readonly ObjectiveInfo[];
  readonly ids: readonly string[];
  readonly cb: ViewCallbacks;
  /** The weights the controls show now. */
  weights(): number[];
  /** Sets the weights on every control and reports them as settled ("Use these weights"). */
  commitWeights(weights: readonly number[]): void;
}

/** A panel: one section of the view, built once and then updated in place. */
export abstract class Panel {
  abstract readonly element: HTMLElement;

  constructor(protected readonly ctx: PanelContext) {}

  /** Whether a summary made with `record` is out of date for the weights shown now. */
  protected isStale(record: WeightRecord): boolean {
    return !sameWeights(fromRecord(this.ctx.ids, record), this.ctx.weights(), 0.005);
  }
}

export function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  const headingId = `${id}-heading`;
  return h(
    'section',
    { id, class: 'section', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, title),
    ...children,
  );
}

/** A hidden "working…" row with a spinner and a Cancel button. */
export function progressRow(text: string, onCancel: () => void, cancelAttrs: Attrs): HTMLElement {
  return h(
    'div',
    { class: 'progress', hidden: true },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    h('span', { class: 'progress-text' }, text),
    button('Cancel', onCancel, cancelAttrs),
  );
}

/** Shows a note: plain, quiet (a cancel) or an error. */
export function setNote(note: HTMLElement, text: string, kind: 'plain' | 'quiet' | 'error' = 'plain'): void {
  note.textContent = text;
  note.className = kind === 'plain' ? 'note' : `note ${kind}`;
}
