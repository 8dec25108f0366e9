/**
 * The manifest parser against the manifest's schema (rules/manifest.schema.json), which the training code's
 * tests validate the writer against: the parser accepts the committed manifests and the schema's valid
 * variants (rules/manifest-cases.json), rejects its invalid ones, and gives the schema's verdict on variants
 * made from the schema itself (each required field removed, each field given a type, value or text that the
 * schema forbids; each optional field removed or null).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseManifest } from '../../src/engine/manifest';
import { ROOT } from '../support/helpers';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface Schema {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  oneOf?: Schema[];
  $ref?: string;
  minimum?: number;
  minLength?: number;
  pattern?: string;
}
interface Case {
  why: string;
  changes: Record<string, Json>;
}

const readJson = <T>(...path: string[]): T => JSON.parse(readFileSync(join(ROOT, ...path), 'utf8')) as T;
const SCHEMA = readJson<Schema & { $defs: Record<string, Schema> }>('rules', 'manifest.schema.json');
const CASES = readJson<{ manifest: string; valid: Case[]; invalid: Case[] }>('rules', 'manifest-cases.json');
const BASE = readJson<JsonObject>(CASES.manifest);

/** The schema a `$ref` names (only this schema's own `#/$defs/...`). */
function resolve(schema: Schema): Schema {
  return schema.$ref ? SCHEMA.$defs[schema.$ref.replace('#/$defs/', '')]! : schema;
}

/** The JSON types a schema allows (a `oneOf`: any of its branches'). */
function types(schema: Schema): string[] {
  const s = resolve(schema);
  if (s.oneOf) return s.oneOf.flatMap(types);
  return s.type === undefined ? [] : [s.type].flat();
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const allows = (allowed: string[], v: Json): boolean =>
  allowed.includes(jsonType(v)) || (jsonType(v) === 'integer' && allowed.includes('number'));

/** `manifest` with each dotted field path set to its value ("$delete": removed). */
function withChanges(manifest: JsonObject, changes: Record<string, Json | undefined>): JsonObject {
  const out = structuredClone(manifest);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node = out as Json;
    for (const key of keys) node = (node as Record<string, Json>)[key]!;
    const parent = node as Record<string, Json>;
    if (value === '$delete' || value === undefined) Reflect.deleteProperty(parent, last);
    else parent[last] = value;
  }
  return out;
}

interface Variant {
  what: string;
  changes: Record<string, Json>;
  valid: boolean;
}

const WRONG_VALUES: Json[] = [true, 'text', 2.5, [], {}, null];

/** Variants of the field at `path` (value `value`, schema `schema`) and of the fields inside it. */
function variants(schema: Schema, value: Json, path: string): Variant[] {
  const s = resolve(schema);
  const allowed = types(s);
  const out: Variant[] = [];
  if (path !== '' && allowed.length > 0)
    for (const wrong of WRONG_VALUES)
      if (!allows(allowed, wrong))
        out.push({ what: `${path} = ${JSON.stringify(wrong)}`, changes: { [path]: wrong }, valid: false });
  if (typeof value === 'number' && s.minimum !== undefined)
    out.push({ what: `${path} below its minimum`, changes: { [path]: s.minimum - 1 }, valid: false });
  if (typeof value === 'string' && s.minLength !== undefined)
    out.push({ what: `${path} empty`, changes: { [path]: '' }, valid: false });
  if (typeof value === 'string' && s.pattern !== undefined)
    out.push({ what: `${path} without ${s.pattern}`, changes: { [path]: 'text' }, valid: false });
  if (Array.isArray(value) && s.items)
    value.forEach((item, i) => out.push(...variants(s.items!, item, `${path}.${i}`)));
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = s.properties?.[key] ?? s.additionalProperties;
      if (!childSchema) continue;
      const childPath = path ? `${path}.${key}` : key;
      const required = s.required?.includes(key) ?? false;
      out.push({ what: `${childPath} removed`, changes: { [childPath]: '$delete' }, valid: !required });
      if (!required && types(childSchema).includes('null'))
        out.push({ what: `${childPath} null`, changes: { [childPath]: null }, valid: true });
      out.push(...variants(childSchema, child, childPath));
    }
  }
  return out;
}

function parses(manifest: JsonObject): boolean {
  try {
    parseManifest(manifest);
    return true;
  } catch {
    return false;
  }
}

test('the committed manifests parse', () => {
  for (const id of readdirSync(join(ROOT, 'models')))
    assert.equal(parseManifest(readJson(join('models', id, 'manifest.json'))).id, id);
});

test('the parser accepts the variants the schema accepts', () => {
  for (const c of CASES.valid) assert.ok(parses(withChanges(BASE, c.changes)), c.why);
});

test('the parser rejects the variants the schema forbids', () => {
  for (const c of CASES.invalid) assert.ok(!parses(withChanges(BASE, c.changes)), c.why);
});

test('variants made from the schema: the parser gives the schema’s verdict on each', () => {
  const all = variants(SCHEMA, BASE, '');
  assert.ok(all.length > 100, `${all.length} variants`);
  for (const v of all) assert.equal(parses(withChanges(BASE, v.changes)), v.valid, v.what);
});
