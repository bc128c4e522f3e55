/**
 * The console's exceptions queue and reconciliation (issue 14, item 5) against a real HQ on
 * PostgreSQL: a Redmond shift whose Z report counts a sale HQ never received raises a
 * z_totals_differ exception; the queue shows it to whoever sees Redmond (not to Seattle's
 * manager), an analyst cannot resolve it, an empty resolution is refused in plain words, the
 * administrator resolves it in their own name with an audit entry, and a second resolution is
 * refused. Reconciling the day from the console compares the Z report with HQ's facts, for the
 * stores the user runs only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExceptionView, Reconciliation } from '../../contract/admin-protocol';
import type { SaleRecorded, ZReport } from '../../contract/mutations';
import { seededIdGenerator } from '../../core/ids';
import { demoStaff } from '../../db/seed/chain';
import { generateCatalog, toProductEntity } from '../../db/seed/catalog';
import { buildSale, buildShiftClosed, envelope, ingest } from '../central/builders';
import { CONSOLE_ADMIN, startTestHq, type TestHq } from '../sync/harness';
import { ConsoleClient } from './console-client';

const ids = seededIdGenerator(1414, Date.UTC(2026, 10, 18));
const S = 'redmond';
const DAY = '2026-11-18';
const SEED = 5;
const catalog = generateCatalog({ seed: SEED, products: 30 }).map(toProductEntity);
const cashier = demoStaff(S)[1]!.staffId;
let hq: TestHq;
let admin: ConsoleClient;
let zReportId: string;

async function newUser(role: 'manager' | 'analyst', storeIds: string[] = []) {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@test.local`;
  await admin.data('POST', '/users', {
    email,
    displayName: `A ${role}`,
    role,
    storeIds,
    password: 'a long enough password',
  });
  const client = new ConsoleClient(hq.url);
  expect((await client.signIn(email, 'a long enough password')).status).toBe(200);
  return client;
}

beforeAll(async () => {
  hq = await startTestHq({ seed: { seed: SEED, products: 30, customers: 10, sales: 0 } });
  admin = new ConsoleClient(hq.url);
  expect((await admin.signIn(CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).status).toBe(200);

  // One shift, one sale at HQ; the Z report counts a second sale HQ never received.
  const shiftId = ids();
  const sales: SaleRecorded[] = [1, 2].map((n) =>
    buildSale({
      ids,
      storeId: S,
      cashierId: cashier,
      receiptSeq: 500 + n,
      registerId: 'R01',
      shiftId,
      occurredAt: `2026-11-18T1${n}:00:00.000Z`,
      lines: [{ product: catalog[n]!, quantity: 1 }],
    }),
  );
  const closed = buildShiftClosed({
    ids,
    shiftId,
    registerId: 'R01',
    zNumber: 1,
    staffId: cashier,
    openedAt: '2026-11-18T09:00:00.000Z',
    closedAt: '2026-11-18T20:00:00.000Z',
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
  zReportId = z.zReportId;
  await ingest(hq.db, S, [
    envelope('shift.opened', {
      shiftId,
      registerId: 'R01',
      openedBy: cashier,
      openedAt: '2026-11-18T09:00:00.000Z',
      openingFloatCents: 10_000,
    }),
    envelope('sale.recorded', sales[0]!),
    envelope('shift.closed', { ...closed, zReport: z }),
  ]);
});

afterAll(async () => {
  await hq?.close();
});

async function zFinding(client: ConsoleClient, query = ''): Promise<ExceptionView | undefined> {
  const { exceptions } = await client.data<{ exceptions: ExceptionView[] }>(
    'GET',
    `/exceptions?kind=z_totals_differ${query}`,
  );
  return exceptions.find((x) => x.entityId === zReportId);
}

describe('the exceptions queue', () => {
  it("shows a store's exceptions to whoever sees the store, in plain words", async () => {
    const found = await zFinding(admin, '&status=open');
    expect(found).toMatchObject({ storeId: S, kind: 'z_totals_differ', status: 'open' });
    expect(found!.reason).toMatch(/sales/);
    expect(found!.todo).toMatch(/Compare the Z report/);
    expect(await zFinding(admin, `&storeId=${S}`)).toBeDefined();
    expect(await zFinding(admin, '&storeId=seattle')).toBeUndefined();

    const seattleManager = await newUser('manager', ['seattle']);
    expect(await zFinding(seattleManager)).toBeUndefined();
    expect((await seattleManager.call('GET', `/exceptions?storeId=${S}`)).status).toBe(403);
    expect(await zFinding(await newUser('analyst'))).toBeDefined();
    expect(await zFinding(await newUser('manager', [S]))).toBeDefined();
  });

  it('resolves in the signed-in user’s name, audited; refuses analysts, empty words, twice', async () => {
    const found = (await zFinding(admin))!;
    const path = `/stores/${S}/exceptions/${found.exceptionId}/resolve`;

    const analyst = await newUser('analyst');
    expect((await analyst.call('POST', path, { body: { resolution: 'checked' } })).status).toBe(
      403,
    );
    const seattleManager = await newUser('manager', ['seattle']);
    expect(
      (await seattleManager.call('POST', path, { body: { resolution: 'checked' } })).status,
    ).toBe(403);
    const empty = await admin.call('POST', path, { body: { resolution: '   ' } });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('Say what was done about it');
    expect((await zFinding(admin))!.status).toBe('open');

    const resolved = await admin.data<ExceptionView>('POST', path, {
      resolution: 'The second sale was rung on paper; counted with the manager.',
    });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: CONSOLE_ADMIN.email,
      resolution: 'The second sale was rung on paper; counted with the manager.',
    });
    expect(await zFinding(admin, '&status=open')).toBeUndefined();
    expect((await zFinding(admin, '&status=resolved'))!.status).toBe('resolved');

    const again = await admin.call('POST', path, { body: { resolution: 'again' } });
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain('already resolved');

    const { entries } = await admin.data<{
      entries: Array<{ action: string; target: string | null; userEmail: string; after: unknown }>;
    }>('GET', '/audit');
    const entry = entries.find((e) => e.action === 'exception.resolve');
    expect(entry).toMatchObject({
      target: found.exceptionId,
      userEmail: CONSOLE_ADMIN.email,
      after: { status: 'resolved' },
    });
  });
});

describe('reconciliation from the console', () => {
  it("compares a day's Z reports with HQ's facts, for the stores the user runs", async () => {
    const manager = await newUser('manager', [S]);
    const day = await manager.data<Reconciliation>('POST', '/reconcile', { date: DAY });
    expect(day.stores.map((s) => s.storeId)).toEqual([S]);
    const store = day.stores[0]!;
    expect(store.status).toBe('differs');
    expect(store.shifts).toHaveLength(1);
    expect(store.shifts[0]!.differences).toContainEqual({ field: 'salesCount', till: 2, hq: 1 });

    // The day's own finding is in the queue now.
    const { exceptions } = await admin.data<{ exceptions: ExceptionView[] }>(
      'GET',
      `/exceptions?storeId=${S}&kind=store_day_differs&status=open`,
    );
    expect(exceptions.map((x) => x.entityId)).toContain(DAY);

    const all = await admin.data<Reconciliation>('POST', '/reconcile', { date: DAY });
    expect(all.stores.length).toBeGreaterThan(1);

    const analyst = await newUser('analyst');
    expect((await analyst.call('POST', '/reconcile', { body: { date: DAY } })).status).toBe(403);
    const bad = await manager.call('POST', '/reconcile', { body: { date: '18/11/2026' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('Enter a date like 2026-12-07');
    const elsewhere = await manager.call('POST', '/reconcile', {
      body: { date: DAY, storeId: 'seattle' },
    });
    expect(elsewhere.status).toBe(403);
  });
});
