/**
 * Loading `models/<id>/manifest.json` (see docs/architecture.md): the file is read, parsed as JSON and checked by
 * `parseManifest`. The manifest's types and parser are re-exported here, the one module the rest imports.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BadManifest, ModelNotFound, errorMessage } from './errors';
import type { Manifest } from './manifest-types';
import { parseManifest } from './manifest-parse';

export type * from './manifest-types';
export { parseManifest } from './manifest-parse';
export { modelFile } from './model-paths';

/** Loads and validates `<dir>/manifest.json`. */
export function loadManifest(dir: string): Manifest {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new ModelNotFound(
      `No model at ${dir}. Build it with "npm run setup", or point --model / STEER_MODEL_DIR at a model directory.`,
    );
  const file = join(dir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelNotFound(
      `${file} is missing or unreadable: the model directory is incomplete (${errorMessage(e)}).`,
      {
        cause: e,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BadManifest(`${file} is not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  return parseManifest(json);
}

/** Expands an io name pattern such as `past_key_values.{i}.key`. */
export function layerName(pattern: string, layer: number): string {
  return pattern.replaceAll('{i}', String(layer));
}
