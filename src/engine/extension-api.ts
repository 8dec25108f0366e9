/**
 * The one entry through which the VS Code extension uses the engine. Only modules that never load
 * onnxruntime are exported here: the extension host must not load it (inference runs in the engine process,
 * src/engine/host-main.ts), and scripts/build.mjs fails the build if dist/extension.js would.
 */
export { DEVICE_REQUESTS, type DeviceRequest } from './devices';
export { estimateObjectives, wordCount } from './estimates';
export { loadManifest, type Manifest } from './manifest';
export type { LoadParams, LoadResult, PreviewParams, SummarizeParams } from './protocol';
export type { PreviewResultMessage, RequestId } from './protocol';
export type { ProgressEvent, SummaryResult, TokenEvent } from './summarize';
export { formatWeights, normaliseWeights, spreadWeights } from './weights';
