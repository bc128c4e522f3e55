/**
 * Till backup and restore (till/cli/till-backup.ts) on real PGlite stores on disk: both formats
 * restore into a new directory that the till opens as-is, with every row (sales, outbox,
 * counters) intact; a running till's directory is refused; a non-empty target is refused.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupTill, restoreTill } from './till-backup';
import { commitSale } from '../../db/checkout/sale';
import { openShift } from '../../db/checkout/shifts';
import { openEdgeStore } from '../node/store';
import { openTestTill, type TestTill } from '../../test/fixtures/till';

let work: string;
let till: TestTill;
let tillDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edgepos-till-backup-'));
  tillDir = join(work, 'till');
  till = await openTestTill({ dir: tillDir, products: 20 });
  await openShift(till.till, { staffId: till.cashier.staffId, openingFloatCents: 5_000 });
  for (let i = 0; i < 3; i++) {
    const p = till.catalog.filter((x) => x.isActive)[i]!;
    await commitSale(till.till, {
      cart: {
        lines: [
          {
            productId: p.productId,
            sku: p.sku,
            productName: p.productName,
            categoryId: p.categoryId,
            unitPriceCents: p.priceCents,
            quantity: 1,
          },
        ],
      },
      tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
      cashierId: till.cashier.staffId,
    });
  }
  await till.store.close();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('till backup', () => {
  it.each(['datadir', 'sql'] as const)(
    '%s: restores every row into a new directory the till opens',
    async (format) => {
      const file = join(work, `till.${format}`);
      const backup = await backupTill({ dir: tillDir, out: file, format });
      expect(backup).toMatchObject({ format, storeId: 'seattle', registerId: 'R01' });
      expect(backup.rows['retail.sales_transactions']).toBe(3);
      expect(backup.rows['pos.outbox']).toBe(4);
      expect(backup.rows['retail.products']).toBe(20);

      const restoredDir = join(work, `restored-${format}`);
      const restored = await restoreTill({ from: file, dir: restoredDir });
      expect(restored.format).toBe(format);
      expect(restored.rows).toEqual(backup.rows);
      expect(restored.deviceId).toBe(backup.deviceId);

      const store = await openEdgeStore({ dir: restoredDir, templateDir: null });
      try {
        expect(store.created).toBe(false);
        const counters = await store.db.query<{ name: string; value: number }>(
          `SELECT name, value::int AS value FROM pos.counters ORDER BY name`,
        );
        expect(counters.rows).toEqual([
          { name: 'mutation', value: 4 },
          { name: 'receipt', value: 3 },
          { name: 'z_report', value: 0 },
        ]);
        const totals = await store.db.query<{ total: string }>(
          `SELECT sum(total_amount)::text AS total FROM retail.sales_transactions`,
        );
        expect(Number(totals.rows[0]?.total)).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    },
  );

  it('refuses while the till holds its lock, and refuses a non-empty target', async () => {
    // A till (another live process on this host) holds the store directory.
    writeFileSync(
      join(tillDir, 'LOCK'),
      JSON.stringify({
        pid: process.ppid,
        host: hostname(),
        since: new Date().toISOString(),
        purpose: 'till',
      }),
    );
    try {
      await expect(backupTill({ dir: tillDir, out: join(work, 'refused.bak') })).rejects.toThrow(
        /in use by another process/,
      );
    } finally {
      await rm(join(tillDir, 'LOCK'), { force: true });
    }
    await expect(
      restoreTill({ from: join(work, 'till.datadir'), dir: join(work, 'restored-datadir') }),
    ).rejects.toThrow(/not empty/);
    await expect(
      backupTill({ dir: join(work, 'nothing-here'), out: join(work, 'x.bak') }),
    ).rejects.toThrow(/no till database/);
  });
});
