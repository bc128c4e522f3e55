/**
 * Crashes at random moments: a till process is killed (SIGKILL, no cleanup) while it rings up
 * sales and syncs, three times, then runs to the end. Whatever it was doing when killed (a
 * sale's local commit, the journal write, a push HQ committed but never answered, a pull
 * page), HQ must end with exactly the till's sales: none lost, none twice. Seeded.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { prng } from '../../db/seed/random';
import { hqSalesOf, openSyncTill, startTestHq, type TestHq } from './harness';
import { makeTempDir } from '../fixtures/till';

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let hq: TestHq;
let dir: string;

beforeAll(async () => {
  hq = await startTestHq();
  dir = await makeTempDir('edge-pos-crash-');
  const t = await openSyncTill({
    url: hq.url,
    code: await hq.code('bellevue'),
    storeId: 'bellevue',
    dir,
  });
  await t.close({ keepDir: true });
});

afterAll(async () => {
  await hq?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Run the worker; kill it `killAfterMs` after its first sale, or let it finish. */
function runWorker(
  target: number,
  killAfterMs?: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER, dir, 'bellevue', String(target)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (killAfterMs !== undefined && !timer && output.includes('sold ')) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('a till killed at random moments', () => {
  it('ends with every sale at HQ exactly once', async () => {
    const random = prng(4711);
    let target = 0;
    let killed = 0;
    for (let round = 0; round < 3; round++) {
      target += 60;
      const killAfter = 100 + Math.floor(random() * 700);
      const run = await runWorker(target, killAfter);
      expect(run.output).toContain('ready');
      // Killed (signal) unless it had already finished before the timer.
      expect(run.code === null || run.code === 0).toBe(true);
      if (run.code === null && !run.output.includes('drained')) killed += 1;
    }
    expect(killed).toBeGreaterThanOrEqual(2);
    const final = await runWorker(target);
    expect(final.output).toContain('drained');
    expect(final.code).toBe(0);

    const t = await openSyncTill({ url: hq.url, storeId: 'bellevue', dir, start: false });
    const { rows } = await t.store.db.query<{ id: string; cents: number }>(
      `SELECT transaction_id AS id, (total_amount * 100)::bigint AS cents FROM retail.sales_transactions`,
    );
    const local = new Map(rows.map((r) => [r.id, Number(r.cents)]));
    expect(local.size).toBe(target);
    expect(await hqSalesOf(hq, 'bellevue')).toEqual(local);
    // The counter moved through every mutation once: no gap, nothing applied twice.
    const { rows: outbox } = await t.store.db.query<{ n: number; max: number }>(
      `SELECT count(*)::int AS n, max(mutation_id)::int AS max FROM pos.outbox`,
    );
    const logged = await withTenant(hq.db.pools.app, 'bellevue', (tx) =>
      tx.query<{ n: number; max: number }>(
        `SELECT count(*)::int AS n, max(mutation_id)::int AS max FROM sync.mutation_log`,
      ),
    );
    expect(logged.rows[0]).toEqual(outbox[0]);
    await t.close({ keepDir: true });
  }, 600_000);
});
