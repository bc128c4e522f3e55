/**
 * Console reports, read from the rollups (retail.daily_store_sales for sales by day,
 * daily_sales for products and categories, hourly_store_sales, daily_tender_sales,
 * daily_cashier_sales for hours, tenders and cashiers, stock_levels, stock_alerts),
 * never by scanning raw sales, through the read-only reporting role. The tenant guard holds
 * for reports too: each store is read under its own tenant key; a chain-wide report reads its
 * stores in a few parallel read-only snapshots (PARALLEL connections, each taking a share of the
 * stores) and adds them up here.
 */
import type pg from 'pg';
import type {
  CashierActivity,
  LowStock,
  SalesByDay,
  SalesByHour,
  TenderMix,
  TopProducts,
} from '../../../contract/console-protocol';
import { centsFromNumeric } from '../../../core/money';
import { readEachStore, type StoreStatement } from '../../../db/central/tenant';

const PARALLEL = 4;

export interface ReportRange {
  from: string;
  to: string;
  storeIds: readonly string[];
}

/**
 * One statement per store, each under its own tenant key, spread over PARALLEL read-only
 * snapshots; each snapshot sends all its stores' statements at once (readEachStore on the
 * pipelined reporting pool). Results in the order of `storeIds`.
 */
async function eachStore<R extends pg.QueryResultRow>(
  reporting: pg.Pool,
  storeIds: readonly string[],
  statement: (storeId: string) => StoreStatement,
): Promise<Array<{ storeId: string; rows: R[] }>> {
  const shares: string[][] = Array.from({ length: Math.min(PARALLEL, storeIds.length) }, () => []);
  storeIds.forEach((s, i) => shares[i % shares.length]!.push(s));
  const results = (
    await Promise.all(shares.map((share) => readEachStore<R>(reporting, share, statement)))
  ).flat();
  const byStore = new Map(results.map((r) => [r.storeId, r]));
  return storeIds.map((s) => byStore.get(s)!);
}

/** Every day from `from` to `to` (ISO dates), inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** [day, net cents, tax cents, returns cents, units]: one store-day, as json_agg returns it. */
type StoreDay = [string, number, number, number, number];

export async function salesByDay(reporting: pg.Pool, range: ReportRange): Promise<SalesByDay> {
  const days = daysBetween(range.from, range.to);
  const index = new Map(days.map((d, i) => [d, i]));
  // A store's year is ONE row (a JSON array of its store-days, amounts already in cents):
  // 50 rows for the chain instead of 18,250, and no numeric text to parse here.
  const stores = await eachStore<{ days: StoreDay[] }>(reporting, range.storeIds, (storeId) => ({
    text: `SELECT coalesce(json_agg(json_build_array(day::text, (net * 100)::bigint,
                    (tax * 100)::bigint, (returns * 100)::bigint, quantity) ORDER BY day),
                    '[]') AS days
             FROM retail.daily_store_sales
            WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date`,
    values: [storeId, range.from, range.to],
  }));
  const total = days.map((day) => ({
    day,
    netCents: 0,
    taxCents: 0,
    returnsCents: 0,
    quantity: 0,
  }));
  const byStore = stores.map(({ storeId, rows }) => {
    const netCents = days.map(() => 0);
    for (const [day, net, tax, returns, quantity] of rows[0]?.days ?? []) {
      const i = index.get(day);
      if (i === undefined) continue;
      netCents[i] = net;
      const t = total[i]!;
      t.netCents += net;
      t.taxCents += tax;
      t.returnsCents += returns;
      t.quantity += quantity;
    }
    return { storeId, netCents };
  });
  return { stores: [...range.storeIds], days: total, byStore };
}

export async function topProducts(
  reporting: pg.Pool,
  range: ReportRange & { limit: number },
): Promise<TopProducts> {
  const perStoreRows = await eachStore<{
    product_id: string;
    sku: string;
    product_name: string;
    category_id: number | null;
    category_name: string | null;
    quantity: number;
    net: string;
  }>(reporting, range.storeIds, (storeId) => ({
    text: `SELECT d.product_id, p.sku, p.product_name, p.category_id, c.category_name,
                  sum(d.quantity)::int AS quantity, sum(d.net)::text AS net
             FROM retail.daily_sales d
             JOIN retail.products p ON p.store_id = d.store_id AND p.product_id = d.product_id
             LEFT JOIN retail.product_categories c ON c.category_id = p.category_id
            WHERE d.store_id = $1 AND d.day BETWEEN $2::date AND $3::date
            GROUP BY 1, 2, 3, 4, 5`,
    values: [storeId, range.from, range.to],
  }));
  const products = new Map<string, TopProducts['products'][number]>();
  const categories = new Map<string, TopProducts['categories'][number]>();
  for (const r of perStoreRows.flatMap((s) => s.rows)) {
    const net = centsFromNumeric(r.net);
    const p = products.get(r.sku) ?? {
      productId: r.product_id,
      sku: r.sku,
      productName: r.product_name,
      quantity: 0,
      netCents: 0,
    };
    p.quantity += r.quantity;
    p.netCents += net;
    products.set(r.sku, p);
    const key = String(r.category_id);
    const c = categories.get(key) ?? {
      categoryId: r.category_id,
      categoryName: r.category_name ?? 'Uncategorised',
      quantity: 0,
      netCents: 0,
    };
    c.quantity += r.quantity;
    c.netCents += net;
    categories.set(key, c);
  }
  const byNet = <T extends { netCents: number }>(a: T, b: T): number => b.netCents - a.netCents;
  return {
    products: [...products.values()].sort(byNet).slice(0, range.limit),
    categories: [...categories.values()].sort(byNet),
  };
}

/** Net sales and units per hour of the store-local day, from hourly_store_sales (0026). */
export async function salesByHour(reporting: pg.Pool, range: ReportRange): Promise<SalesByHour> {
  const stores = await eachStore<{ hour: number; net: number; quantity: number }>(
    reporting,
    range.storeIds,
    (storeId) => ({
      text: `SELECT hour, (sum(net) * 100)::bigint AS net, sum(quantity)::bigint AS quantity
               FROM retail.hourly_store_sales
              WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date
              GROUP BY hour`,
      values: [storeId, range.from, range.to],
    }),
  );
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, netCents: 0, quantity: 0 }));
  for (const r of stores.flatMap((s) => s.rows)) {
    const h = hours[r.hour]!;
    h.netCents += r.net;
    h.quantity += r.quantity;
  }
  return { hours };
}

/** Amount and payments per tender type, from daily_tender_sales (0026). */
export async function tenderMix(reporting: pg.Pool, range: ReportRange): Promise<TenderMix> {
  const stores = await eachStore<{ tender_type: string; amount: number; payments: number }>(
    reporting,
    range.storeIds,
    (storeId) => ({
      text: `SELECT tender_type, (sum(amount) * 100)::bigint AS amount,
                    sum(payment_count)::bigint AS payments
               FROM retail.daily_tender_sales
              WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date
              GROUP BY tender_type`,
      values: [storeId, range.from, range.to],
    }),
  );
  const tenders = new Map<string, TenderMix['tenders'][number]>();
  for (const r of stores.flatMap((s) => s.rows)) {
    const t = tenders.get(r.tender_type) ?? {
      tenderType: r.tender_type,
      amountCents: 0,
      payments: 0,
    };
    t.amountCents += r.amount;
    t.payments += r.payments;
    tenders.set(r.tender_type, t);
  }
  return { tenders: [...tenders.values()].sort((a, b) => b.amountCents - a.amountCents) };
}

/**
 * Per store and cashier: sales and returns rung, refunds given and voids made, from
 * daily_cashier_sales (0026), most voids and returns first.
 */
export async function cashierActivity(
  reporting: pg.Pool,
  range: ReportRange,
): Promise<CashierActivity> {
  const stores = await eachStore<{
    cashier_id: string;
    display_name: string | null;
    sales: number;
    returns: number;
    refunds: number;
    voids: number;
    voided: number;
  }>(reporting, range.storeIds, (storeId) => ({
    text: `SELECT c.cashier_id, s.display_name, sum(c.sales_count)::bigint AS sales,
                  sum(c.returns_count)::bigint AS returns,
                  (sum(c.returns_amount) * 100)::bigint AS refunds,
                  sum(c.voids_count)::bigint AS voids,
                  (sum(c.voids_amount) * 100)::bigint AS voided
             FROM retail.daily_cashier_sales c
             LEFT JOIN retail.staff s ON s.store_id = c.store_id AND s.staff_id = c.cashier_id
            WHERE c.store_id = $1 AND c.day BETWEEN $2::date AND $3::date
            GROUP BY 1, 2`,
    values: [storeId, range.from, range.to],
  }));
  const cashiers = stores.flatMap(({ storeId, rows }) =>
    rows.map((r) => ({
      storeId,
      cashierId: r.cashier_id,
      cashierName: r.display_name ?? 'Unknown cashier',
      sales: r.sales,
      returns: r.returns,
      refundsCents: r.refunds,
      voids: r.voids,
      voidedCents: r.voided,
    })),
  );
  cashiers.sort(
    (a, b) =>
      b.voids + b.returns - (a.voids + a.returns) || a.cashierName.localeCompare(b.cashierName),
  );
  return { cashiers };
}

/** Open low-stock alerts with the last 7 days' sales pace and a reorder suggestion. */
export async function lowStock(reporting: pg.Pool, range: ReportRange): Promise<LowStock> {
  const perStoreRows = await eachStore<{
    product_id: string;
    sku: string;
    product_name: string;
    on_hand: number;
    reorder_point: number;
    sold7: number;
  }>(reporting, range.storeIds, (storeId) => ({
    text: `SELECT a.product_id, p.sku, p.product_name, a.on_hand, p.reorder_point,
                  coalesce((SELECT sum(d.quantity_sold) FROM retail.daily_sales d
                             WHERE d.store_id = a.store_id AND d.product_id = a.product_id
                               AND d.day BETWEEN $2::date - 6 AND $2::date), 0)::int AS sold7
             FROM retail.stock_alerts a
             JOIN retail.products p ON p.store_id = a.store_id AND p.product_id = a.product_id
            WHERE a.store_id = $1 AND a.status = 'open' AND a.alert_type = 'low_stock'
            ORDER BY a.on_hand - p.reorder_point, p.sku
            LIMIT 200`,
    values: [storeId, range.to],
  }));
  const items = perStoreRows.flatMap(({ storeId, rows }) =>
    rows.map((r) => {
      const velocityPerDay = r.sold7 / 7;
      return {
        storeId,
        productId: r.product_id,
        sku: r.sku,
        productName: r.product_name,
        onHand: r.on_hand,
        reorderPoint: r.reorder_point,
        velocityPerDay: Math.round(velocityPerDay * 100) / 100,
        suggestedOrder: suggestedOrder({
          onHand: r.on_hand,
          reorderPoint: r.reorder_point,
          velocityPerDay,
        }),
      };
    }),
  );
  return { items };
}

/** Enough to cover 14 days at the recent pace and end above the reorder point. */
export function suggestedOrder(o: {
  onHand: number;
  reorderPoint: number;
  velocityPerDay: number;
}): number {
  return Math.max(0, Math.ceil(o.velocityPerDay * 14) + o.reorderPoint + 1 - o.onHand);
}
