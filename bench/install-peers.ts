/**
 * `steer bench --install-peers`: the peers' packages go into bench/peers, never into the main dependencies.
 */
import { spawn } from 'node:child_process';
import { peersDir } from './peers/require';

/** Installs the peers' packages into bench/peers (never into the main dependencies). */
export async function installPeers(log: (line: string) => void): Promise<void> {
  const dir = peersDir();
  log(`npm install --prefix ${dir} (transformers.js and node-llama-cpp; about 1 GB) ...`);
  await new Promise<void>((resolveInstall, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['install', '--prefix', dir, '--no-audit', '--no-fund'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      // onnxruntime-node's postinstall would download a CUDA provider; the CPU build is all the bench needs
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveInstall() : reject(new Error(`npm install failed (${code})`)),
    );
  });
}
