/** Text formatting shared by the view parts (pure). */

import type { EngineStatus, ObjectiveInfo, SourceInfo } from '../common/messages';
import { percentages } from './simplex';

/** "Concise 50%, Faithful 30%, Complete 20%" (percentages summing to 100). */
export function describeWeights(
  objectives: readonly ObjectiveInfo[],
  weights: readonly number[],
  separator = ', ',
): string {
  const pct = percentages(weights);
  return objectives.map((o, i) => `${o.label} ${pct[i] ?? 0}%`).join(separator);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export const formatWords = (n: number): string => plural(n, 'word', 'words');
export const formatTokens = (n: number): string => plural(n, 'token', 'tokens');

/** A finish reason worth showing, or null for a normal end ("eos", "stop"). */
export function formatFinish(reason: string): string | null {
  if (!reason || reason === 'eos' || reason === 'stop') return null;
  if (reason === 'length') return 'stopped at the length limit';
  if (reason === 'cancelled') return 'cancelled';
  return `ended: ${reason}`;
}

const STATE_TEXT: Record<EngineStatus['state'], string> = {
  stopped: 'Model not loaded',
  loading: 'Loading model…',
  ready: 'Ready',
  busy: 'Working…',
  error: 'Error',
};

export function formatStatus(status: EngineStatus | null): string {
  if (!status) return '';
  let text = STATE_TEXT[status.state] ?? status.state;
  if (status.device) text += ` · ${status.device}`;
  if (status.message) text += ` — ${status.message}`;
  return text;
}

export function formatSource(source: SourceInfo | null | undefined): string {
  return source ? source.label : 'Open a file or select text to summarize';
}
