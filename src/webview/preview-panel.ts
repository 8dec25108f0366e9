/**
 * The view's "Trade-offs" section: how many summaries to preview, then one card per weighting (pending
 * while the batch runs), each with its facts, estimates, actions and "Use these weights".
 */
import { MAX_PREVIEW, MIN_PREVIEW, type SummaryView, type WeightRecord } from '../common/messages';
import { button, h } from './dom';
import { describeWeights } from './format';
import { Panel, progressRow, section, setNote, type PanelContext } from './panel';
import { fromRecord } from './simplex';
import { actionButtons, metaParts } from './summary-parts';

export class PreviewPanel extends Panel {
  readonly element: HTMLElement;
  private readonly count: HTMLSelectElement;
  private readonly progress: HTMLElement;
  private readonly note: HTMLElement;
  private readonly list: HTMLOListElement;

  constructor(ctx: PanelContext, count: number) {
    super(ctx);
    this.count = h('select', { id: 'preview-count' });
    for (let k = MIN_PREVIEW; k <= MAX_PREVIEW; k++) this.count.append(h('option', { value: k }, String(k)));
    // the extension's state: an integer from MIN_PREVIEW to MAX_PREVIEW
    this.count.value = String(count);
    this.count.addEventListener('change', () => ctx.cb.setPreviewCount(Number(this.count.value)));
    this.progress = progressRow('Generating…', () => ctx.cb.cancel(), { 'aria-label': 'Cancel the preview' });
    this.note = h('p', { id: 'preview-note', class: 'note', role: 'status' });
    this.list = h('ol', { id: 'preview-list', class: 'preview-list', 'aria-busy': 'false' });
    this.element = section(
      'preview',
      'Trade-offs',
      h(
        'div',
        { class: 'row' },
        h('label', { for: 'preview-count' }, 'Summaries'),
        this.count,
        button('Preview trade-offs', () => ctx.cb.preview(), { id: 'preview-button' }),
      ),
      this.progress,
      this.note,
      this.list,
    );
  }

  getCount(): number {
    return Number(this.count.value);
  }

  start(weightsList: readonly WeightRecord[]): void {
    this.progress.hidden = false;
    setNote(this.note, '');
    this.list.setAttribute('aria-busy', 'true');
    this.list.replaceChildren(
      ...weightsList.map((w, i) =>
        h(
          'li',
          { class: 'card pending' },
          h('h3', { class: 'card-title' }, this.cardTitle(i, fromRecord(this.ctx.ids, w))),
          h('p', { class: 'placeholder' }, 'Generating…'),
        ),
      ),
    );
  }

  show(items: readonly SummaryView[]): void {
    this.progress.hidden = true;
    this.list.setAttribute('aria-busy', 'false');
    this.list.replaceChildren(...items.map((item, i) => this.card(item, i)));
  }

  failed(message: string, cancelled: boolean, previous: readonly SummaryView[]): void {
    this.show(previous);
    let note = cancelled ? 'Preview cancelled' : message || 'The preview failed';
    if (previous.length > 0) note += ' — showing the previous preview';
    setNote(this.note, note, cancelled ? 'quiet' : 'error');
  }

  notice(message: string, cancelled: boolean): void {
    setNote(this.note, cancelled ? 'Preview cancelled' : message, cancelled ? 'quiet' : 'error');
  }

  private cardTitle(i: number, weights: readonly number[]): string {
    return `${i + 1}. ${describeWeights(this.ctx.objectives, weights, ' · ')}`;
  }

  private card(item: SummaryView, i: number): HTMLLIElement {
    const w = fromRecord(this.ctx.ids, item.weights);
    const use = button('Use these weights', () => this.ctx.commitWeights(w), {
      class: 'btn primary use-weights',
      'aria-label': `Use the weights of summary ${i + 1}`,
    });
    return h(
      'li',
      { class: 'card', 'data-summary-id': item.id },
      h('h3', { class: 'card-title' }, this.cardTitle(i, w)),
      h('p', { class: 'card-text' }, item.text),
      h('div', { class: 'meta' }, ...metaParts(this.ctx, item, null)),
      h(
        'div',
        { class: 'actions', role: 'group', 'aria-label': `Summary ${i + 1} actions` },
        use,
        ...actionButtons(this.ctx, item.id, ` summary ${i + 1}`),
      ),
    );
  }
}
