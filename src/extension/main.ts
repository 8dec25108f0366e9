/**
 * Steer's extension entry: wires the manifest, the engine process, the steering view, the status bar and
 * the commands, and registers every disposable in one place. The engine starts on first use.
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { WeightRecord } from '../common/messages';
import { loadManifest, normaliseWeights, type LoadParams, type Manifest } from '../engine/extension-api';
import { registerCommands } from './commands';
import { affectsEngine, engineTimeoutsFromEnv, readConfig } from './config';
import { EngineClient, type ClientState } from './engine-client';
import { StatusBar } from './status-bar';
import { STEERING_VIEW_ID, SteeringView } from './steering-view';
import { SUMMARY_SCHEME, SummaryDocuments } from './summary-documents';
import { Summarizer } from './summarizer';

export const BUNDLED_MODEL = 'models/clp-smollm2-135m';

let stopEngine: (() => Promise<void>) | undefined;

/** What activate() returns: for tests and other extensions. */
export interface SteerApi {
  modelDir(): string;
  engineState(): ClientState;
  enginePid(): number | undefined;
  device(): string | undefined;
  /** The last error reported to the user (by a command, or the engine's supervisor). */
  lastError(): string | undefined;
  /** Every error message shown to the user since activation, oldest first (tests count them). */
  errorsShown(): readonly string[];
}

function modelDir(context: vscode.ExtensionContext): string {
  const configured = readConfig().modelPath;
  return configured || vscode.Uri.joinPath(context.extensionUri, ...BUNDLED_MODEL.split('/')).fsPath;
}

function loadParams(context: vscode.ExtensionContext): LoadParams {
  const c = readConfig();
  return { dir: modelDir(context), device: c.device, ...(c.threads > 0 ? { threads: c.threads } : {}) };
}

export function activate(context: vscode.ExtensionContext): SteerApi {
  const output = vscode.window.createOutputChannel('Steer');
  let lastError: string | undefined;
  const errorsShown: string[] = [];
  const shown = (message: string) => {
    lastError = message;
    errorsShown.push(message);
  };
  const log = (line: string) => output.appendLine(line);

  let manifestCache: { dir: string; manifest: Manifest } | null = null;
  const manifest = (): Manifest => {
    const dir = modelDir(context);
    if (manifestCache?.dir !== dir) {
      if (!existsSync(dir))
        throw new Error(
          `No model at ${dir}. Check the "steer.modelPath" setting, or reinstall the extension.`,
        );
      manifestCache = { dir, manifest: loadManifest(dir) };
    }
    return manifestCache.manifest;
  };
  const defaultWeights = (): WeightRecord => {
    const m = manifest();
    const configured = readConfig().defaultWeights;
    try {
      return Object.keys(configured).length > 0
        ? normaliseWeights(m.objectives, configured).record
        : m.defaultWeights;
    } catch (e) {
      log(`steer.defaultWeights ignored: ${e instanceof Error ? e.message : String(e)}`);
      return m.defaultWeights;
    }
  };

  let currentLoad = loadParams(context);
  const client = new EngineClient({
    hostScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine-host.js').fsPath,
    load: currentLoad,
    log: (line) => log(`[engine] ${line}`),
    timeouts: engineTimeoutsFromEnv(log),
    onState: (state, info) => {
      if (info)
        log(
          `model ${info.id} loaded on ${info.device} (${info.graph} graph) in ${Math.round(info.loadMs)} ms`,
        );
      if (state === 'failed') log('the engine failed to start or load the model');
      status.render();
      view.postStatus();
    },
    onCrash: (message) => {
      log(message);
      shown(message);
      void vscode.window.showErrorMessage(message, 'Show Log').then((pick) => pick && output.show(true));
    },
  });
  const summarizer = new Summarizer(client, manifest, () => readConfig().maxSummaryTokens);
  const documents = new SummaryDocuments();
  // the client's callbacks above run only once a request starts, after these exist
  const status = new StatusBar(client);
  const view = new SteeringView({
    extensionUri: context.extensionUri,
    memento: context.workspaceState,
    manifest,
    defaultWeights,
    liveDebounceMs: () => readConfig().liveDebounceMs,
    summarizer,
    client,
    log,
  });

  context.subscriptions.push(
    output,
    documents,
    status,
    view,
    vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, documents),
    vscode.window.registerWebviewViewProvider(STEERING_VIEW_ID, view, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    ...registerCommands({
      manifest,
      summarizer,
      client,
      view,
      documents,
      status,
      output,
      onError: shown,
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // a settings file that changed without changing the effective values (e.g. a workspace's attempt at
      // a machine setting) must not restart the engine under a running summary
      if (affectsEngine(e) && JSON.stringify(loadParams(context)) !== JSON.stringify(currentLoad)) {
        currentLoad = loadParams(context);
        manifestCache = null;
        log('engine settings changed: the engine restarts on the next summary');
        void client.reconfigure(currentLoad).then(() => status.render());
      }
    }),
  );
  stopEngine = () => client.stop();

  return {
    modelDir: () => modelDir(context),
    engineState: () => client.state,
    enginePid: () => client.pid,
    device: () => client.info?.device,
    lastError: () => lastError,
    errorsShown: () => errorsShown,
  };
}

/** VS Code waits for the engine process to shut down (everything else is in context.subscriptions). */
export function deactivate(): Promise<void> | undefined {
  return stopEngine?.();
}
