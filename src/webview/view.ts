/**
 * The steering view's DOM: built once per `init`, then updated in place (so focus and an ongoing drag survive
 * every message). It knows nothing about messages: user actions go out through `ViewCallbacks`.
 */

import {
  MAX_PREVIEW,
  MIN_PREVIEW,
  type EngineStatus,
  type ObjectiveInfo,
  type PresetInfo,
  type SourceInfo,
  type SummaryAction,
  type SummaryView,
  type WeightRecord,
} from '../common/messages';
import { button, h, idPart, percentSlider } from './dom';
import {
  describeWeights,
  formatFinish,
  formatMs,
  formatSource,
  formatStatus,
  formatTokens,
  formatWords,
} from './format';
import { fromRecord, percentages, sameWeights, setWeight, sliderToTwo, twoToSlider } from './simplex';
import { createTriangle, type TrianglePicker } from './triangle';

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

const ACTIONS: readonly { action: SummaryAction; label: string }[] = [
  { action: 'insert', label: 'Insert' },
  { action: 'replace', label: 'Replace' },
  { action: 'copy', label: 'Copy' },
  { action: 'openDocument', label: 'Open as document' },
];

const CUSTOM = '';

interface SliderRefs {
  input: HTMLInputElement;
  /** The percentage shown beside each objective's label (two for the two-objective slider). */
  pcts: HTMLElement[];
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  const headingId = `${id}-heading`;
  return h(
    'section',
    { id, class: 'section', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, title),
    ...children,
  );
}

export class SteeringView {
  private readonly objectives: readonly ObjectiveInfo[];
  private readonly presets: readonly PresetInfo[];
  private readonly ids: string[];
  private weights: number[];
  /** The weights when a slider drag started: the others keep their ratio from here. */
  private dragBase: number[] | null = null;

  private readonly sliders: SliderRefs[] = [];
  private triangle: TrianglePicker | null = null;
  private readonly presetSelect: HTMLSelectElement | null;
  private readonly liveBox: HTMLInputElement;
  private readonly previewCount: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly source: HTMLElement;

  private readonly progress: HTMLElement;
  private readonly summaryText: HTMLElement;
  private readonly summaryEmpty: HTMLElement;
  private readonly summaryNote: HTMLElement;
  private readonly summaryMeta: HTMLElement;
  private readonly summaryActions: HTMLElement;
  private streamNode: Text | null = null;

  private readonly previewProgress: HTMLElement;
  private readonly previewNote: HTMLElement;
  private readonly previewList: HTMLOListElement;

  constructor(
    private readonly root: HTMLElement,
    setup: ViewSetup,
    private readonly cb: ViewCallbacks,
  ) {
    this.objectives = setup.objectives;
    this.presets = setup.presets;
    this.ids = setup.objectives.map((o) => o.id);
    this.weights = [...setup.weights];

    // ---- header: model, status, source ----
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

    // ---- weights ----
    this.presetSelect = this.buildPresets();
    this.liveBox = h('input', { type: 'checkbox', id: 'live', 'aria-describedby': 'live-help' });
    this.liveBox.checked = setup.live;
    this.liveBox.addEventListener('change', () => this.cb.setLive(this.liveBox.checked));
    const summarize = button('Summarize', () => this.cb.summarize(), { id: 'summarize' }, 'primary');
    const controls = h(
      'div',
      { class: 'controls' },
      h(
        'span',
        { class: 'check' },
        this.liveBox,
        h('label', { for: 'live' }, 'Live'),
        h('span', { id: 'live-help', class: 'visually-hidden' }, 'Summarize again as the weights move'),
      ),
      summarize,
    );
    const weightsSection = section(
      'weights',
      'Weights',
      this.presetSelect
        ? h('div', { class: 'row' }, h('label', { for: 'presets' }, 'Preset'), this.presetSelect)
        : null,
      this.buildTriangle(),
      this.buildSliders(),
      controls,
    );

    // ---- summary ----
    this.progress = h(
      'div',
      { class: 'progress', hidden: true },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      h('span', { class: 'progress-text' }, 'Summarizing…'),
      button('Cancel', () => this.cb.cancel(), { id: 'cancel', 'aria-label': 'Cancel summarizing' }),
    );
    this.summaryEmpty = h('p', { id: 'summary-empty', class: 'placeholder' }, 'No summary yet.');
    this.summaryText = h('div', {
      id: 'summary-text',
      class: 'summary-text',
      'aria-live': 'polite',
      'aria-busy': 'false',
    });
    this.summaryNote = h('p', { id: 'summary-note', class: 'note', role: 'status' });
    this.summaryMeta = h('div', { id: 'summary-meta', class: 'meta' });
    this.summaryActions = h('div', {
      id: 'summary-actions',
      class: 'actions',
      role: 'group',
      'aria-label': 'Summary actions',
    });
    const summarySection = section(
      'summary',
      'Summary',
      this.progress,
      this.summaryEmpty,
      this.summaryText,
      this.summaryNote,
      this.summaryMeta,
      this.summaryActions,
    );

    // ---- trade-off preview ----
    this.previewCount = h('select', { id: 'preview-count' });
    for (let k = MIN_PREVIEW; k <= MAX_PREVIEW; k++)
      this.previewCount.append(h('option', { value: k }, String(k)));
    this.setPreviewCount(setup.previewCount);
    this.previewCount.addEventListener('change', () =>
      this.cb.setPreviewCount(Number(this.previewCount.value)),
    );
    this.previewProgress = h(
      'div',
      { class: 'progress', hidden: true },
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      h('span', { class: 'progress-text' }, 'Generating…'),
      button('Cancel', () => this.cb.cancel(), { 'aria-label': 'Cancel the preview' }),
    );
    this.previewNote = h('p', { id: 'preview-note', class: 'note', role: 'status' });
    this.previewList = h('ol', { id: 'preview-list', class: 'preview-list', 'aria-busy': 'false' });
    const previewSection = section(
      'preview',
      'Trade-offs',
      h(
        'div',
        { class: 'row' },
        h('label', { for: 'preview-count' }, 'Summaries'),
        this.previewCount,
        button('Preview trade-offs', () => this.cb.preview(), { id: 'preview-button' }),
      ),
      this.previewProgress,
      this.previewNote,
      this.previewList,
    );

    this.root.replaceChildren(header, weightsSection, summarySection, previewSection);
    this.root.setAttribute('aria-busy', 'false');
    this.showWeights();
  }

  // ---- weights ----

  getWeights(): number[] {
    return [...this.weights];
  }

  /** Sets the weights from outside (setWeights, restored state): no callbacks. */
  setWeights(weights: readonly number[]): void {
    this.dragBase = null;
    this.weights = [...weights];
    this.showWeights();
  }

  private buildPresets(): HTMLSelectElement | null {
    if (this.presets.length === 0) return null;
    const select = h('select', { id: 'presets' });
    select.append(h('option', { value: CUSTOM, disabled: true }, 'Custom'));
    this.presets.forEach((p, i) => select.append(h('option', { value: String(i) }, p.name)));
    select.addEventListener('change', () => {
      const preset = this.presets[Number(select.value)];
      if (!preset || select.value === CUSTOM) return;
      this.setWeights(fromRecord(this.ids, preset.weights));
      this.cb.weightsCommit(this.getWeights());
    });
    return select;
  }

  private buildTriangle(): HTMLElement | null {
    if (this.objectives.length !== 3) return null;
    const helpId = 'triangle-help';
    this.triangle = createTriangle({
      objectives: this.objectives,
      weights: this.weights,
      describe: (w) => describeWeights(this.objectives, w),
      helpId,
      onInput: (w) => {
        this.dragBase = null;
        this.weights = w;
        this.showWeights(true);
        this.cb.weightsInput(this.getWeights());
      },
      onCommit: (w) => {
        this.weights = w;
        this.showWeights(true);
        this.cb.weightsCommit(this.getWeights());
      },
    });
    return h(
      'div',
      { class: 'triangle-wrap' },
      this.triangle.element,
      h(
        'p',
        { id: helpId, class: 'help' },
        'Click or drag in the triangle. On the handle: arrow keys move it (Shift: finer), Home centres it, 1–3 jump to a corner.',
      ),
    );
  }

  private buildSliders(): HTMLElement {
    const wrap = h('div', { class: 'sliders' });
    const objs = this.objectives;
    if (objs.length === 2) {
      const [a, b] = objs as [ObjectiveInfo, ObjectiveInfo];
      const inputId = `w-${idPart(b.id)}`;
      const descA = `desc-${idPart(a.id)}`;
      const descB = `desc-${idPart(b.id)}`;
      const pctA = h('span', { class: 'pct' });
      const pctB = h('span', { class: 'pct' });
      const input = percentSlider(inputId, b.id, {
        'aria-label': `${a.label} to ${b.label}`,
        'aria-describedby': `${descA} ${descB}`,
      });
      input.addEventListener('input', () => {
        this.weights = sliderToTwo(Number(input.value));
        this.showWeights();
        this.cb.weightsInput(this.getWeights());
      });
      input.addEventListener('change', () => this.cb.weightsCommit(this.getWeights()));
      wrap.append(
        h(
          'div',
          { class: 'slider two' },
          h(
            'label',
            { for: inputId, class: 'slider-head' },
            h('span', { class: 'end' }, h('span', { class: 'name' }, a.label), ' ', pctA),
            h('span', { class: 'end right' }, h('span', { class: 'name' }, b.label), ' ', pctB),
          ),
          input,
          h('p', { id: descA, class: 'desc' }, `${a.label}: ${a.description}`),
          h('p', { id: descB, class: 'desc' }, `${b.label}: ${b.description}`),
        ),
      );
      this.sliders.push({ input, pcts: [pctA, pctB] });
      return wrap;
    }
    objs.forEach((o, i) => {
      const inputId = `w-${idPart(o.id)}`;
      const descId = `desc-${idPart(o.id)}`;
      const pct = h('span', { class: 'pct', 'aria-hidden': 'true' });
      const input = percentSlider(inputId, o.id, { 'aria-describedby': descId, disabled: objs.length === 1 });
      input.addEventListener('input', () => {
        this.dragBase ??= [...this.weights];
        this.weights = setWeight(this.dragBase, i, Number(input.value) / 100);
        this.showWeights(false, i);
        this.cb.weightsInput(this.getWeights());
      });
      input.addEventListener('change', () => {
        this.dragBase = null;
        this.cb.weightsCommit(this.getWeights());
      });
      wrap.append(
        h(
          'div',
          { class: 'slider' },
          h('div', { class: 'slider-head' }, h('label', { for: inputId, class: 'name' }, o.label), pct),
          input,
          h('p', { id: descId, class: 'desc' }, o.description),
        ),
      );
      this.sliders.push({ input, pcts: [pct] });
    });
    return wrap;
  }

  /** Shows this.weights on every control (except the triangle when it is the source, the moving slider). */
  private showWeights(fromTriangle = false, movingSlider = -1): void {
    const pct = percentages(this.weights);
    if (this.objectives.length === 2) {
      const refs = this.sliders[0];
      if (refs) {
        const v = twoToSlider(this.weights);
        if (Number(refs.input.value) !== v) refs.input.value = String(v);
        refs.pcts.forEach((el, i) => (el.textContent = `${pct[i] ?? 0}%`));
        refs.input.setAttribute('aria-valuetext', describeWeights(this.objectives, this.weights));
      }
    } else {
      this.sliders.forEach((refs, i) => {
        const p = pct[i] ?? 0;
        // The moving slider keeps its own (integer) position; the others show the rounded share.
        if (i !== movingSlider) refs.input.value = String(Math.round((this.weights[i] ?? 0) * 100));
        for (const el of refs.pcts) el.textContent = `${p}%`;
        refs.input.setAttribute('aria-valuetext', `${p}%`);
      });
    }
    if (!fromTriangle) this.triangle?.set(this.weights);
    this.syncPreset();
  }

  private syncPreset(): void {
    const select = this.presetSelect;
    if (!select) return;
    const i = this.presets.findIndex((p) =>
      sameWeights(fromRecord(this.ids, p.weights), this.weights, 0.005),
    );
    const value = i >= 0 ? String(i) : CUSTOM;
    if (select.value !== value) select.value = value;
  }

  setLive(live: boolean): void {
    this.liveBox.checked = live;
  }

  setPreviewCount(count: number): void {
    const k = Math.min(MAX_PREVIEW, Math.max(MIN_PREVIEW, Math.round(count)));
    this.previewCount.value = String(Number.isFinite(k) ? k : MIN_PREVIEW);
  }

  getPreviewCount(): number {
    return Number(this.previewCount.value);
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

  // ---- summary ----

  summaryStart(): void {
    this.progress.hidden = false;
    this.summaryEmpty.hidden = true;
    this.summaryNote.textContent = '';
    this.summaryNote.className = 'note';
    this.summaryMeta.replaceChildren();
    this.summaryActions.replaceChildren();
    this.summaryText.setAttribute('aria-busy', 'true');
    this.summaryText.classList.add('streaming');
    this.streamNode = document.createTextNode('');
    this.summaryText.replaceChildren(this.streamNode);
  }

  summaryAppend(delta: string): void {
    if (!this.streamNode) this.summaryStart();
    this.streamNode?.appendData(delta);
  }

  /** Shows a finished summary (or none). */
  showSummary(summary: SummaryView | null): void {
    this.progress.hidden = true;
    this.streamNode = null;
    this.summaryText.classList.remove('streaming');
    this.summaryNote.textContent = '';
    this.summaryNote.className = 'note';
    if (!summary) {
      this.summaryText.replaceChildren();
      this.summaryMeta.replaceChildren();
      this.summaryActions.replaceChildren();
      this.summaryEmpty.hidden = false;
    } else {
      this.summaryEmpty.hidden = true;
      this.summaryText.textContent = summary.text;
      this.summaryMeta.replaceChildren(...this.metaParts(summary, true));
      this.summaryActions.replaceChildren(...this.actionButtons(summary.id, ''));
    }
    this.summaryText.setAttribute('aria-busy', 'false');
  }

  /** A request failed: keep any streamed text; when none came, show the last finished summary again. */
  summaryFailed(message: string, cancelled: boolean, previous: SummaryView | null): void {
    const partial = this.streamNode?.data ?? '';
    if (partial.trim() === '') this.showSummary(previous);
    this.progress.hidden = true;
    this.streamNode = null;
    this.summaryText.classList.remove('streaming');
    this.summaryText.setAttribute('aria-busy', 'false');
    let note = cancelled ? 'Cancelled' : message || 'Summarizing failed';
    if (partial.trim() === '' && previous) note += ' — showing the previous summary';
    else if (partial.trim() !== '') note += ' — partial summary';
    this.summaryNote.textContent = note;
    this.summaryNote.className = cancelled ? 'note quiet' : 'note error';
  }

  /** A note under the summary that leaves it as it is (a request refused before it started). */
  summaryNotice(message: string, cancelled: boolean): void {
    this.summaryNote.textContent = cancelled ? 'Cancelled' : message;
    this.summaryNote.className = cancelled ? 'note quiet' : 'note error';
  }

  // ---- preview ----

  previewStart(weightsList: readonly WeightRecord[]): void {
    this.previewProgress.hidden = false;
    this.previewNote.textContent = '';
    this.previewNote.className = 'note';
    this.previewList.setAttribute('aria-busy', 'true');
    this.previewList.replaceChildren(
      ...weightsList.map((w, i) =>
        h(
          'li',
          { class: 'card pending' },
          h('h3', { class: 'card-title' }, this.cardTitle(i, fromRecord(this.ids, w))),
          h('p', { class: 'placeholder' }, 'Generating…'),
        ),
      ),
    );
  }

  showPreviews(items: readonly SummaryView[]): void {
    this.previewProgress.hidden = true;
    this.previewList.setAttribute('aria-busy', 'false');
    this.previewList.replaceChildren(...items.map((item, i) => this.previewCard(item, i)));
  }

  previewFailed(message: string, cancelled: boolean, previous: readonly SummaryView[]): void {
    this.showPreviews(previous);
    let note = cancelled ? 'Preview cancelled' : message || 'The preview failed';
    if (previous.length > 0) note += ' — showing the previous preview';
    this.previewNote.textContent = note;
    this.previewNote.className = cancelled ? 'note quiet' : 'note error';
  }

  previewNotice(message: string, cancelled: boolean): void {
    this.previewNote.textContent = cancelled ? 'Preview cancelled' : message;
    this.previewNote.className = cancelled ? 'note quiet' : 'note error';
  }

  private cardTitle(i: number, weights: readonly number[]): string {
    return `${i + 1}. ${describeWeights(this.objectives, weights, ' · ')}`;
  }

  private previewCard(item: SummaryView, i: number): HTMLLIElement {
    const w = fromRecord(this.ids, item.weights);
    const use = button(
      'Use these weights',
      () => {
        this.setWeights(w);
        this.cb.weightsCommit(this.getWeights());
      },
      { class: 'btn primary use-weights', 'aria-label': `Use the weights of summary ${i + 1}` },
    );
    return h(
      'li',
      { class: 'card', 'data-summary-id': item.id },
      h('h3', { class: 'card-title' }, this.cardTitle(i, w)),
      h('p', { class: 'card-text' }, item.text),
      h('div', { class: 'meta' }, ...this.metaParts(item, false)),
      h(
        'div',
        { class: 'actions', role: 'group', 'aria-label': `Summary ${i + 1} actions` },
        use,
        ...this.actionButtons(item.id, ` summary ${i + 1}`),
      ),
    );
  }

  // ---- shared parts ----

  private metaParts(summary: SummaryView, withWeights: boolean): HTMLElement[] {
    const facts = [formatWords(summary.words), formatTokens(summary.tokens), formatMs(summary.ms)].filter(
      Boolean,
    );
    const finish = formatFinish(summary.finishReason);
    const line = h('p', { class: 'facts' }, facts.join(' · '));
    if (finish) line.append(' · ', h('span', { class: 'finish' }, finish));
    const parts: HTMLElement[] = [line];
    if (withWeights) {
      const w = fromRecord(this.ids, summary.weights);
      const stale = !sameWeights(w, this.weights, 0.005);
      parts.push(
        h(
          'p',
          { class: 'facts weights-used' },
          `For ${describeWeights(this.objectives, w, ' · ')}`,
          stale ? h('span', { class: 'stale' }, ' (weights changed since)') : null,
        ),
      );
    }
    const est = this.estimates(summary);
    if (est) parts.push(est);
    return parts;
  }

  private estimates(summary: SummaryView): HTMLElement | null {
    const rows = this.objectives.filter((o) => typeof summary.estimates[o.id] === 'number');
    if (rows.length === 0) return null;
    const list = h('div', { class: 'estimates', role: 'group', 'aria-label': 'Estimates' });
    for (const o of rows) {
      const raw = summary.estimates[o.id] ?? 0;
      const v = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
      const pct = `${Math.round(v * 100)}%`;
      const fill = h('span', { class: 'fill' });
      fill.style.width = pct;
      const meter = h(
        'span',
        {
          class: 'bar',
          role: 'meter',
          'aria-label': `${o.label} estimate`,
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': Math.round(v * 100),
          'aria-valuetext': pct,
          title: `${o.label}: ${pct} (estimate)`,
        },
        fill,
      );
      list.append(
        h(
          'span',
          { class: 'estimate' },
          h('span', { class: 'est-label', 'aria-hidden': 'true' }, o.label),
          meter,
          h('span', { class: 'est-value', 'aria-hidden': 'true' }, pct),
        ),
      );
    }
    return list;
  }

  private actionButtons(summaryId: number, suffix: string): HTMLButtonElement[] {
    return ACTIONS.map(({ action, label }) =>
      button(label, () => this.cb.action(action, summaryId), {
        'data-action': action,
        'aria-label': suffix ? `${label}${suffix}` : null,
      }),
    );
  }

  /** Re-checks the "weights changed since" hint after the weights moved. */
  refreshStale(summary: SummaryView | null): void {
    const el = this.summaryMeta.querySelector('.weights-used');
    if (!summary || !el) return;
    const stale = !sameWeights(fromRecord(this.ids, summary.weights), this.weights, 0.005);
    const hint = el.querySelector('.stale');
    if (stale && !hint) el.append(h('span', { class: 'stale' }, ' (weights changed since)'));
    if (!stale && hint) hint.remove();
  }
}

/** The "Loading…" placeholder before init. */
export function showLoading(root: HTMLElement): void {
  root.setAttribute('aria-busy', 'true');
  root.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
}
