/**
 * The engine process protocol (JSON lines over stdin/stdout), as in DESIGN.md:
 * requests `{id, method, params}`, replies `{id, result}` or `{id, error: {code, message}}`, events
 * `{id, event: 'token'|'progress', data}`. Types and the validation of incoming requests.
 */
import type { SamplingOptions } from './generation/config';
import type { Manifest, WeightRecord } from './manifest';
import type { DeviceRequest, Provider } from './devices';
import type { PreviewItem, ProgressEvent, SummaryResult, Timings, TokenEvent } from './summarize';

export type RequestId = number | string;

/** The most weightings one preview may decode together (the CLI's --preview and the view share it). */
export const MAX_WEIGHTINGS = 8;
/** The most summaries and previews one engine process runs at once; more are refused with BUSY. */
export const MAX_CONCURRENT_REQUESTS = 4;

export interface LoadParams {
  dir: string;
  device?: DeviceRequest;
  graph?: string;
  threads?: number;
}

export interface GenerateParams {
  text: string;
  maxNewTokens?: number;
  sampling?: SamplingOptions;
  maxInputTokens?: number;
  /** Send `token` events (default true for summarize, false for preview). */
  stream?: boolean;
}

export interface SummarizeParams extends GenerateParams {
  weights?: WeightRecord;
}

export interface PreviewParams extends GenerateParams {
  weightsList: WeightRecord[];
}

export interface CancelParams {
  /** The id of the request to cancel. */
  id: RequestId;
}

export type Request =
  | { id: RequestId; method: 'load'; params: LoadParams }
  | { id: RequestId; method: 'summarize'; params: SummarizeParams }
  | { id: RequestId; method: 'preview'; params: PreviewParams }
  | { id: RequestId; method: 'cancel'; params: CancelParams }
  | { id: RequestId; method: 'shutdown'; params: Record<string, never> };

export interface LoadResult {
  id: string;
  device: Provider;
  deviceNote: string | null;
  graph: string;
  batchInvariant: boolean;
  loadMs: number;
  manifest: Manifest;
}

export type SummarizeResult = SummaryResult;

export interface PreviewResultMessage {
  items: PreviewItem[];
  timings: Timings;
}

export interface ErrorBody {
  /** A SteerErrorCode, or BAD_REQUEST / NO_MODEL / INTERNAL. */
  code: string;
  message: string;
}

export type Reply =
  | {
      id: RequestId;
      result: LoadResult | SummarizeResult | PreviewResultMessage | { cancelled: boolean } | null;
    }
  | { id: RequestId | null; error: ErrorBody };

export type EventMessage =
  | { id: RequestId; event: 'token'; data: TokenEvent }
  | { id: RequestId; event: 'progress'; data: ProgressEvent };

export type Outgoing = Reply | EventMessage;

export class BadRequest extends Error {
  override name = 'BadRequest';
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optional<T>(o: JsonObject, key: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!check(v)) throw new BadRequest(`params.${key} must be ${what}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isWeights = (v: unknown): v is WeightRecord => isObject(v) && Object.values(v).every(isNumber);
const isSampling = (v: unknown): v is SamplingOptions => isObject(v) && Object.values(v).every(isNumber);
const isId = (v: unknown): v is RequestId =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

function generateParams(p: JsonObject): GenerateParams {
  if (typeof p.text !== 'string') throw new BadRequest('params.text must be a string');
  const out: GenerateParams = { text: p.text };
  const maxNewTokens = optional(p, 'maxNewTokens', isNumber, 'a number');
  const maxInputTokens = optional(p, 'maxInputTokens', isNumber, 'a number');
  const sampling = optional(p, 'sampling', isSampling, 'an object of numbers');
  const stream = optional(p, 'stream', isBoolean, 'true or false');
  if (maxNewTokens !== undefined) out.maxNewTokens = maxNewTokens;
  if (maxInputTokens !== undefined) out.maxInputTokens = maxInputTokens;
  if (sampling !== undefined) out.sampling = sampling;
  if (stream !== undefined) out.stream = stream;
  return out;
}

/** Validates one parsed JSON message as a request. */
export function parseRequest(message: unknown): Request {
  if (!isObject(message)) throw new BadRequest('a request must be a JSON object');
  const { id, method } = message;
  if (!isId(id)) throw new BadRequest('a request needs an "id" (number or string)');
  const p = message.params === undefined ? {} : message.params;
  if (!isObject(p)) throw new BadRequest('"params" must be an object');
  switch (method) {
    case 'load': {
      if (typeof p.dir !== 'string' || p.dir.length === 0)
        throw new BadRequest('params.dir must be a model directory');
      const params: LoadParams = { dir: p.dir };
      const device = optional(p, 'device', isString, 'a string');
      const graph = optional(p, 'graph', isString, 'a string');
      const threads = optional(p, 'threads', isNumber, 'a number');
      if (device !== undefined) params.device = device as DeviceRequest; // checked by openSession
      if (graph !== undefined) params.graph = graph;
      if (threads !== undefined) params.threads = threads;
      return { id, method, params };
    }
    case 'summarize': {
      const params: SummarizeParams = generateParams(p);
      const weights = optional(p, 'weights', isWeights, 'an object of numbers');
      if (weights !== undefined) params.weights = weights;
      return { id, method, params };
    }
    case 'preview': {
      const list = p.weightsList;
      if (!Array.isArray(list) || !list.every(isWeights))
        throw new BadRequest('params.weightsList must be a list of objects of numbers');
      if (list.length < 1 || list.length > MAX_WEIGHTINGS)
        throw new BadRequest(`params.weightsList must hold 1 to ${MAX_WEIGHTINGS} weightings`);
      return { id, method, params: { ...generateParams(p), weightsList: list } };
    }
    case 'cancel': {
      if (!isId(p.id)) throw new BadRequest('params.id must name the request to cancel');
      return { id, method, params: { id: p.id } };
    }
    case 'shutdown':
      return { id, method, params: {} };
    default:
      throw new BadRequest(
        `unknown method ${JSON.stringify(method)}; use load, summarize, preview, cancel or shutdown`,
      );
  }
}
