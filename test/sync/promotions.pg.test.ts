/**
 * Promotions end to end (issue 18, item 4) against the real HQ service and a real PGlite till:
 * defined at HQ through the admin API and `npm run hq:admin`, synced down to the till, applied
 * by the till offline when it rings the sale, recorded per line, and recomputed by HQ from the
 * ingested sale with the same result, cent for cent. A coupon that is unknown or outside its
 * dates is refused with the reason and nothing is written; a promotion ended at HQ stops at
 * the till.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromotionDefine, PromotionDefined } from '../../contract/admin-protocol';
import type { SaleResult } from '../../contract/till-api/sale';
import type { PromotionRecomputation } from '../../db/central/promotion-check';
import { commitSale } from '../../db/checkout/sale';
import { currentShift, openShift } from '../../db/checkout/shifts';
import { runHqAdmin } from '../hq/admin-cli';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { eventually, openSyncTill, startTestHq, type TestHq, type TestTillHandle } from './harness';

let hq: TestHq;
let proxy: FaultProxy;
let till: TestTillHandle;

interface Product {
  product_id: string;
  sku: string;
  product_name: string;
  category_id: number | null;
  cents: number;
}
let products: Product[];

beforeAll(async () => {
  hq = await startTestHq();
  proxy = await startFaultProxy({ target: hq.url, seed: 18 });
  till = await openSyncTill({ url: proxy.url, code: await hq.code('seattle'), storeId: 'seattle' });
  const { rows } = await till.store.db.query<Product>(
    `SELECT product_id, sku, product_name, category_id, (price * 100)::int AS cents
       FROM retail.products WHERE is_active AND price > 1 AND category_id IS NOT NULL
      ORDER BY sku LIMIT 3`,
  );
  products = rows;
});

afterAll(async () => {
  await till?.close();
  await proxy?.close();
  await hq?.close();
});

// The test till's clock starts at 2026-11-20T10:00:00Z (harness.ts).
const define = async (body: PromotionDefine): Promise<PromotionDefined> => {
  const r = await hq.admin<{ ok: boolean; data: PromotionDefined }>('POST', '/promotions', body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data;
};

async function sell(
  lines: Array<{ product: Product; quantity: number }>,
  coupons: string[] = [],
): Promise<SaleResult> {
  const context = await till.till();
  if (!(await currentShift(context))) {
    await openShift(context, { staffId: till.cashierId, openingFloatCents: 10_000 });
  }
  return commitSale(context, {
    cart: {
      lines: lines.map(({ product, quantity }) => ({
        productId: product.product_id,
        sku: product.sku,
        productName: product.product_name,
        categoryId: product.category_id,
        unitPriceCents: Number(product.cents),
        quantity,
      })),
      coupons,
    },
    tenders: [{ type: 'cash', tenderedCents: 100_000_000 }],
    cashierId: till.cashierId,
  });
}

const tillPromotions = async (): Promise<number> =>
  (
    await till.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.promotions WHERE is_active`,
    )
  ).rows[0]!.n;

const recompute = async (transactionId: string): Promise<PromotionRecomputation> => {
  const r = await hq.admin<{ ok: boolean; data: PromotionRecomputation }>(
    'GET',
    `/stores/seattle/sales/${transactionId}/promotions`,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data;
};

describe('promotions defined at HQ, applied at the till, recomputed at HQ', () => {
  let percent: PromotionDefined;
  let twoForOne: PromotionDefined;

  it('reach the till through the change feed', async () => {
    const [a, b] = products;
    percent = await define({
      storeIds: ['seattle'],
      promotion: {
        name: '15% off the category',
        rule: { kind: 'percent', ppm: 150_000 },
        target: { all: false, productIds: [], categoryIds: [a!.category_id!] },
        startsAt: '2026-11-01T00:00:00.000Z',
        endsAt: '2026-12-01T00:00:00.000Z',
        priority: 1,
      },
    });
    twoForOne = await define({
      promotion: {
        name: 'Second one half price',
        rule: { kind: 'buy_x_get_y', buy: 1, get: 1, ppm: 500_000 },
        target: { all: false, productIds: [b!.product_id], categoryIds: [] },
        startsAt: '2026-11-01T00:00:00.000Z',
        priority: 5,
      },
    });
    expect(twoForOne.stores).toContain('seattle');
    expect(twoForOne.stores.length).toBeGreaterThan(1);
    // The coupon through the CLI, as HQ staff would.
    const cli = await runHqAdmin(hq.url, [
      'promotion',
      '--name',
      'Spring coupon',
      '--amount',
      '1.00',
      '--coupon',
      'spring10',
      '--from',
      '2026-11-15T00:00:00Z',
      '--until',
      '2026-11-30T00:00:00Z',
      '--store',
      'seattle',
    ]);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('Spring coupon');
    await eventually(async () => expect(await tillPromotions()).toBe(3));
    const listed = await runHqAdmin(hq.url, ['promotions', 'seattle']);
    expect(listed.stdout).toContain('SPRING10');
  });

  it('prices a sale offline with them, per line, and HQ recomputes the same amounts', async () => {
    const [a, b, c] = products;
    proxy.offline = true;
    const sale = await sell(
      [
        { product: a!, quantity: 2 },
        { product: b!, quantity: 2 },
        { product: c!, quantity: 1 },
      ],
      ['Spring10'],
    );
    const lines = sale.receipt.lines;
    // b: the higher-priority 2-for-1 takes both units (one at half price), even if b is in a's
    // category; no unit gets two promotions.
    expect(lines[1]!.promotions.map((p) => p.name)).toEqual(['Second one half price']);
    expect(lines[1]!.promotions[0]!.cents).toBe(Math.round(b!.cents * 0.5));
    const totalOff = lines.reduce((n, l) => n + l.promotions.reduce((m, p) => m + p.cents, 0), 0);
    expect(totalOff).toBeGreaterThan(0);
    expect(sale.receipt.coupons).toEqual(['SPRING10']);
    for (const l of lines) {
      expect(l.discountCents).toBe(l.promotions.reduce((m, p) => m + p.cents, 0));
    }
    proxy.offline = false;
    const atHq = await eventually(async () => {
      const r = await hq.admin<{ ok: boolean; data: PromotionRecomputation }>(
        'GET',
        `/stores/seattle/sales/${sale.receipt.transactionId}/promotions`,
      );
      expect(r.status).toBe(200);
      return r.body.data;
    });
    expect(atHq.matches).toBe(true);
    expect(atHq.recomputedCents).toBe(totalOff);
    expect(atHq.lines.map((l) => l.recomputed)).toEqual(lines.map((l) => l.promotions));
  });

  it('refuses a coupon that is unknown or outside its dates, and writes nothing', async () => {
    const [a] = products;
    const before = await till.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transactions`,
    );
    await expect(sell([{ product: a!, quantity: 1 }], ['NOPE'])).rejects.toThrow(
      'No coupon NOPE in this store',
    );
    // A coupon valid from tomorrow.
    await define({
      storeIds: ['seattle'],
      promotion: {
        name: 'Winter coupon',
        rule: { kind: 'percent', ppm: 100_000 },
        target: { all: true, productIds: [], categoryIds: [] },
        couponCode: 'WINTER',
        startsAt: '2026-12-01T00:00:00.000Z',
      },
    });
    await eventually(async () => expect(await tillPromotions()).toBe(4));
    await expect(sell([{ product: a!, quantity: 1 }], ['winter'])).rejects.toThrow(
      'Coupon WINTER is valid from 2026-12-01',
    );
    const after = await till.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transactions`,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('stops applying a promotion HQ ended', async () => {
    const [a] = products;
    const ended = await hq.admin<{ ok: boolean; data: { stores: string[] } }>(
      'POST',
      `/promotions/${percent.promotion.promotionId}/end`,
      { endsAt: '2026-11-02T00:00:00.000Z' },
    );
    expect(ended.status).toBe(200);
    expect(ended.body.data.stores).toEqual(['seattle']);
    await eventually(async () => {
      const { rows } = await till.store.db.query<{ ends: Date }>(
        `SELECT ends_at AS ends FROM retail.promotions WHERE promotion_id = $1`,
        [percent.promotion.promotionId],
      );
      expect(new Date(rows[0]!.ends).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    });
    const sale = await sell([{ product: a!, quantity: 1 }]);
    expect(sale.receipt.lines[0]!.promotions).toEqual([]);
    const atHq = await eventually(() => recompute(sale.receipt.transactionId));
    expect(atHq.matches).toBe(true);
  });

  it('come with the first download of a till enrolled later', async () => {
    const later = await openSyncTill({
      url: hq.url,
      code: await hq.code('seattle', 'R02'),
      storeId: 'seattle',
    });
    try {
      const { rows } = await later.store.db.query<{ id: string; ends: Date | null }>(
        `SELECT promotion_id AS id, ends_at AS ends FROM retail.promotions ORDER BY promotion_id`,
      );
      const { rows: here } = await till.store.db.query<{ id: string; ends: Date | null }>(
        `SELECT promotion_id AS id, ends_at AS ends FROM retail.promotions ORDER BY promotion_id`,
      );
      expect(rows).toHaveLength(4);
      expect(rows).toEqual(here);
    } finally {
      await later.close();
    }
  });

  it('refuses a definition that cannot work, in words', async () => {
    const r = await hq.admin<{ ok: boolean; error: { message: string } }>('POST', '/promotions', {
      promotion: {
        name: 'Backwards',
        rule: { kind: 'percent', ppm: 100_000 },
        target: { all: true, productIds: [], categoryIds: [] },
        startsAt: '2026-12-01T00:00:00.000Z',
        endsAt: '2026-11-01T00:00:00.000Z',
      },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('A promotion ends after it starts');
  });
});
