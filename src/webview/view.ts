/**
 * The steering view's DOM: a header (model, engine status, source) over three panels (weights, summary,
 * trade-off preview), built once per `init`, then updated in place (so focus and an ongoing drag survive
 * every message). It knows nothing about messages: user actions go out through `ViewCallbacks`.
 */
import type { EngineStatus, SourceInfo, SummaryView, WeightRecord } from '../common/messages';
import { h } from './dom';
import { formatSource, formatStatus } from './format';
import type { PanelContext, ViewCallbacks, ViewSetup } from './panel';
import { PreviewPanel } from './preview-panel';
import { SummaryPanel } from './summary-panel';
import { WeightsPanel } from './weights-panel';

export type { ViewCallbacks, ViewSetup };

export class SteeringView {
  private readonly status: HTMLElement;
  private readonly source: HTMLElement;
  private readonly weightsPanel: WeightsPanel;
  private readonly summaryPanel: SummaryPanel;
  private readonly previewPanel: PreviewPanel;

  constructor(root: HTMLElement, setup: ViewSetup, cb: ViewCallbacks) {
    const ctx: PanelContext = {
      objectives: setup.objectives,
      ids: setup.objectives.map((o) => o.id),
      cb,
      weights: () => this.weightsPanel.getWeights(),
      commitWeights: (weights) => {
        this.weightsPanel.setWeights(weights);
        cb.weightsCommit(this.weightsPanel.getWeights());
      },
    };
    this.status = h('span', { id: 'status', class: 'status' });
    this.source = h('p', { id: 'source', class: 'source' });
    const header = h(
      'header',
      { class: 'header' },
      h(
        'p',
        { class: 'model-line' },
        h('span', { class: 'model-name', title: 'Model' }, setup.modelName),
        this.status,
      ),
      this.source,
    );
    this.weightsPanel = new WeightsPanel(ctx, setup.presets, setup.weights, setup.live);
    this.summaryPanel = new SummaryPanel(ctx);
    this.previewPanel = new PreviewPanel(ctx, setup.previewCount);
    root.replaceChildren(
      header,
      this.weightsPanel.element,
      this.summaryPanel.element,
      this.previewPanel.element,
    );
    root.setAttribute('aria-busy', 'false');
  }

  // ---- header ----

  setStatus(status: EngineStatus | null): void {
    this.status.textContent = formatStatus(status);
    this.status.dataset.state = status?.state ?? '';
    if (status?.state === 'error') this.status.setAttribute('role', 'alert');
    else this.status.removeAttribute('role');
  }

  setSource(source: SourceInfo | null | undefined): void {
    this.source.textContent = formatSource(source);
    this.source.classList.toggle('empty', !source);
  }

  // ---- weights ----

  getWeights(): number[] {
    return this.weightsPanel.getWeights();
  }

  /** Sets the weights from outside (the extension's setWeights): no callbacks. */
  setWeights(weights: readonly number[]): void {
    this.weightsPanel.setWeights(weights);
  }

  /** Whether Live is checked now: the user's latest choice, which the extension has been sent. */
  isLive(): boolean {
    return this.weightsPanel.isLive();
  }

  // ---- summary ----

  summaryStart(): void {
    this.summaryPanel.start();
  }

  summaryAppend(delta: string): void {
    this.summaryPanel.append(delta);
  }

  /** Shows a finished summary (or none). */
  showSummary(summary: SummaryView | null): void {
    this.summaryPanel.show(summary);
  }

  /** A request failed: keep any streamed text; when none came, show the last finished summary again. */
  summaryFailed(message: string, cancelled: boolean, previous: SummaryView | null): void {
    this.summaryPanel.failed(message, cancelled, previous);
  }

  /** A note under the summary that leaves it as it is (a request refused before it started). */
  summaryNotice(message: string, cancelled: boolean): void {
    this.summaryPanel.notice(message, cancelled);
  }

  /** Re-checks the "weights changed since" hint after the weights moved. */
  refreshStale(summary: SummaryView | null): void {
    this.summaryPanel.refreshStale(summary);
  }

  // ---- preview ----

  getPreviewCount(): number {
    return this.previewPanel.getCount();
  }

  previewStart(weightsList: readonly WeightRecord[]): void {
    this.previewPanel.start(weightsList);
  }

  showPreviews(items: readonly SummaryView[]): void {
    this.previewPanel.show(items);
  }

  previewFailed(message: string, cancelled: boolean, previous: readonly SummaryView[]): void {
    this.previewPanel.failed(message, cancelled, previous);
  }

  previewNotice(message: string, cancelled: boolean): void {
    this.previewPanel.notice(message, cancelled);
  }
}

/** The "Loading…" placeholder before init. */
export function showLoading(root: HTMLElement): void {
  root.setAttribute('aria-busy', 'true');
  root.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
}
