/**
 * Can the desktop app start here? Asked before `npm start` builds or starts anything, so a
 * machine without Electron's binary (its download failed or was skipped) or without a display
 * still gets a working till, in the browser. The reason is said in plain words, without advice
 * that may be wrong here (a missing download is not always a network problem).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { ElectronCheck } from './launcher';

const NOT_INSTALLED: ElectronCheck = {
  ok: false,
  reason: "Electron's desktop binary is not installed",
};

/**
 * Where the electron package keeps its binary, or null when it is not there. Read the way the
 * package's own index.js does, without requiring it: since Electron 40 requiring it starts a
 * download when the binary is missing (printing the download's stack trace on failure).
 */
function installedBinary(env: NodeJS.ProcessEnv): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH)
    return join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
  if (!executable) return null;
  const binary = join(packageDir, 'dist', executable);
  return existsSync(binary) ? binary : null;
}

export function checkElectron(env: NodeJS.ProcessEnv = process.env): Promise<ElectronCheck> {
  const binary = installedBinary(env);
  if (!binary || !existsSync(binary)) return Promise.resolve(NOT_INSTALLED);
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return Promise.resolve({ ok: false, reason: 'there is no display to open a window on' });
  // The binary may be there but not load (missing system libraries): run it once as Node.
  const probe = spawnSync(binary, ['--version'], {
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 30_000,
    encoding: 'utf8',
  });
  if (probe.status !== 0)
    return Promise.resolve({ ok: false, reason: "Electron's desktop binary does not run here" });
  return Promise.resolve({ ok: true, binary });
}
