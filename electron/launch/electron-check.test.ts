/**
 * Issue 13 item 9: whether the desktop app can start is asked of the machine without starting a
 * download (the electron package's own entry downloads a missing binary when required). A stand-in
 * binary (ELECTRON_OVERRIDE_DIST_PATH, as the electron package honours it) plays each case.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkElectron } from './electron-check';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edge-pos-electron-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function standIn(name: string, exitCode: number): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  const binary = join(folder, 'electron');
  await writeFile(binary, `#!/bin/sh\nexit ${exitCode}\n`);
  await chmod(binary, 0o755);
  return folder;
}

describe('checkElectron (Linux stand-in binaries)', () => {
  it('says the binary is not installed when it is missing, without downloading it', async () => {
    const env = { ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'nothing-here'), DISPLAY: ':0' };
    await expect(checkElectron(env)).resolves.toEqual({
      ok: false,
      reason: "Electron's desktop binary is not installed",
    });
  });

  it('needs a display to open a window on', async () => {
    const env = { ELECTRON_OVERRIDE_DIST_PATH: await standIn('works', 0) };
    await expect(checkElectron(env)).resolves.toEqual({
      ok: false,
      reason: 'there is no display to open a window on',
    });
  });

  it('says so when the binary is there but does not run', async () => {
    const env = { ELECTRON_OVERRIDE_DIST_PATH: await standIn('broken', 127), DISPLAY: ':0' };
    await expect(checkElectron(env)).resolves.toEqual({
      ok: false,
      reason: "Electron's desktop binary does not run here",
    });
  });

  it('answers with the binary when it runs and there is a display', async () => {
    const folder = await standIn('good', 0);
    await expect(
      checkElectron({ ELECTRON_OVERRIDE_DIST_PATH: folder, WAYLAND_DISPLAY: 'wayland-0' }),
    ).resolves.toEqual({ ok: true, binary: join(folder, 'electron') });
  });
});
