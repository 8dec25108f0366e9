/**
 * The Steer inference engine: load a CLP model exported to ONNX and produce steerable summaries.
 * Never imports `vscode`; the VS Code extension runs it in a child process, the `steer` CLI directly.
 */
export { loadModel, type LoadOptions, type Model } from './model';
export {
  summarize,
  preview,
  previewDetailed,
  DEFAULT_MAX_INPUT_TOKENS,
  type SummarizeOptions,
  type PreviewOptions,
  type SummaryResult,
  type PreviewItem,
  type PreviewResult,
  type TokenEvent,
  type ProgressEvent,
  type Timings,
} from './summarize';
export { summarizeStream, type StreamEvent } from './stream';
export { loadManifest, parseManifest, type Manifest, type Objective, type WeightRecord } from './manifest';
export { normaliseWeights, parseWeightsSpec, spreadWeights, formatWeights, type Weighting } from './weights';
export { DEVICE_REQUESTS, type DeviceRequest, type Provider } from './devices';
export { decodeText, checkDocument, looksBinaryText } from './text';
export type { SamplingOptions } from './generation/config';
export type { FinishReason } from './generation/generator';
export * from './errors';
export { EngineHost, serveStdio } from './host';
export {
  parseRequest,
  type Request,
  type RequestId,
  type Reply,
  type EventMessage,
  type Outgoing,
  type LoadParams,
  type LoadResult,
  type SummarizeParams,
  type PreviewParams,
  type CancelParams,
  type ErrorBody,
} from './protocol';
export { estimateObjectives, conciseEstimate, wordCount } from './estimates';
