/**
 * A typed reader of parsed JSON objects: each accessor returns the field as its TypeScript type or reports
 * the first field that is wrong, with its path ("prompt.template", "objectives[2].id"). Kept apart from
 * any one format so that every file the engine reads untrusted (the manifest first) is checked the same way;
 * the caller says how a problem is reported.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Makes the error for a field (its full path) that is not what was `expected` ("a non-empty string"). */
export type FieldError = (field: string, expected: string) => Error;

const isObject = (v: Json | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads fields of one JSON object; absent and null are the same for the optional accessors. */
export class JsonReader {
  constructor(
    private readonly obj: JsonObject,
    private readonly error: FieldError,
    private readonly path = '',
  ) {}

  private fail(key: string, expected: string): never {
    throw this.error(`${this.path}${key}`, expected);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  string(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v.length === 0) this.fail(key, 'a non-empty string');
    return v;
  }

  optString(key: string, fallback: string): string {
    return this.has(key) ? this.string(key) : fallback;
  }

  nullableString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  /** A string that may be empty; `fallback` when absent or null. */
  text(key: string, fallback: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  int(key: string, min = 0): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer ≥ ${min}`);
    return v;
  }

  optInt(key: string, min = 0): number | undefined {
    return this.has(key) ? this.int(key, min) : undefined;
  }

  optNumber(key: string, min: number): number | undefined {
    if (!this.has(key)) return undefined;
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) this.fail(key, `a number ≥ ${min}`);
    return v;
  }

  nullableInt(key: string): number | null {
    return this.has(key) ? this.int(key) : null;
  }

  /** One non-negative integer, or a non-empty list of them (token ids). */
  intList(key: string): number[] {
    const v = this.obj[key];
    if (typeof v === 'number') return [this.int(key)];
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)
    )
      this.fail(key, 'a token id or a non-empty list of token ids');
    return v as number[];
  }

  /** A list of distinct non-empty strings (may be empty). */
  stringList(key: string): string[] {
    const v = this.obj[key];
    if (
      !Array.isArray(v) ||
      !v.every((x) => typeof x === 'string' && x.length > 0) ||
      new Set(v).size !== v.length
    )
      this.fail(key, 'a list of distinct non-empty strings');
    return v as string[];
  }

  object(key: string): JsonReader {
    const v = this.obj[key];
    if (!isObject(v)) this.fail(key, 'an object');
    return new JsonReader(v, this.error, `${this.path}${key}.`);
  }

  optObject(key: string): JsonReader | null {
    return this.has(key) ? this.object(key) : null;
  }

  /** A non-empty list of objects. */
  array(key: string): JsonReader[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length === 0) this.fail(key, 'a non-empty list');
    return v.map((item, i) => {
      if (!isObject(item)) this.fail(`${key}[${i}]`, 'an object');
      return new JsonReader(item, this.error, `${this.path}${key}[${i}].`);
    });
  }

  /** An object whose values are all finite numbers. */
  numberRecord(key: string): Record<string, number> {
    const r: JsonReader = this.object(key); // annotated: a call to its `never` method narrows only then
    const out: Record<string, number> = {};
    for (const k of r.keys()) {
      const v = r.obj[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) r.fail(k, 'a number');
      out[k] = v;
    }
    return out;
  }

  keys(): string[] {
    return Object.keys(this.obj);
  }

  raw(): JsonObject {
    return this.obj;
  }
}
