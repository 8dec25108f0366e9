/** Typed access to the `steer.*` settings (contributed in package.json), and the engine's deadlines. */
import * as vscode from 'vscode';
import type { WeightRecord } from '../common/messages';
import { DEVICE_REQUESTS, type DeviceRequest } from '../engine/extension-api';
import { DEFAULT_TIMEOUTS, type Timeouts } from './engine-client';

export type OutputMode = 'sidePanel' | 'insertBelow' | 'replace' | 'clipboard' | 'newDocument';
export const OUTPUT_MODES: readonly OutputMode[] = [
  'sidePanel',
  'insertBelow',
  'replace',
  'clipboard',
  'newDocument',
];

export interface SteerConfig {
  /** Empty: the model's own default weights. */
  defaultWeights: WeightRecord;
  device: DeviceRequest;
  /** Maximum new tokens of a summary; 0: the model's default. */
  maxSummaryTokens: number;
  outputMode: OutputMode;
  /** A model directory (with manifest.json); empty: the model that ships with the extension. */
  modelPath: string;
  /** Inference threads; 0: the engine's default. */
  threads: number;
  liveDebounceMs: number;
}

function weightsSetting(v: unknown): WeightRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const out: WeightRecord = {};
  for (const [k, x] of Object.entries(v))
    if (typeof x === 'number' && Number.isFinite(x) && x >= 0) out[k] = x;
  return out;
}

export function readConfig(): SteerConfig {
  const c = vscode.workspace.getConfiguration('steer');
  const device = c.get<string>('device', 'auto');
  const mode = c.get<string>('outputMode', 'sidePanel');
  return {
    defaultWeights: weightsSetting(c.get('defaultWeights')),
    device: DEVICE_REQUESTS.includes(device as DeviceRequest) ? (device as DeviceRequest) : 'auto',
    maxSummaryTokens: Math.max(0, Math.floor(c.get<number>('maxSummaryTokens', 0))),
    outputMode: OUTPUT_MODES.includes(mode as OutputMode) ? (mode as OutputMode) : 'sidePanel',
    modelPath: c.get<string>('modelPath', '').trim(),
    threads: Math.max(0, Math.floor(c.get<number>('threads', 0))),
    liveDebounceMs: Math.max(0, Math.floor(c.get<number>('liveDebounceMs', 300))),
  };
}

/** Whether a configuration change affects how the engine is loaded (then it restarts). */
export function affectsEngine(e: vscode.ConfigurationChangeEvent): boolean {
  return ['steer.device', 'steer.modelPath', 'steer.threads'].some((k) => e.affectsConfiguration(k));
}

/**
 * Shorter engine deadlines from the environment (STEER_ENGINE_TIMEOUTS, JSON such as `{"idleMs": 10000}`):
 * the fault-injection tests freeze the engine and cannot wait the real minutes for the watchdog. Not a
 * setting, because no user needs it; unknown keys and values that are not positive numbers are ignored.
 */
export function engineTimeoutsFromEnv(log: (line: string) => void): Partial<Timeouts> {
  const raw = process.env.STEER_ENGINE_TIMEOUTS;
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    log(`STEER_ENGINE_TIMEOUTS ignored: not JSON: ${raw}`);
    return {};
  }
  const out: Partial<Timeouts> = {};
  if (typeof parsed !== 'object' || parsed === null) return out;
  for (const key of Object.keys(DEFAULT_TIMEOUTS) as (keyof Timeouts)[]) {
    const v = (parsed as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = v;
  }
  log(`engine deadlines from STEER_ENGINE_TIMEOUTS: ${JSON.stringify(out)}`);
  return out;
}
