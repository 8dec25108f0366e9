/**
 * Loads a peer's package from bench/peers/node_modules (installed on demand, never a main dependency).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/shared/paths';
import { PeerUnavailable } from '../peer';

export function peersDir(): string {
  return join(packageRoot(__dirname), 'bench', 'peers');
}

export const INSTALL_HINT =
  'install the peers with "npm run bench -- --install-peers" (runs npm install --prefix bench/peers)';

function resolvePeer(pkg: string): string {
  const dir = peersDir();
  const req = createRequire(join(dir, 'package.json'));
  if (!existsSync(join(dir, 'node_modules', pkg)))
    throw new PeerUnavailable(`${pkg} is not installed in bench/peers; ${INSTALL_HINT}`);
  return req.resolve(pkg);
}

/** require() of a CommonJS-capable peer package. */
export function requirePeer<T>(pkg: string): T {
  const req = createRequire(join(peersDir(), 'package.json'));
  return req(resolvePeer(pkg)) as T;
}

/** import() of an ESM-only peer package. */
export async function importPeer<T>(pkg: string): Promise<T> {
  return (await import(pathToFileURL(resolvePeer(pkg)).href)) as T;
}

/** The installed version of a peer package ('' when unknown). */
export function peerVersion(pkg: string): string {
  try {
    const json = readFileSync(join(peersDir(), 'node_modules', pkg, 'package.json'), 'utf8');
    return (JSON.parse(json) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
}
