/**
 * The parts of a finished summary that the summary panel and the preview's cards both show: its facts
 * (words, tokens, time, why it ended), the weights it was made for, the estimate bars and the action buttons.
 */
import type { SummaryAction, SummaryView } from '../common/messages';
import { button, h } from './dom';
import { describeWeights, formatFinish, formatMs, formatTokens, formatWords } from './format';
import type { PanelContext } from './panel';
import { fromRecord } from './simplex';

const ACTIONS: readonly { action: SummaryAction; label: string }[] = [
  { action: 'insert', label: 'Insert' },
  { action: 'replace', label: 'Replace' },
  { action: 'copy', label: 'Copy' },
  { action: 'openDocument', label: 'Open as document' },
];

export const STALE_HINT = ' (weights changed since)';

/** The facts line, the weights line (when `stale` is given: whether they have changed since), estimates. */
export function metaParts(ctx: PanelContext, summary: SummaryView, stale: boolean | null): HTMLElement[] {
  const facts = [formatWords(summary.words), formatTokens(summary.tokens), formatMs(summary.ms)].filter(
    Boolean,
  );
  const finish = formatFinish(summary.finishReason);
  const line = h('p', { class: 'facts' }, facts.join(' · '));
  if (finish) line.append(' · ', h('span', { class: 'finish' }, finish));
  const parts: HTMLElement[] = [line];
  if (stale !== null) {
    const w = fromRecord(ctx.ids, summary.weights);
    parts.push(
      h(
        'p',
        { class: 'facts weights-used' },
        `For ${describeWeights(ctx.objectives, w, ' · ')}`,
        stale ? h('span', { class: 'stale' }, STALE_HINT) : null,
      ),
    );
  }
  if (summary.writtenAt) {
    const at = describeWeights(ctx.objectives, fromRecord(ctx.ids, summary.writtenAt), ' · ');
    parts.push(
      h(
        'p',
        { class: 'facts written-at' },
        `Written at ${at}: no usable summary came at the weights asked for`,
      ),
    );
  }
  const est = estimates(ctx, summary);
  if (est) parts.push(est);
  return parts;
}

function estimates(ctx: PanelContext, summary: SummaryView): HTMLElement | null {
  const rows = ctx.objectives.filter((o) => typeof summary.estimates[o.id] === 'number');
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

/** Insert, Replace, Copy, Open as document for one summary; `suffix` names it for screen readers. */
export function actionButtons(ctx: PanelContext, summaryId: number, suffix: string): HTMLButtonElement[] {
  return ACTIONS.map(({ action, label }) =>
    button(label, () => ctx.cb.action(action, summaryId), {
      'data-action': action,
      'aria-label': suffix ? `${label}${suffix}` : null,
    }),
  );
}
