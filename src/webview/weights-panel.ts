/**
 * The view's "Weights" section: presets, the triangle (three objectives), a slider per objective (or one
 * slider between two), Live and Summarize. It owns the weights the view shows; moving any control updates
 * the others and reports the weights through the callbacks.
 */
import type { ObjectiveInfo, PresetInfo } from '../common/messages';
import { button, h, idPart, percentSlider } from './dom';
import { describeWeights } from './format';
import { Panel, section, type PanelContext } from './panel';
import { fromRecord, percentages, sameWeights, setWeight, sliderToTwo, twoToSlider } from './simplex';
import { createTriangle, type TrianglePicker } from './triangle';

const CUSTOM = '';

interface SliderRefs {
  input: HTMLInputElement;
  /** The percentage shown beside each objective's label (two for the two-objective slider). */
  pcts: HTMLElement[];
}

export class WeightsPanel extends Panel {
  readonly element: HTMLElement;
  private readonly objectives: readonly ObjectiveInfo[];
  private readonly ids: readonly string[];
  private weights: number[];
  /** The weights when a slider drag started: the others keep their ratio from here. */
  private dragBase: number[] | null = null;
  private readonly sliders: SliderRefs[] = [];
  private triangle: TrianglePicker | null = null;
  private readonly presetSelect: HTMLSelectElement | null;
  private readonly liveBox: HTMLInputElement;

  constructor(
    ctx: PanelContext,
    private readonly presets: readonly PresetInfo[],
    weights: readonly number[],
    live: boolean,
  ) {
    super(ctx);
    this.objectives = ctx.objectives;
    this.ids = ctx.ids;
    this.weights = [...weights];
    this.presetSelect = this.buildPresets();
    this.liveBox = h('input', { type: 'checkbox', id: 'live', 'aria-describedby': 'live-help' });
    this.liveBox.checked = live;
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
    this.element = section(
      'weights',
      'Weights',
      this.presetSelect
        ? h('div', { class: 'row' }, h('label', { for: 'presets' }, 'Preset'), this.presetSelect)
        : null,
      this.buildTriangle(),
      this.buildSliders(),
      controls,
    );
    this.showWeights();
  }

  private get cb(): PanelContext['cb'] {
    return this.ctx.cb;
  }

  getWeights(): number[] {
    return [...this.weights];
  }

  /** Sets the weights from outside (the extension's setWeights): no callbacks. */
  setWeights(weights: readonly number[]): void {
    this.dragBase = null;
    this.weights = [...weights];
    this.showWeights();
  }

  isLive(): boolean {
    return this.liveBox.checked;
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
}
