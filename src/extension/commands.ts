/**
 * The commands, each a small factory over the extension's context. Summarizing commands return the
 * SummaryView they produced (or undefined when cancelled), which tests and other extensions can use.
 */
import * as vscode from 'vscode';
import type { SummaryView, WeightRecord } from '../common/messages';
import { DEVICE_REQUESTS, formatWeights, type DeviceRequest, type Manifest } from '../engine/extension-api';
import { readConfig } from './config';
import type { EngineClient } from './engine-client';
import { deliver } from './output';
import { sourceFromEditor, sourceFromUri, type Source } from './source';
import { STEERING_VIEW_ID, type SteeringView } from './steering-view';
import type { StatusBar } from './status-bar';
import type { SummaryDocuments } from './summary-documents';
import type { Summarizer } from './summarizer';

export interface Ctx {
  manifest: () => Manifest;
  summarizer: Summarizer;
  client: EngineClient;
  view: SteeringView;
  documents: SummaryDocuments;
  status: StatusBar;
  output: vscode.OutputChannel;
  /** Every error a command reports to the user (the API's lastError, for tests). */
  onError?: (message: string) => void;
}

type Command = (...args: unknown[]) => unknown;

function fail(ctx: Ctx, e: unknown): undefined {
  const message = e instanceof Error ? e.message : String(e);
  ctx.output.appendLine(`error: ${message}`);
  // a crash the engine's supervisor has already reported (and is recovering from): one message is enough
  if ((e as { reported?: unknown }).reported === true) return undefined;
  ctx.onError?.(message);
  void vscode.window.showErrorMessage(`Steer: ${message}`, 'Show Log').then((pick) => {
    if (pick) ctx.output.show(true);
  });
  return undefined;
}

function isCancelled(e: unknown): boolean {
  return (e as { cancelled?: unknown }).cancelled === true;
}

/** Summarizes a source with progress and cancel, then delivers it as the `outputMode` setting says. */
async function summarizeSource(
  ctx: Ctx,
  source: Source,
  weights: WeightRecord,
): Promise<SummaryView | undefined> {
  ctx.manifest(); // a missing or broken model is reported before anything starts
  if (source.text.trim().length === 0) {
    void vscode.window.showInformationMessage('Steer: there is no text to summarize.');
    return undefined;
  }
  const mode = readConfig().outputMode;
  const panel =
    mode === 'sidePanel' ? ctx.documents.create(source.uri.path.split('/').pop() ?? 'text') : undefined;
  if (panel) await ctx.documents.show(panel);
  const work = vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Steer: summarizing ${source.label}`,
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let generated = 0;
      try {
        return await ctx.summarizer.summarize(source, weights, {
          signal: controller.signal,
          onProgress: (p) => progress.report({ message: p.message }),
          onText: (delta) => {
            generated++;
            if (panel) ctx.documents.append(panel, delta);
            if (generated % 8 === 0) progress.report({ message: `${generated} tokens` });
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
  try {
    const summary = await ctx.status.track(Promise.resolve(work));
    ctx.output.appendLine(
      `summary of ${source.label} [${formatWeights(summary.weights)}]: ${summary.tokens} tokens in ${summary.ms} ms`,
    );
    if (panel) ctx.documents.set(panel, summary.text);
    else await deliver(summary.text, source, mode === 'sidePanel' ? 'newDocument' : mode);
    return summary;
  } catch (e) {
    if (panel) ctx.documents.set(panel, isCancelled(e) ? '(cancelled)' : `(failed: ${String(e)})`);
    return isCancelled(e) ? undefined : fail(ctx, e);
  }
}

function activeSource(preferSelection: boolean): Source | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('Steer: open a file or select text to summarize.');
    return undefined;
  }
  return sourceFromEditor(editor, preferSelection);
}

const summarizeSelection =
  (ctx: Ctx): Command =>
  () => {
    const source = activeSource(true);
    return source && summarizeSource(ctx, source, ctx.view.weights);
  };

const summarizeFile =
  (ctx: Ctx): Command =>
  async (uri?: unknown) => {
    try {
      const source = uri instanceof vscode.Uri ? await sourceFromUri(uri) : activeSource(false);
      return source && (await summarizeSource(ctx, source, ctx.view.weights));
    } catch (e) {
      return fail(ctx, e);
    }
  };

const summarizeWithPreset =
  (ctx: Ctx): Command =>
  async (name?: unknown) => {
    const presets = ctx.manifest().presets;
    let pick = typeof name === 'string' && name in presets ? name : undefined;
    if (!pick) {
      const item = await vscode.window.showQuickPick(
        Object.entries(presets).map(([label, w]) => ({ label, description: formatWeights(w) })),
        { title: 'Summarize with preset', placeHolder: 'Pick a trade-off' },
      );
      pick = item?.label;
    }
    if (!pick) return undefined;
    const source = activeSource(true);
    return source && summarizeSource(ctx, source, presets[pick]!);
  };

const showTradeoffPreview =
  (ctx: Ctx): Command =>
  async () => {
    await vscode.commands.executeCommand(`${STEERING_VIEW_ID}.focus`);
    return ctx.status.track(ctx.view.preview());
  };

const selectDevice =
  (ctx: Ctx): Command =>
  async (device?: unknown) => {
    let pick =
      typeof device === 'string' && DEVICE_REQUESTS.includes(device as DeviceRequest) ? device : undefined;
    if (!pick) {
      const current = readConfig().device;
      const info = ctx.client.info;
      const item = await vscode.window.showQuickPick(
        DEVICE_REQUESTS.map((d) => ({
          label: d,
          description: [
            d === current ? 'current setting' : '',
            info && d === info.device ? 'in use' : '',
            d === 'auto' ? 'a GPU where one is usable, else the CPU' : '',
          ]
            .filter(Boolean)
            .join(' · '),
        })),
        { title: 'Steer: device for the model', placeHolder: info ? `In use: ${info.device}` : undefined },
      );
      pick = item?.label;
    }
    if (!pick) return undefined;
    await vscode.workspace
      .getConfiguration('steer')
      .update('device', pick, vscode.ConfigurationTarget.Global);
    return pick;
  };

const openSteeringView = (): Command => () => vscode.commands.executeCommand(`${STEERING_VIEW_ID}.focus`);

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const commands: Record<string, Command> = {
    'steer.summarizeSelection': summarizeSelection(ctx),
    'steer.summarizeFile': summarizeFile(ctx),
    'steer.summarizeWithPreset': summarizeWithPreset(ctx),
    'steer.showTradeoffPreview': showTradeoffPreview(ctx),
    'steer.selectDevice': selectDevice(ctx),
    'steer.openSteeringView': openSteeringView(),
  };
  // a command never throws at VS Code: every failure (a bad model path, a broken manifest) is reported
  const reported =
    (fn: Command): Command =>
    async (...args) => {
      try {
        return await fn(...args);
      } catch (e) {
        return fail(ctx, e);
      }
    };
  return Object.entries(commands).map(([id, fn]) => vscode.commands.registerCommand(id, reported(fn)));
}
