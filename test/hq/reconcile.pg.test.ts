/**
 * Reconciliation (issue 11): per shift and per store-day HQ compares the till's Z reports with
 * the facts it holds (counts, totals, tenders) and raises an exception on any difference;
 * `npm run hq:admin -- reconcile --date` prints the chain's day (a plain table, or --json).
 * A day in Redmond (America/Los_Angeles): one shift that balances, one whose Z counts a sale
 * HQ holds only in the quarantine, one whose sale reached HQ before its shift (recorded
 * without it), then a late sale into the balanced shift. Real HQ service on real PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reconciliation, StoreDayReconciliation } from '../../contract/admin-protocol';
import type { Mutation, SaleRecorded, ZReport } from '../../contract/mutations';
import { seededIdGenerator } from '../../core/ids';
import { demoStaff } from '../../db/seed/chain';
import { generateCatalog, toProductEntity } from '../../db/seed/catalog';
import { buildSale, buildShiftClosed, envelope, ingest } from '../central/builders';
import { ADMIN_TOKEN, startTestHq, type TestHq } from '../sync/harness';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const ids = seededIdGenerator(417, Date.UTC(2026, 10, 18));
const S = 'redmond';
const DAY = '2026-11-18';
const SEED = 5;
const catalog = generateCatalog({ seed: SEED, products: 30 }).map(toProductEntity);
const cashier = demoStaff(S)[1]!.staffId;
let hq: TestHq;
let seq = 100;

type Envelope<T> = { ok: true; data: T } | { ok: false; error: { kind: string; message: string } };

beforeAll(async () => {
  hq = await startTestHq({ seed: { seed: SEED, products: 30, customers: 10, sales: 0 } });
});
afterAll(async () => {
  await hq?.close();
});

function sale(registerId: string, shiftId: string | null, occurredAt: string, n = 1) {
  seq += 1;
  return buildSale({
    ids,
    storeId: S,
    cashierId: cashier,
    receiptSeq: seq,
    registerId,
    shiftId,
    occurredAt,
    lines: [{ product: catalog[n]!, quantity: n }],
  });
}

/** The Z report a till prints for these sales (cash only, no returns, voids or cash moved). */
function zFor(
  shift: { shiftId: string; registerId: string; zNumber: number },
  sales: readonly SaleRecorded[],
): Mutation {
  const closed = buildShiftClosed({
    ids,
    ...shift,
    staffId: cashier,
    openedAt: '2026-11-18T16:00:00.000Z',
    // 17:00 in Redmond, still the 18th there (already the 19th in UTC).
    closedAt: '2026-11-19T01:00:00.000Z',
  });
  const add = (f: (s: SaleRecorded) => number) => sales.reduce((a, s) => a + f(s), 0);
  const z: ZReport = {
    ...closed.zReport,
    salesCount: sales.length,
    grossSalesCents: add((s) => s.subtotalCents),
    discountsCents: add((s) => s.discountCents),
    taxCents: add((s) => s.taxCents),
    netCents: add((s) => s.totalCents),
    cashCents: add((s) => s.totalCents),
  };
  return envelope('shift.closed', { ...closed, zReport: z });
}

function opened(shiftId: string, registerId: string): Mutation {
  return envelope('shift.opened', {
    shiftId,
    registerId,
    openedBy: cashier,
    openedAt: '2026-11-18T16:00:00.000Z',
    openingFloatCents: 10_000,
  });
}

async function reconcile(): Promise<StoreDayReconciliation> {
  const r = await hq.admin<Envelope<Reconciliation>>('POST', '/reconcile', {
    date: DAY,
    storeId: S,
  });
  if (!r.body.ok) throw new Error(r.body.error.message);
  expect(r.body.data.stores).toHaveLength(1);
  return r.body.data.stores[0]!;
}

async function openFindings(): Promise<Array<{ kind: string; entity_id: string }>> {
  const { rows } = await hq.db.pools.admin.query<{ kind: string; entity_id: string }>(
    `SELECT kind, entity_id FROM sync.exceptions
      WHERE store_id = $1 AND status = 'open' AND kind IN ('z_totals_differ', 'store_day_differs')
      ORDER BY kind, entity_id`,
    [S],
  );
  return rows;
}

function cli(...args: string[]) {
  return run(
    process.execPath,
    ['--import', 'tsx', 'hq/cli/hq-admin.ts', '--url', hq.url, '--token', ADMIN_TOKEN, ...args],
    { cwd: ROOT },
  );
}

describe('reconciliation of a store-day', () => {
  it('compares every Z report and the day with the facts HQ holds, and raises each difference once', async () => {
    const [a, b, c] = [ids(), ids(), ids()];
    // Shift A balances.
    const aSales = [
      sale('R01', a, '2026-11-18T18:00:00.000Z', 1),
      sale('R01', a, '2026-11-18T19:00:00.000Z', 2),
    ];
    // Shift B: the till rang three sales; HQ could not record the third (its tenders do not
    // add up after a fault), so it is in the quarantine while the Z report counts it.
    const bSales = [
      sale('R02', b, '2026-11-18T18:30:00.000Z', 3),
      sale('R02', b, '2026-11-18T20:00:00.000Z', 1),
    ];
    const broken = sale('R02', b, '2026-11-18T21:00:00.000Z', 2);
    const brokenSent: SaleRecorded = {
      ...broken,
      payments: broken.payments.map((p) => ({ ...p, amountCents: p.amountCents - 1 })),
    };
    // Shift C: its sale reached HQ before the shift (recorded without it).
    const cSale = sale('R03', c, '2026-11-18T18:45:00.000Z', 4);
    const outcomes = await ingest(
      hq.db,
      S,
      [
        envelope('sale.recorded', cSale),
        opened(a, 'R01'),
        opened(b, 'R02'),
        opened(c, 'R03'),
        ...aSales.map((s) => envelope('sale.recorded', s)),
        ...bSales.map((s) => envelope('sale.recorded', s)),
        envelope('sale.recorded', brokenSent),
        zFor({ shiftId: a, registerId: 'R01', zNumber: 1 }, aSales),
        zFor({ shiftId: b, registerId: 'R02', zNumber: 1 }, [...bSales, broken]),
        zFor({ shiftId: c, registerId: 'R03', zNumber: 1 }, [cSale]),
      ],
      'reconcile-till',
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);

    const day = await reconcile();
    expect(day).toMatchObject({ storeId: S, date: DAY, timezone: 'America/Los_Angeles' });
    expect(day.status).toBe('differs');
    expect(day.quarantinedSales).toBe(1);
    expect(day.openShifts).toBe(0);
    expect(day.outsideShifts.salesCount).toBe(1);
    const byRegister = new Map(day.shifts.map((s) => [s.registerId, s]));
    expect(byRegister.get('R01')!.differences).toEqual([]);
    expect(byRegister.get('R02')!.differences).toContainEqual({
      field: 'salesCount',
      till: 3,
      hq: 2,
    });
    expect(byRegister.get('R02')!.differences).toContainEqual({
      field: 'cashCents',
      till: broken.totalCents + bSales.reduce((x, s) => x + s.totalCents, 0),
      hq: bSales.reduce((x, s) => x + s.totalCents, 0),
    });
    expect(byRegister.get('R03')!.differences).toContainEqual({
      field: 'salesCount',
      till: 1,
      hq: 0,
    });
    // The day: C's sale is HQ's (outside any shift), B's third is not: one sale, its money.
    expect(day.till.salesCount).toBe(6);
    expect(day.hq.salesCount).toBe(5);
    expect(day.differences).toEqual(
      expect.arrayContaining([
        { field: 'salesCount', till: 6, hq: 5 },
        { field: 'netCents', till: day.till.netCents, hq: day.till.netCents - broken.totalCents },
      ]),
    );

    // One finding per Z that differs (the ones raised when the Z arrived are not repeated)
    // and one for the day; running it again raises nothing new.
    const zIds = new Map(day.shifts.map((s) => [s.registerId, s.zReportId]));
    expect(await openFindings()).toEqual([
      { kind: 'store_day_differs', entity_id: DAY },
      ...[zIds.get('R02')!, zIds.get('R03')!]
        .sort()
        .map((id) => ({ kind: 'z_totals_differ', entity_id: id })),
    ]);
    expect(day.raised).toBe(1);
    const again = await reconcile();
    expect(again.raised).toBe(0);
    expect(again.settled).toBe(0);
    expect(await openFindings()).toHaveLength(3);

    // A sale of shift A reaches HQ after A's Z report: A no longer balances, and the day's
    // finding changes (the old one is settled by the reconciliation, a new one says how).
    const late = sale('R01', a, '2026-11-18T22:00:00.000Z', 5);
    await ingest(hq.db, S, [envelope('sale.recorded', late)], 'reconcile-till');
    const after = await reconcile();
    expect(after.shifts.find((s) => s.registerId === 'R01')!.differences).toContainEqual({
      field: 'salesCount',
      till: 2,
      hq: 3,
    });
    expect(after.raised).toBe(2);
    expect(after.settled).toBe(1);
    const findings = await openFindings();
    expect(findings.filter((f) => f.kind === 'z_totals_differ')).toHaveLength(3);
    expect(findings.filter((f) => f.kind === 'store_day_differs')).toHaveLength(1);
    const { rows: settled } = await hq.db.pools.admin.query<{ resolved_by: string }>(
      `SELECT resolved_by FROM sync.exceptions
        WHERE store_id = $1 AND kind = 'store_day_differs' AND status = 'resolved'`,
      [S],
    );
    expect(settled).toEqual([{ resolved_by: 'HQ reconciliation' }]);

    // The admin command prints the chain's day: every store, a plain table or JSON.
    const table = await cli('reconcile', '--date', DAY);
    expect(table.stdout).toMatch(/^STORE\s+STATUS/m);
    expect(table.stdout).toMatch(new RegExp(`^${S}\\s+DIFFERS`, 'm'));
    expect(table.stdout).toMatch(/^seattle\s+BALANCED/m);
    expect(table.stdout).toMatch(/R02 Z1 .*sales 3 at the till, 2 at HQ/);
    const json = await cli('--json', 'reconcile', '--date', DAY);
    const parsed = JSON.parse(json.stdout) as Reconciliation;
    expect(parsed.date).toBe(DAY);
    expect(parsed.stores.map((s) => s.storeId)).toContain('seattle');
    expect(parsed.stores.find((s) => s.storeId === S)).toMatchObject({
      status: 'differs',
      hq: after.hq,
      till: after.till,
    });
    const bad = await cli('reconcile', '--date', '2026-02-30').catch((e: { stderr: string }) => e);
    expect('stderr' in bad && bad.stderr).toMatch(/date/i);
  });
});
