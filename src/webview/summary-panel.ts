/**
 * The view's "Summary" section: the summary streaming in, then finished with its facts, estimates and
 * actions; a note when a request failed or was cancelled; the hint when the weights moved since.
 */
import type { SummaryView } from '../common/messages';
import { h } from './dom';
import { Panel, progressRow, section, setNote, type PanelContext } from './panel';
import { STALE_HINT, actionButtons, metaParts } from './summary-parts';

export class SummaryPanel extends Panel {
  readonly element: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly text: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly note: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly actions: HTMLElement;
  private streamNode: Text | null = null;

  constructor(ctx: PanelContext) {
    super(ctx);
    this.progress = progressRow('Summarizing…', () => ctx.cb.cancel(), {
      id: 'cancel',
      'aria-label': 'Cancel summarizing',
    });
    this.empty = h('p', { id: 'summary-empty', class: 'placeholder' }, 'No summary yet.');
    this.text = h('div', {
      id: 'summary-text',
      class: 'summary-text',
      'aria-live': 'polite',
      'aria-busy': 'false',
    });
    this.note = h('p', { id: 'summary-note', class: 'note', role: 'status' });
    this.meta = h('div', { id: 'summary-meta', class: 'meta' });
    this.actions = h('div', {
      id: 'summary-actions',
      class: 'actions',
      role: 'group',
      'aria-label': 'Summary actions',
    });
    this.element = section(
      'summary',
      'Summary',
      this.progress,
      this.empty,
      this.text,
      this.note,
      this.meta,
      this.actions,
    );
  }

  start(): void {
    this.progress.hidden = false;
    this.empty.hidden = true;
    setNote(this.note, '');
    this.meta.replaceChildren();
    this.actions.replaceChildren();
    this.text.setAttribute('aria-busy', 'true');
    this.text.classList.add('streaming');
    this.streamNode = document.createTextNode('');
    this.text.replaceChildren(this.streamNode);
  }

  append(delta: string): void {
    if (!this.streamNode) this.start();
    this.streamNode?.appendData(delta);
  }

  /** Shows a finished summary (or none). */
  show(summary: SummaryView | null): void {
    this.progress.hidden = true;
    this.streamNode = null;
    this.text.classList.remove('streaming');
    setNote(this.note, '');
    if (!summary) {
      this.text.replaceChildren();
      this.meta.replaceChildren();
      this.actions.replaceChildren();
      this.empty.hidden = false;
    } else {
      this.empty.hidden = true;
      this.text.textContent = summary.text;
      this.meta.replaceChildren(...metaParts(this.ctx, summary, this.isStale(summary.weights)));
      this.actions.replaceChildren(...actionButtons(this.ctx, summary.id, ''));
    }
    this.text.setAttribute('aria-busy', 'false');
  }

  /** A request failed: keep any streamed text; when none came, show the last finished summary again. */
  failed(message: string, cancelled: boolean, previous: SummaryView | null): void {
    const partial = this.streamNode?.data ?? '';
    if (partial.trim() === '') this.show(previous);
    this.progress.hidden = true;
    this.streamNode = null;
    this.text.classList.remove('streaming');
    this.text.setAttribute('aria-busy', 'false');
    let note = cancelled ? 'Cancelled' : message || 'Summarizing failed';
    if (partial.trim() === '' && previous) note += ' — showing the previous summary';
    else if (partial.trim() !== '') note += ' — partial summary';
    setNote(this.note, note, cancelled ? 'quiet' : 'error');
  }

  /** A note under the summary that leaves it as it is (a request refused before it started). */
  notice(message: string, cancelled: boolean): void {
    setNote(this.note, cancelled ? 'Cancelled' : message, cancelled ? 'quiet' : 'error');
  }

  /** Re-checks the "weights changed since" hint after the weights moved. */
  refreshStale(summary: SummaryView | null): void {
    const el = this.meta.querySelector('.weights-used');
    if (!summary || !el) return;
    const stale = this.isStale(summary.weights);
    const hint = el.querySelector('.stale');
    if (stale && !hint) el.append(h('span', { class: 'stale' }, STALE_HINT));
    if (!stale && hint) hint.remove();
  }
}
