/**
 * The HQ console's API against a real HQ (PostgreSQL, RLS): sign-in with lockout, session
 * cookies and CSRF, what each role may do, price edits that reach a till through the change
 * feed (all stores or none), the audit log, and reports from the rollups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { verifyPin } from '../../db/queries/staff';
import {
  CONSOLE_ADMIN,
  eventually,
  openSyncTill,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';
import { ConsoleClient } from './console-client';

let hq: TestHq;
let till: TestTillHandle;
let admin: ConsoleClient;

beforeAll(async () => {
  hq = await startTestHq({ seed: { products: 30, customers: 40, sales: 400 } });
  till = await openSyncTill({ url: hq.url, code: await hq.code('redmond'), storeId: 'redmond' });
  admin = new ConsoleClient(hq.url);
  expect((await admin.signIn(CONSOLE_ADMIN.email, CONSOLE_ADMIN.password)).status).toBe(200);
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

async function skuOf(storeId: string): Promise<{ sku: string; cents: number }> {
  return withTenant(hq.hq.central.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ sku: string; cents: number }>(
      `SELECT sku, (price * 100)::int AS cents FROM retail.products
        WHERE store_id = $1 AND is_active ORDER BY sku LIMIT 1`,
      [storeId],
    );
    return rows[0]!;
  });
}

async function priceAt(storeId: string, sku: string): Promise<number> {
  return withTenant(hq.hq.central.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ cents: number }>(
      `SELECT (price * 100)::int AS cents FROM retail.products WHERE store_id = $1 AND sku = $2`,
      [storeId, sku],
    );
    return rows[0]!.cents;
  });
}

/** The store's change feed: the last number and the product keys recorded (no triggers). */
async function feedOf(storeId: string): Promise<{ last: number; products: string[] }> {
  return withTenant(hq.hq.central.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ seq: number; entity: string; key: string }>(
      `SELECT seq, entity, key FROM sync.change_log WHERE store_id = $1 ORDER BY seq`,
      [storeId],
    );
    return {
      last: rows.length === 0 ? 0 : Number(rows[rows.length - 1]!.seq),
      products: rows.filter((r) => r.entity === 'product').map((r) => r.key),
    };
  });
}

async function productIdOf(storeId: string, sku: string): Promise<string> {
  return withTenant(hq.hq.central.pools.app, storeId, async (tx) => {
    const { rows } = await tx.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products WHERE store_id = $1 AND sku = $2`,
      [storeId, sku],
    );
    return rows[0]!.product_id;
  });
}

async function newUser(
  role: 'manager' | 'analyst',
  storeIds: string[] = [],
): Promise<ConsoleClient> {
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

describe('sign-in and sessions', () => {
  it('sets an HTTP-only, SameSite=Strict session cookie and answers who is signed in', async () => {
    const client = new ConsoleClient(hq.url);
    const answer = await client.signIn(CONSOLE_ADMIN.email.toUpperCase(), CONSOLE_ADMIN.password);
    expect(answer.status).toBe(200);
    expect(answer.setCookie).toMatch(/HttpOnly/);
    expect(answer.setCookie).toMatch(/SameSite=Strict/);
    expect(answer.setCookie).toMatch(/Path=\/console/);
    const session = await client.data<{ user: { email: string; role: string } }>('GET', '/session');
    expect(session.user).toMatchObject({ email: CONSOLE_ADMIN.email, role: 'admin' });
    expect((await new ConsoleClient(hq.url).call('GET', '/session')).status).toBe(401);
  });

  it('gives the same answer for a wrong password and an unknown user', async () => {
    const wrong = await new ConsoleClient(hq.url).signIn(CONSOLE_ADMIN.email, 'not the password');
    const unknown = await new ConsoleClient(hq.url).signIn('nobody@test.local', 'not the password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('refuses changes without the CSRF token or from another origin', async () => {
    const { sku } = await skuOf('redmond');
    const edit = { sku, priceCents: 1234, storeIds: ['redmond'] };
    expect((await admin.call('POST', '/prices', { body: edit, csrf: false })).status).toBe(403);
    expect((await admin.call('POST', '/prices', { body: edit, csrf: 'x'.repeat(43) })).status).toBe(
      403,
    );
    const foreign = await admin.call('POST', '/prices', {
      body: edit,
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(await priceAt('redmond', sku)).not.toBe(1234);
  });

  it('locks an account after five wrong passwords, even against the right one', async () => {
    const client = await newUser('analyst');
    const email = (await client.data<{ user: { email: string } }>('GET', '/session')).user.email;
    for (let i = 0; i < 4; i++)
      expect((await new ConsoleClient(hq.url).signIn(email, 'wrong password!')).status).toBe(401);
    const fifth = await new ConsoleClient(hq.url).signIn(email, 'wrong password!');
    expect(fifth.status).toBe(403);
    const right = await new ConsoleClient(hq.url).signIn(email, 'a long enough password');
    expect(right.status).toBe(403);
    expect(right.body.ok === false && right.body.error.message).toMatch(
      /locked for 15 more minutes/,
    );
  });

  it('ends the sessions of a disabled user and on sign-out', async () => {
    const client = await newUser('analyst');
    const me = await client.data<{ user: { userId: string } }>('GET', '/session');
    await admin.data('POST', `/users/${me.user.userId}/disabled`, { disabled: true });
    expect((await client.call('GET', '/session')).status).toBe(401);

    const other = await newUser('analyst');
    expect((await other.call('POST', '/sign-out')).status).toBe(200);
    expect((await other.call('GET', '/session')).status).toBe(401);
  });

  it('validates forms with plain-words messages', async () => {
    const answer = await admin.call('POST', '/users', {
      body: { email: 'x', displayName: '', role: 'manager', storeIds: [], password: 'short' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.ok === false && answer.body.error.message).toMatch(/email address/);
  });
});

describe('catalog edits', () => {
  it('a price edited in the console reaches the till, with an audit entry', async () => {
    const { sku, cents } = await skuOf('redmond');
    const result = await admin.data<{ updated: string[] }>('POST', '/prices', {
      sku,
      priceCents: cents + 101,
      storeIds: ['redmond'],
    });
    expect(result.updated).toEqual(['redmond']);
    await eventually(async () => {
      await till.client.syncNow();
      const { rows } = await till.store.db.query<{ cents: number }>(
        `SELECT (price * 100)::int AS cents FROM retail.products WHERE sku = $1`,
        [sku],
      );
      expect(rows[0]?.cents).toBe(cents + 101);
    });
    const audit = await admin.data<{
      entries: Array<{ action: string; target: string; before: unknown; after: unknown }>;
    }>('GET', '/audit');
    expect(
      audit.entries.find((e) => e.action === 'product.price' && e.target === sku),
    ).toMatchObject({
      before: { priceCents: cents },
      after: { priceCents: cents + 101 },
    });
  });

  it('changes several stores at once, or none when one of them lacks the product', async () => {
    const skus = async (storeId: string) =>
      withTenant(hq.hq.central.pools.app, storeId, async (tx) => {
        const { rows } = await tx.query<{ sku: string }>(
          `SELECT sku FROM retail.products WHERE store_id = $1`,
          [storeId],
        );
        return new Set(rows.map((r) => r.sku));
      });
    const inRedmond = await skus('redmond');
    const shared = [...(await skus('seattle'))].filter((s) => inRedmond.has(s)).sort();
    const sku = shared[0]!;
    expect(sku).toBeDefined();
    const feedsBefore = [await feedOf('seattle'), await feedOf('redmond')];
    const both = await admin.data<{ updated: string[] }>('POST', '/prices', {
      sku,
      priceCents: 4242,
      storeIds: ['seattle', 'redmond'],
    });
    expect(both.updated.sort()).toEqual(['redmond', 'seattle']);
    expect([await priceAt('seattle', sku), await priceAt('redmond', sku)]).toEqual([4242, 4242]);
    // Each store's feed got the product (one transaction, one append per store).
    for (const [i, storeId] of (['seattle', 'redmond'] as const).entries()) {
      const feed = await feedOf(storeId);
      expect(feed.last).toBeGreaterThan(feedsBefore[i]!.last);
      expect(feed.products.slice(-1)).toEqual([await productIdOf(storeId, sku)]);
    }

    // A product only Seattle sells: asking for Seattle and Redmond changes neither.
    const productId = '0196f000-0000-7000-8000-00000000c001';
    const created = await hq.admin('POST', '/stores/seattle/products', {
      productId,
      sku: 'CON-ONLY-1',
      barcode: '9990701',
      productName: 'Seattle only',
      productDescription: null,
      categoryId: 1,
      brand: null,
      model: null,
      color: null,
      size: null,
      weightKg: null,
      priceCents: 500,
      costCents: null,
      minimumStock: 0,
      reorderPoint: 0,
      supplierName: null,
      isActive: true,
      isFeatured: false,
      tags: [],
      metadata: {},
    });
    expect(created.status).toBe(200);
    const partial = await admin.call('POST', '/prices', {
      body: { sku: 'CON-ONLY-1', priceCents: 9999, storeIds: ['seattle', 'redmond'] },
    });
    expect(partial.status).toBe(404);
    expect(partial.body.ok === false && partial.body.error.message).toBe(
      'Store redmond has no product CON-ONLY-1',
    );
    expect(await priceAt('seattle', 'CON-ONLY-1')).toBe(500);
    const seattleAfterCreate = await feedOf('seattle');
    expect(seattleAfterCreate.products.slice(-1)).toEqual([productId]);
    // The refused edit left no feed entry either.
    const again = await admin.call('POST', '/prices', {
      body: { sku: 'CON-ONLY-1', priceCents: 9999, storeIds: ['seattle', 'redmond'] },
    });
    expect(again.status).toBe(404);
    expect((await feedOf('seattle')).last).toBe(seattleAfterCreate.last);
  });

  it('creates a register that a till can then enroll for', async () => {
    const register = await admin.data<{ registerId: string }>('POST', '/registers', {
      storeId: 'redmond',
      registerId: 'r09',
      registerName: 'Garden centre',
    });
    expect(register.registerId).toBe('R09');
    const duplicate = await admin.call('POST', '/registers', {
      body: { storeId: 'redmond', registerId: 'R09', registerName: 'Again' },
    });
    expect(duplicate.status).toBe(409);
    const code = await admin.data<{ code: string }>(
      'POST',
      '/stores/redmond/registers/R09/enrollment-code',
    );
    const second = await openSyncTill({ url: hq.url, code: code.code, storeId: 'redmond' });
    try {
      const devices = await admin.data<{
        devices: Array<{ registerId: string; lastSeenAt: string | null }>;
      }>('GET', '/devices?storeId=redmond');
      expect(devices.devices.some((d) => d.registerId === 'R09')).toBe(true);
    } finally {
      await second.close();
    }
  });
});

describe('staff', () => {
  /** Who the till lets in with this PIN (after pulling HQ's changes), or the till's refusal. */
  const tillSignIn = async (staffId: string, pin: string): Promise<string> => {
    await till.client.syncNow();
    return verifyPin(till.store.db, { storeId: 'redmond', staffId, pin, now: new Date() }).then(
      (m) => m.displayName,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
  };

  it('adds, re-PINs and disables staff; the till follows each change; no PIN in the audit', async () => {
    const added = await admin.data<{ staffId: string; isActive: boolean }>('POST', '/staff', {
      storeId: 'redmond',
      displayName: 'Console Cashier',
      role: 'cashier',
      pin: '482913',
    });
    expect(added.isActive).toBe(true);
    await eventually(async () =>
      expect(await tillSignIn(added.staffId, '482913')).toBe('Console Cashier'),
    );
    const listed = await admin.data<{ staff: Array<{ staffId: string; displayName: string }> }>(
      'GET',
      '/stores/redmond/staff',
    );
    expect(listed.staff.map((m) => m.staffId)).toContain(added.staffId);

    // A PIN someone else at the store signs in with is refused (PIN-only sign-in at the till).
    const taken = await admin.call('POST', '/staff', {
      body: { storeId: 'redmond', displayName: 'Twin', role: 'cashier', pin: '482913' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.ok === false && taken.body.error.message).toBe(
      'Someone at this store already signs in with that PIN: choose another',
    );

    await admin.data('POST', `/stores/redmond/staff/${added.staffId}/pin`, { pin: '739152' });
    await eventually(async () =>
      expect(await tillSignIn(added.staffId, '739152')).toBe('Console Cashier'),
    );
    expect(await tillSignIn(added.staffId, '482913')).toMatch(/^Wrong PIN/);

    const disabled = await admin.data<{ isActive: boolean }>(
      'POST',
      `/stores/redmond/staff/${added.staffId}/active`,
      { active: false },
    );
    expect(disabled.isActive).toBe(false);
    await eventually(async () =>
      expect(await tillSignIn(added.staffId, '739152')).toMatch(/^Choose who you are/),
    );

    const audit = await admin.data<{
      entries: Array<{ action: string; target: string; before: unknown; after: unknown }>;
    }>('GET', '/audit');
    const mine = audit.entries.filter((e) => e.target === added.staffId);
    expect(mine.map((e) => e.action)).toEqual(['staff.disable', 'staff.re-pin', 'staff.create']);
    expect(JSON.stringify(mine)).not.toMatch(/739152|482913|\$2[abxy]\$/);
  });

  it('refuses a bad PIN in plain words and another store to its manager', async () => {
    const bad = await admin.call('POST', '/staff', {
      body: { storeId: 'redmond', displayName: 'Short Pin', role: 'manager', pin: '12a' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.ok === false && bad.body.error.message).toMatch(/A PIN is 4 to 8 digits/);
    const manager = await newUser('manager', ['seattle']);
    const elsewhere = await manager.call('POST', '/staff', {
      body: { storeId: 'redmond', displayName: 'Not Mine', role: 'cashier', pin: '56781234' },
    });
    expect(elsewhere.status).toBe(403);
    const unknown = await admin.call(
      'POST',
      '/stores/redmond/staff/0196f000-0000-7000-8000-0000000000ff/active',
      { body: { active: false } },
    );
    expect(unknown.status).toBe(404);
  });
});

describe('products and categories', () => {
  const tillHas = async (sql: string, params: unknown[]): Promise<number> => {
    await till.client.syncNow();
    const { rows } = await till.store.db.query<{ n: number }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  };

  it('creates a product that the till receives, refuses a taken SKU, deletes it everywhere', async () => {
    const input = {
      storeId: 'redmond',
      sku: 'CON-NEW-1',
      barcode: '9990801',
      productName: 'Console Tea',
      categoryId: 1,
      priceCents: 450,
      reorderPoint: 3,
    };
    const created = await admin.data<{ productId: string; priceCents: number }>(
      'POST',
      '/products',
      input,
    );
    expect(created.priceCents).toBe(450);
    const onTill = `SELECT count(*)::int AS n FROM retail.products WHERE sku = $1`;
    await eventually(async () => expect(await tillHas(onTill, ['CON-NEW-1'])).toBe(1));

    const again = await admin.call('POST', '/products', { body: input });
    expect(again.status).toBe(409);
    const bad = await admin.call('POST', '/products', { body: { ...input, sku: 'no spaces' } });
    expect(bad.status).toBe(400);
    expect(bad.body.ok === false && bad.body.error.message).toMatch(/Use up to 50 letters/);

    const deleted = await admin.call(
      'POST',
      `/stores/redmond/products/${created.productId}/delete`,
    );
    expect(deleted.status).toBe(200);
    await eventually(async () => expect(await tillHas(onTill, ['CON-NEW-1'])).toBe(0));
    const gone = await admin.call('POST', `/stores/redmond/products/${created.productId}/delete`);
    expect(gone.status).toBe(404);

    const audit = await admin.data<{
      entries: Array<{ action: string; target: string; before: unknown; after: unknown }>;
    }>('GET', '/audit');
    const mine = audit.entries.filter((e) => e.target === 'CON-NEW-1');
    expect(mine.map((e) => e.action)).toEqual(['product.delete', 'product.create']);
    expect(mine[0]!.before).toMatchObject({ productId: created.productId, priceCents: 450 });
  });

  it('creates, renames and retires a category for every store; administrators only', async () => {
    const created = await admin.data<{ categoryId: number; isActive: boolean }>(
      'POST',
      '/categories',
      { categoryName: 'Console Gifts', parentCategoryId: null },
    );
    expect(created.isActive).toBe(true);
    const onTill = `SELECT count(*)::int AS n FROM retail.product_categories
                     WHERE category_id = $1 AND category_name = $2 AND is_active = $3`;
    await eventually(async () =>
      expect(await tillHas(onTill, [created.categoryId, 'Console Gifts', true])).toBe(1),
    );
    const updated = await admin.data<{ categoryName: string; isActive: boolean }>(
      'POST',
      `/categories/${created.categoryId}`,
      { categoryName: 'Console Presents', parentCategoryId: null, isActive: false },
    );
    expect(updated).toMatchObject({ categoryName: 'Console Presents', isActive: false });
    await eventually(async () =>
      expect(await tillHas(onTill, [created.categoryId, 'Console Presents', false])).toBe(1),
    );
    const listed = await admin.data<{ categories: Array<{ categoryId: number }> }>(
      'GET',
      '/categories',
    );
    expect(listed.categories.map((c) => c.categoryId)).toContain(created.categoryId);

    const loop = await admin.call('POST', `/categories/${created.categoryId}`, {
      body: { categoryName: 'Loop', parentCategoryId: created.categoryId, isActive: true },
    });
    expect(loop.status).toBe(400);
    expect(loop.body.ok === false && loop.body.error.message).toBe(
      'A category cannot be inside itself',
    );
    const manager = await newUser('manager', ['redmond']);
    const refused = await manager.call('POST', '/categories', {
      body: { categoryName: 'Mine', parentCategoryId: null },
    });
    expect(refused.status).toBe(403);
    const missing = await admin.call('POST', '/categories/99999', {
      body: { categoryName: 'Nowhere', parentCategoryId: null, isActive: true },
    });
    expect(missing.status).toBe(404);
  });
});

describe('roles', () => {
  it('a store manager sees and changes only their stores', async () => {
    const manager = await newUser('manager', ['redmond']);
    const stores = await manager.data<{ stores: Array<{ storeId: string }> }>('GET', '/stores');
    expect(stores.stores.map((s) => s.storeId)).toEqual(['redmond']);
    const { sku } = await skuOf('seattle');
    const elsewhere = await manager.call('POST', '/prices', {
      body: { sku, priceCents: 1, storeIds: ['seattle'] },
    });
    expect(elsewhere.status).toBe(403);
    expect((await manager.call('GET', '/products?storeId=seattle')).status).toBe(403);
    expect(
      (
        await manager.call(
          'GET',
          '/reports/sales-by-day?from=2026-01-01&to=2026-12-31&stores=seattle',
        )
      ).status,
    ).toBe(403);
    expect((await manager.call('GET', '/users')).status).toBe(403);
    const own = await manager.data<{ stores: string[] }>(
      'GET',
      '/reports/sales-by-day?from=2026-01-01&to=2026-12-31',
    );
    expect(own.stores).toEqual(['redmond']);
  });

  it('an analyst reads every store and changes nothing', async () => {
    const analyst = await newUser('analyst');
    const { sku } = await skuOf('redmond');
    const answer = await analyst.call('POST', '/prices', {
      body: { sku, priceCents: 1, storeIds: ['redmond'] },
    });
    expect(answer.status).toBe(403);
    const all = await admin.data<{ stores: Array<{ storeId: string }> }>('GET', '/stores');
    const report = await analyst.data<{ stores: string[] }>(
      'GET',
      '/reports/sales-by-day?from=2020-01-01&to=2021-12-31',
    );
    expect(report.stores).toEqual(all.stores.map((s) => s.storeId));
  });
});

describe('reports', () => {
  it('sales by day add up to the rollup, for the chain and per store', async () => {
    const { rows } = await hq.hq.central.pools.admin.query<{ lo: string; hi: string }>(
      `SELECT min(day)::text AS lo, max(day)::text AS hi FROM retail.daily_sales`,
    );
    // The superuser (no row-level security) for the whole-chain truth.
    const range = rows[0]!;
    expect(range.lo).toBeTruthy();
    const report = await admin.data<{
      days: Array<{ day: string; netCents: number }>;
      byStore: Array<{ storeId: string; netCents: number[] }>;
    }>('GET', `/reports/sales-by-day?from=${range.lo}&to=${range.hi}`);
    const expected = await hq.hq.central.pools.admin.query<{ cents: number }>(
      `SELECT (sum(net) * 100)::bigint AS cents FROM retail.daily_sales`,
    );
    const total = report.days.reduce((s, d) => s + d.netCents, 0);
    expect(total).toBe(Number(expected.rows[0]!.cents));
    const byStore = report.byStore.reduce((s, st) => s + st.netCents.reduce((a, b) => a + b, 0), 0);
    expect(byStore).toBe(total);
    const top = await admin.data<{ products: unknown[]; categories: unknown[] }>(
      'GET',
      `/reports/top-products?from=${range.lo}&to=${range.hi}`,
    );
    expect(top.products.length).toBeGreaterThan(0);
    expect(top.categories.length).toBeGreaterThan(0);
    const low = await admin.call('GET', `/reports/low-stock?from=${range.lo}&to=${range.hi}`);
    expect(low.status).toBe(200);
  });

  it('hours, tenders and cashiers agree with the raw sales', async () => {
    const su = hq.hq.central.pools.admin;
    const { rows } = await su.query<{ lo: string; hi: string }>(
      `SELECT min(day)::text AS lo, max(day)::text AS hi FROM retail.daily_sales`,
    );
    const q = `from=${rows[0]!.lo}&to=${rows[0]!.hi}`;
    const byDay = await admin.data<{ days: Array<{ netCents: number }> }>(
      'GET',
      `/reports/sales-by-day?${q}`,
    );
    const hours = await admin.data<{ hours: Array<{ hour: number; netCents: number }> }>(
      'GET',
      `/reports/sales-by-hour?${q}`,
    );
    expect(hours.hours.map((h) => h.hour)).toEqual([...Array(24).keys()]);
    expect(hours.hours.reduce((s, h) => s + h.netCents, 0)).toBe(
      byDay.days.reduce((s, d) => s + d.netCents, 0),
    );
    const tenders = await admin.data<{
      tenders: Array<{ tenderType: string; amountCents: number; payments: number }>;
    }>('GET', `/reports/tender-mix?${q}`);
    const paid = await su.query<{ tender_type: string; cents: number; n: number }>(
      `SELECT p.tender_type, (sum(p.amount) * 100)::bigint AS cents, count(*)::int AS n
         FROM retail.payments p
         JOIN retail.sales_transactions t ON t.store_id = p.store_id
          AND t.transaction_id = p.transaction_id AND t.occurred_at = p.occurred_at
        WHERE t.status = 'completed' GROUP BY 1 ORDER BY 2 DESC`,
    );
    expect(tenders.tenders).toEqual(
      paid.rows.map((r) => ({
        tenderType: r.tender_type,
        amountCents: Number(r.cents),
        payments: r.n,
      })),
    );
    const cashiers = await admin.data<{
      cashiers: Array<{ cashierName: string; sales: number; returns: number; voids: number }>;
    }>('GET', `/reports/cashiers?${q}`);
    const counted = await su.query<{ n: number; voids: number }>(
      `SELECT count(*) FILTER (WHERE status = 'completed')::int AS n,
              count(*) FILTER (WHERE status = 'voided')::int AS voids
         FROM retail.sales_transactions`,
    );
    expect(cashiers.cashiers.reduce((s, c) => s + c.sales + c.returns, 0)).toBe(counted.rows[0]!.n);
    expect(cashiers.cashiers.reduce((s, c) => s + c.voids, 0)).toBe(counted.rows[0]!.voids);
    expect(cashiers.cashiers.every((c) => c.cashierName !== 'Unknown cashier')).toBe(true);
  });

  it('refuses an inverted date range in plain words', async () => {
    const answer = await admin.call('GET', '/reports/sales-by-day?from=2026-02-01&to=2026-01-01');
    expect(answer.status).toBe(400);
    expect(answer.body.ok === false && answer.body.error.message).toMatch(/end date is before/);
  });
});

describe('price import from CSV', () => {
  it('previews row by row, changes nothing while any row is wrong, then applies all at once', async () => {
    const { sku, cents } = await skuOf('bellevue');
    const bad = [
      'sku,price,store',
      `${sku},${((cents + 7) / 100).toFixed(2)},bellevue`,
      `${sku},cheap,bellevue`,
      `NO-SUCH-SKU,1.00,bellevue`,
      `${sku},2.00,atlantis`,
    ].join('\n');
    const preview = await admin.data<{
      applied: boolean;
      rows: Array<{ line: number; status: string; error?: string }>;
      errors: number;
    }>('POST', '/prices/import', { csv: bad, apply: true });
    expect(preview.applied).toBe(false);
    expect(preview.rows.map((r) => [r.line, r.status, r.error])).toEqual([
      [2, 'change', undefined],
      [3, 'error', '"cheap" is not a price (write it like 12.99)'],
      [4, 'error', 'bellevue does not sell NO-SUCH-SKU'],
      [5, 'error', 'There is no store "atlantis"'],
    ]);
    expect(await priceAt('bellevue', sku)).toBe(cents);

    const good = `sku,price,store\r\n${sku},${((cents + 7) / 100).toFixed(2)},bellevue\r\n`;
    const onlyPreview = await admin.data<{ applied: boolean; changes: number }>(
      'POST',
      '/prices/import',
      { csv: good, apply: false },
    );
    expect(onlyPreview).toMatchObject({ applied: false, changes: 1 });
    expect(await priceAt('bellevue', sku)).toBe(cents);
    const applied = await admin.data<{ applied: boolean; changes: number }>(
      'POST',
      '/prices/import',
      { csv: good, apply: true },
    );
    expect(applied).toMatchObject({ applied: true, changes: 1 });
    expect(await priceAt('bellevue', sku)).toBe(cents + 7);
    expect((await feedOf('bellevue')).products.slice(-1)).toEqual([
      await productIdOf('bellevue', sku),
    ]);
  });

  it('refuses a file without the sku and price columns, in plain words', async () => {
    const answer = await admin.call('POST', '/prices/import', {
      body: { csv: 'name,cost\nx,1', apply: false },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.ok === false && answer.body.error.message).toBe(
      'The first line must name the columns: sku,price (and optionally store)',
    );
  });
});
