/**
 * Security (issue 12, finding 7, till side): a store directory is its owner's only — 0700,
 * every directory in it 0700 and every file 0600, PGlite's own files included (NodeFS used to
 * create them world-writable inside a 0755 folder). Checked on a real store after open and
 * after close, including a directory that an older version left 0755.
 */
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/fixtures/till';
import { openEdgeStore } from './store';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Every path under `dir` whose mode lets anyone but the owner in. */
async function openToOthers(dir: string): Promise<string[]> {
  const found: string[] = [];
  const stat = await lstat(dir);
  if ((stat.mode & 0o077) !== 0) found.push(`${dir} ${(stat.mode & 0o777).toString(8)}`);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const s = await lstat(path);
    if (s.isSymbolicLink()) continue;
    if (s.isDirectory()) found.push(...(await openToOthers(path)));
    else if ((s.mode & 0o077) !== 0) found.push(`${path} ${(s.mode & 0o777).toString(8)}`);
  }
  return found;
}

describe('store directory permissions', () => {
  it('are owner-only after open and after close, PGlite files included', async () => {
    const parent = await makeTempDir('edge-pos-modes-');
    dirs.push(parent);
    const dir = join(parent, 'store');
    // An older version's directory: world-readable.
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    const store = await openEdgeStore({ dir, templateDir: null });
    expect(((await lstat(dir)).mode & 0o777).toString(8)).toBe('700');
    expect(await openToOthers(dir)).toEqual([]);
    await store.db.exec(`CREATE TABLE after_open (x int); INSERT INTO after_open VALUES (1)`);
    await store.close();
    expect(await openToOthers(dir)).toEqual([]);
    const files = await readdir(join(dir, 'pgdata'));
    expect(files.length).toBeGreaterThan(0);
  });
});
