/**
 * The paths a manifest names (graphs, tokenizer) stay inside the model directory: a model directory is
 * untrusted input, and a path that climbs out of it must never be read.
 */
import { isAbsolute, posix, relative, resolve, win32 } from 'node:path';
import { PathOutsideModel } from './errors';

/**
 * A manifest path as written: relative, and staying inside the model directory once normalised (no
 * absolute or drive paths, no `..` that climbs out). Symbolic links are checked by `modelFile`.
 */
export function insideModel(key: string, path: string): string {
  const slashed = path.replaceAll('\\', '/');
  const normal = posix.normalize(slashed);
  if (
    path.trim().length === 0 ||
    path.includes('\0') ||
    isAbsolute(path) ||
    posix.isAbsolute(slashed) ||
    win32.isAbsolute(path) ||
    /^[a-zA-Z]:/.test(path) ||
    normal === '.' ||
    normal === '..' ||
    normal.startsWith('../')
  )
    throw new PathOutsideModel(key, path);
  return path;
}

/**
 * The file a manifest path names, `<dir>/<path>`, resolved; `PathOutsideModel` when it leads out of the
 * model directory. The check is on the path the manifest writes: symbolic links that the directory's owner
 * put inside it (a model assembled from links into a cache) are followed.
 */
export function modelFile(dir: string, path: string, key = 'path'): string {
  insideModel(key, path);
  const root = resolve(dir);
  const file = resolve(root, path);
  const rel = relative(root, file);
  if (rel === '' || rel.split(/[\\/]/)[0] === '..' || isAbsolute(rel)) throw new PathOutsideModel(key, path);
  return file;
}
