/**
 * Opens the onnxruntime-node InferenceSession for a model: picks the execution provider and the graph
 * variant, and checks the graph against the manifest's io contract.
 *
 * Device `auto` tries the GPU providers this platform offers (cuda, dml, coreml, webgpu) in turn and falls
 * back to cpu, keeping the reason; `gpu` does the same but fails instead of falling back; `cpu` or a
 * provider name asks for exactly that.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InferenceSession, env, listSupportedBackends } from 'onnxruntime-node';
import { BadManifest, BadOptions, DeviceUnavailable, ModelNotFound, errorMessage } from './errors';
import { layerName, modelFile, type Manifest } from './manifest';
import {
  DEVICE_REQUESTS,
  GPU_PROVIDERS,
  type DeviceRequest,
  type GpuProvider,
  type Provider,
} from './devices';

export { DEVICE_REQUESTS, GPU_PROVIDERS, type DeviceRequest, type GpuProvider, type Provider };

export interface SessionRequest {
  device?: DeviceRequest;
  /**
   * A key of `manifest.graphs`; default on cpu: `fast` (the fused graph, when its file is present), then
   * `quantized`; on a GPU `float32`, then `quantized`.
   */
  graph?: string;
  /** onnxruntime intra-op threads (default: onnxruntime's choice, one per physical core). */
  threads?: number;
  /**
   * Whether onnxruntime's intra-op threads spin while waiting for work (onnxruntime's default). Default
   * false: on a machine whose CPUs are shared (an editor, a language server, a training run) spinning threads
   * fight the other processes, and a decode step took twice as long (99 vs 45 ms on a busy 2-core machine,
   * bench/results.md); on an idle machine the cost of not spinning is small.
   */
  spinning?: boolean;
}

export interface DeviceAttempt {
  provider: Provider;
  graph: string;
  error: string | null;
}

export interface OpenedSession {
  session: InferenceSession;
  /** The execution provider actually used. */
  device: Provider;
  graph: string;
  graphPath: string;
  /** Why a GPU was not used when `auto` fell back to cpu; null otherwise. */
  fallbackReason: string | null;
  attempts: DeviceAttempt[];
}

/** GPU providers worth trying on this platform, in order of preference. */
export function platformGpuProviders(platform: NodeJS.Platform = process.platform): GpuProvider[] {
  const listed = new Set(safeBackends());
  const byPlatform: Record<string, GpuProvider[]> = {
    linux: ['cuda', 'webgpu'],
    win32: ['dml', 'cuda', 'webgpu'],
    darwin: ['coreml', 'webgpu'],
  };
  const candidates = byPlatform[platform] ?? [];
  // listSupportedBackends() names what this build of onnxruntime-node knows; cuda shows up even when its
  // libraries are missing, which the attempt itself then reports.
  return listed.size === 0 ? candidates : candidates.filter((p) => listed.has(p));
}

/** The directory of onnxruntime-node's native binaries for this platform, or null. */
function bindingDir(): string | null {
  try {
    const dist = dirname(require.resolve('onnxruntime-node'));
    return join(dist, '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/**
 * Why a GPU provider cannot work here, found without trying it (trying writes onnxruntime's and the GPU
 * driver's own errors to stderr); null when it is worth a try.
 */
export function providerUnavailableReason(provider: GpuProvider): string | null {
  if (process.platform !== 'linux') return null;
  if (provider === 'cuda') {
    const dir = bindingDir();
    if (dir && !existsSync(join(dir, 'libonnxruntime_providers_cuda.so')))
      return 'the CUDA provider is not installed (reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine with CUDA 12)';
  }
  if (provider === 'webgpu' && !existsSync('/dev/dri')) return 'no GPU device (/dev/dri) on this machine';
  return null;
}

function safeBackends(): string[] {
  try {
    return listSupportedBackends().map((b) => b.name);
  } catch {
    return [];
  }
}

/**
 * The requested graph, or by default: `fast` on cpu, then `quantized`; `float32` then `quantized` elsewhere;
 * among the graphs whose file is present (a packaged extension ships only the `fast` graph); `dir`
 * undefined: don't look at files. `fast` (GroupQueryAttention, 4-bit, int8 compute) decodes 1.57x faster than
 * `quantized` and gives the first token sooner on an idle 2-core machine, and steers as well
 * (docs/architecture.md, "Fused graph").
 */
export function chooseGraph(
  manifest: Manifest,
  provider: Provider,
  requested: string | undefined,
  dir?: string,
): string {
  if (requested !== undefined) {
    if (!(requested in manifest.graphs))
      throw new BadOptions(
        `The model has no "${requested}" graph; it has: ${Object.keys(manifest.graphs).join(', ')}.`,
      );
    return requested;
  }
  const present = (g: string) =>
    g in manifest.graphs && (dir === undefined || existsSync(join(dir, manifest.graphs[g]!)));
  const order = provider === 'cpu' ? ['fast', 'quantized', 'float32'] : ['float32', 'quantized'];
  return (
    order.find(present) ?? Object.keys(manifest.graphs).find(present) ?? Object.keys(manifest.graphs)[0]!
  );
}

/**
 * Why `graph` cannot run on a GPU provider, or null: the fused graphs' GroupQueryAttention runs in float16
 * only there, and theirs is float32 (with the packaged extension, which carries only `fast`, a GPU is passed over).
 */
export function gpuUnfitReason(manifest: Manifest, graph: string): string | null {
  return manifest.sharedKvCache.includes(graph)
    ? `the ${graph} graph runs on cpu only (its GroupQueryAttention is float32); a model directory with the float32 or quantized graph can use a GPU`
    : null;
}

function graphFile(dir: string, manifest: Manifest, graph: string): string {
  const file = modelFile(dir, manifest.graphs[graph]!, `graphs.${graph}`);
  if (!existsSync(file))
    throw new ModelNotFound(
      `The ${graph} graph ${file} is missing; build it with "npm run setup" (or pick another with --graph).`,
    );
  return file;
}

async function create(
  file: string,
  provider: Provider,
  threads: number | undefined,
  spinning = false,
): Promise<InferenceSession> {
  if (!process.env.STEER_DEBUG) env.logLevel = 'fatal';
  const options: InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    // Errors reach the caller as exceptions; keep onnxruntime's own log quiet unless debugging.
    logSeverityLevel: process.env.STEER_DEBUG ? 2 : 4,
  };
  if (threads !== undefined) options.intraOpNumThreads = threads;
  if (provider === 'cpu' && !spinning)
    options.extra = { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } };
  return InferenceSession.create(file, options);
}

/** Checks that the graph has the inputs and outputs the manifest promises. */
export function checkContract(session: InferenceSession, manifest: Manifest, file: string): void {
  const { names, numLayers } = manifest.io;
  const need = [names.inputIds, names.weights];
  for (let i = 0; i < numLayers; i++) need.push(layerName(names.pastKey, i), layerName(names.pastValue, i));
  const missing = need.filter((n) => !session.inputNames.includes(n));
  const outNeed = [
    names.logits,
    layerName(names.presentKey, 0),
    layerName(names.presentValue, numLayers - 1),
  ];
  const missingOut = outNeed.filter((n) => !session.outputNames.includes(n));
  if (missing.length > 0 || missingOut.length > 0)
    throw new BadManifest(
      `The graph ${file} does not match its manifest: missing ${[...missing, ...missingOut].slice(0, 4).join(', ')}` +
        `${missing.length + missingOut.length > 4 ? ', ...' : ''}. Rebuild the model.`,
    );
  const pastCount = session.inputNames.filter((n) => n.startsWith(names.pastKey.split('{i}')[0]!)).length;
  if (pastCount > 2 * numLayers)
    throw new BadManifest(
      `The graph ${file} has more past inputs than the manifest's ${numLayers} layers. Rebuild the model.`,
    );
  const w = session.inputMetadata.find((m) => m.name === names.weights);
  if (w && w.isTensor) {
    const m = w.shape[1];
    if (typeof m === 'number' && m !== manifest.objectives.length)
      throw new BadManifest(
        `The graph takes ${m} weights but the manifest lists ${manifest.objectives.length} objectives. Rebuild the model.`,
      );
  }
}

/** Opens the session as `request` asks. */
export async function openSession(
  dir: string,
  manifest: Manifest,
  request: SessionRequest = {},
): Promise<OpenedSession> {
  const device = request.device ?? 'auto';
  if (!DEVICE_REQUESTS.includes(device))
    throw new BadOptions(`Unknown device "${String(device)}"; use one of ${DEVICE_REQUESTS.join(', ')}.`);
  if (request.threads !== undefined && (!Number.isInteger(request.threads) || request.threads < 1))
    throw new BadOptions(`threads must be a positive integer, got ${request.threads}.`);

  const attempts: DeviceAttempt[] = [];
  const gpus: GpuProvider[] =
    device === 'auto' || device === 'gpu' ? platformGpuProviders() : device === 'cpu' ? [] : [device];

  for (const provider of gpus) {
    const graph = chooseGraph(manifest, provider, request.graph, dir);
    const unavailable = providerUnavailableReason(provider) ?? gpuUnfitReason(manifest, graph);
    if (unavailable !== null) {
      attempts.push({ provider, graph, error: unavailable });
      continue;
    }
    const file = graphFile(dir, manifest, graph);
    try {
      const session = await create(file, provider, request.threads, request.spinning);
      checkContract(session, manifest, file);
      return {
        session,
        device: provider,
        graph,
        graphPath: file,
        fallbackReason: null,
        attempts: [...attempts, { provider, graph, error: null }],
      };
    } catch (e) {
      if (e instanceof BadManifest) throw e;
      attempts.push({ provider, graph, error: firstLine(errorMessage(e)) });
    }
  }

  if (device !== 'auto' && device !== 'cpu') {
    const why =
      attempts.length === 0 ? `no GPU provider is available on ${process.platform}` : describe(attempts);
    throw new DeviceUnavailable(`No GPU could be used (${why}). Use --device cpu or --device auto.`);
  }

  const graph = chooseGraph(manifest, 'cpu', request.graph, dir);
  const file = graphFile(dir, manifest, graph);
  let session: InferenceSession;
  try {
    session = await create(file, 'cpu', request.threads, request.spinning);
  } catch (e) {
    throw new BadManifest(
      `onnxruntime could not load ${file}: ${firstLine(errorMessage(e))}. Rebuild the model.`,
      { cause: e },
    );
  }
  checkContract(session, manifest, file);
  attempts.push({ provider: 'cpu', graph, error: null });
  const fallbackReason =
    device === 'auto'
      ? gpus.length === 0
        ? `no GPU provider on ${process.platform}`
        : describe(attempts.filter((a) => a.error))
      : null;
  return { session, device: 'cpu', graph, graphPath: file, fallbackReason, attempts };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function describe(attempts: readonly DeviceAttempt[]): string {
  return attempts.map((a) => `${a.provider}: ${a.error ?? 'ok'}`).join('; ');
}
