/**
 * Security (issue 12, finding 7, HQ side): the admin token is not printed or logged by HQ
 * (`npm run hq` used to write it to stderr, where it ends up in logs); it lives in a 0600 file,
 * `npm run hq:admin -- token show` prints it when asked, and `token rotate` replaces it — the
 * running HQ refuses the old token from its next request on.
 */
import { execFile } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupBanner } from '../../hq/cli/banner';
import { adminTokenPath } from '../../hq/ops/admin-token';
import { startHq, type Hq } from '../../hq/start';
import { makeTempDir } from '../fixtures/till';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

const run = promisify(execFile);

let db: TestDatabase;
let dataDir: string;
let hq: Hq;
let logged = '';

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await makeTempDir('edge-pos-hq-token-');
  // An older install's token file, readable by everyone: HQ must tighten it.
  writeFileSync(adminTokenPath(dataDir), 'old-token-readable-by-all-0123456789\n', { mode: 0o644 });
  chmodSync(adminTokenPath(dataDir), 0o644);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString('utf8');
      done();
    },
  });
  const previous = process.env.EDGEPOS_ADMIN_TOKEN;
  delete process.env.EDGEPOS_ADMIN_TOKEN;
  try {
    hq = await startHq({
      database: { target: db.target, pools: db.pools },
      dataDir,
      seed: { products: 5, customers: 5, sales: 0 },
      embeddings: false,
      logger: pino({ level: 'debug' }, sink),
    });
  } finally {
    if (previous !== undefined) process.env.EDGEPOS_ADMIN_TOKEN = previous;
  }
});

afterAll(async () => {
  await hq?.close();
  await db?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const stores = (token: string) =>
  fetch(`${hq.url}/admin/v1/stores`, { headers: { authorization: `Bearer ${token}` } });

async function hqAdmin(...args: string[]): Promise<string> {
  const { stdout } = await run(
    'npx',
    ['tsx', 'hq/cli/hq-admin.ts', '--data-dir', dataDir, ...args],
    {
      env: { ...process.env, EDGEPOS_ADMIN_TOKEN: '' },
    },
  );
  return stdout;
}

describe('the HQ admin token', () => {
  it('is kept owner-only and never written to the log or the startup banner', async () => {
    const token = readFileSync(adminTokenPath(dataDir), 'utf8').trim();
    expect(statSync(adminTokenPath(dataDir)).mode & 0o777).toBe(0o600);
    expect((await stores(token)).status).toBe(200);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain(token);
    const banner = startupBanner({ url: hq.url, dataDir });
    expect(banner).not.toContain(token);
    expect(banner).toContain('token show');
  });

  it('is shown only when asked, and rotated: the running HQ refuses the old one at once', async () => {
    const before = (await hqAdmin('token', 'show')).trim();
    expect(before).toBe(readFileSync(adminTokenPath(dataDir), 'utf8').trim());
    const rotated = await hqAdmin('token', 'rotate');
    expect(rotated).not.toContain(before);
    const after = (await hqAdmin('token', 'show')).trim();
    expect(after).not.toBe(before);
    expect(rotated).not.toContain(after);
    expect(statSync(adminTokenPath(dataDir)).mode & 0o777).toBe(0o600);
    expect((await stores(before)).status).toBe(401);
    expect((await stores(after)).status).toBe(200);
    expect(logged).not.toContain(after);
  });
});
