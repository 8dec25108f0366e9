/**
 * Where the package and its default model are (the CLI and the benchmarks both need this).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const DEFAULT_MODEL_ID = 'clp-smollm2-135m';

/** The directory of this package's package.json (found upwards from `from`). */
export function packageRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
        if (typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === 'steer')
          return dir;
      } catch {
        // keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return resolve(from, '..');
    dir = parent;
  }
}

export function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
    const v = (pkg as { version?: unknown }).version;
    return typeof v === 'string' ? v : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** --model, else $STEER_MODEL_DIR, else models/clp-smollm2-135m in the package. */
export function modelDir(flag: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  const fromEnv = env.STEER_MODEL_DIR;
  if (fromEnv && fromEnv.trim().length > 0) return resolve(fromEnv);
  return join(packageRoot(), 'models', DEFAULT_MODEL_ID);
}
