/**
 * Typed errors of the engine. Every error carries a stable `code` (used by the CLI and the process
 * protocol) and a message a user can act on.
 */

export type SteerErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'BAD_MANIFEST'
  | 'BAD_WEIGHTS'
  | 'BAD_OPTIONS'
  | 'INPUT_TOO_LARGE'
  | 'EMPTY_INPUT'
  | 'BINARY_INPUT'
  | 'UNREADABLE_INPUT'
  | 'CANCELLED'
  | 'DEVICE_UNAVAILABLE'
  | 'INFERENCE_FAILED'
  | 'NO_USABLE_SUMMARY';

export class SteerError extends Error {
  readonly code: SteerErrorCode;

  constructor(code: SteerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The model directory, its manifest, graph or tokenizer is missing. */
export class ModelNotFound extends SteerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_NOT_FOUND', message, options);
  }
}

/** The manifest exists but does not describe a usable model. */
export class BadManifest extends SteerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_MANIFEST', message, options);
  }
}

/** A path in the manifest (a graph, the tokenizer) that leads out of the model directory. */
export class PathOutsideModel extends BadManifest {
  constructor(
    readonly key: string,
    readonly path: string,
  ) {
    super(
      `manifest.json: "${key}" (${JSON.stringify(path)}) leads out of the model directory; ` +
        'graph and tokenizer paths must be relative paths inside it.',
    );
  }
}

/** Weights are unknown, negative, not finite or all zero. */
export class BadWeights extends SteerError {
  constructor(message: string) {
    super('BAD_WEIGHTS', message);
  }
}

/** An option (max tokens, sampling, chunking, device) is out of range. */
export class BadOptions extends SteerError {
  constructor(message: string) {
    super('BAD_OPTIONS', message);
  }
}

/** The document is longer than the configured hard limit (in tokens). */
export class InputTooLarge extends SteerError {
  /** The document's size, in `unit`s. */
  readonly size: number;
  readonly unit: 'tokens' | 'characters';
  /** The limit in tokens. */
  readonly limit: number;

  constructor(size: number, limit: number, unit: 'tokens' | 'characters' = 'tokens') {
    super(
      'INPUT_TOO_LARGE',
      (unit === 'tokens'
        ? `The document is too long (${size} tokens; the limit is ${limit}). `
        : `The document is too long (${size} characters, far over the limit of ${limit} tokens). `) +
        'Summarize a smaller part of it, or raise the limit (maxInputTokens / --max-input-tokens).',
    );
    this.size = size;
    this.unit = unit;
    this.limit = limit;
  }
}

/** The document is empty or only whitespace. */
export class EmptyInput extends SteerError {
  constructor(message = 'The document is empty: there is nothing to summarize.') {
    super('EMPTY_INPUT', message);
  }
}

/** The input looks like binary data rather than text. */
export class BinaryInput extends SteerError {
  constructor(what = 'The input') {
    super('BINARY_INPUT', `${what} looks like binary data, not text: give a UTF-8 text file.`);
  }
}

/** A file could not be read. */
export class UnreadableInput extends SteerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNREADABLE_INPUT', message, options);
  }
}

/** The request was cancelled through its AbortSignal. */
export class Cancelled extends SteerError {
  constructor(message = 'Cancelled.') {
    super('CANCELLED', message);
  }
}

/** A GPU was asked for explicitly and none could be used. */
export class DeviceUnavailable extends SteerError {
  constructor(message: string) {
    super('DEVICE_UNAVAILABLE', message);
  }
}

/** onnxruntime failed while running the graph. */
export class InferenceFailed extends SteerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INFERENCE_FAILED', message, options);
  }
}

/** Two decodings in different ways both gave an empty, looping or markup-only text. */
export class NoUsableSummary extends SteerError {
  constructor(message: string) {
    super('NO_USABLE_SUMMARY', message);
  }
}

export function isSteerError(error: unknown): error is SteerError {
  return error instanceof SteerError;
}

/** Throws `Cancelled` when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled();
}

/** A short message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
