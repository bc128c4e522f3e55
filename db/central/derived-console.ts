/**
 * The console's report rollups (migration 0026), maintained with daily_sales (derived.ts) by
 * the code that writes the facts, in the same transaction:
 *   hourly_store_sales   per store, store-local day and hour: the sale lines' net and units;
 *   daily_tender_sales   per store, store-local day and tender: the payments;
 *   daily_cashier_sales  per store, store-local day and cashier: completed sales and returns
 *                        rung, refunds given, and voids made (on the day of the void).
 * A sale adds (sign 1), its void subtracts (sign -1) and counts a void for whoever voided it;
 * rows left empty are deleted, so a voided day looks as if never sold, as in daily_sales.
 *
 * Contract (as derived.ts): inside withTenant, only for facts this transaction has just
 * written; rows are written in key order (concurrent pushes of a store never deadlock).
 */
import { sqlCents as cents } from '../sql';
import type { LineColumns } from './line-columns';
import { intArray, textArray } from './pg-arrays';
import type { TenantTx } from './tenant';

export interface PaymentColumns {
  tenderType: readonly string[];
  amountCents: readonly number[];
  occurredAt: readonly string[];
}

export interface SaleColumns {
  cashierId: readonly string[];
  transactionType: readonly string[];
  totalCents: readonly number[];
  occurredAt: readonly string[];
}

/** Sale lines into their store-local hours. */
export async function addHours(tx: TenantTx, lines: LineColumns, sign: 1 | -1): Promise<void> {
  if (lines.productId.length === 0) return;
  await tx.query(
    `INSERT INTO retail.hourly_store_sales AS h (store_id, day, hour, quantity, net, line_count)
     SELECT $1, (u.at AT TIME ZONE s.timezone)::date,
            extract(hour FROM u.at AT TIME ZONE s.timezone)::smallint,
            $5 * sum(u.qty)::integer, $5 * sum(${cents('u.total')}), $5 * count(*)::integer
       FROM unnest($2::int[], $3::bigint[], $4::timestamptz[]) AS u(qty, total, at)
      CROSS JOIN (SELECT timezone FROM retail.stores WHERE store_id = $1) s
      GROUP BY 2, 3
      ORDER BY 2, 3
     ON CONFLICT (store_id, day, hour) DO UPDATE SET
        quantity = h.quantity + EXCLUDED.quantity,
        net = h.net + EXCLUDED.net,
        line_count = h.line_count + EXCLUDED.line_count,
        updated_at = EXCLUDED.updated_at`,
    [
      tx.storeId,
      intArray(lines.quantity),
      intArray(lines.totalCents),
      textArray(lines.occurredAt),
      sign,
    ],
  );
  if (sign === -1) {
    await tx.query(`DELETE FROM retail.hourly_store_sales WHERE store_id = $1 AND line_count = 0`, [
      tx.storeId,
    ]);
  }
}

/** Payments into their store-local day and tender. */
export async function addTenders(
  tx: TenantTx,
  payments: PaymentColumns,
  sign: 1 | -1,
): Promise<void> {
  if (payments.tenderType.length === 0) return;
  await tx.query(
    `INSERT INTO retail.daily_tender_sales AS d
       (store_id, day, tender_type, amount, payment_count)
     SELECT $1, (u.at AT TIME ZONE s.timezone)::date, u.tender,
            $5 * sum(${cents('u.amount')}), $5 * count(*)::integer
       FROM unnest($2::text[], $3::bigint[], $4::timestamptz[]) AS u(tender, amount, at)
      CROSS JOIN (SELECT timezone FROM retail.stores WHERE store_id = $1) s
      GROUP BY 2, 3
      ORDER BY 2, 3
     ON CONFLICT (store_id, day, tender_type) DO UPDATE SET
        amount = d.amount + EXCLUDED.amount,
        payment_count = d.payment_count + EXCLUDED.payment_count,
        updated_at = EXCLUDED.updated_at`,
    [
      tx.storeId,
      textArray(payments.tenderType),
      intArray(payments.amountCents),
      textArray(payments.occurredAt),
      sign,
    ],
  );
  if (sign === -1) {
    await tx.query(
      `DELETE FROM retail.daily_tender_sales WHERE store_id = $1 AND payment_count = 0`,
      [tx.storeId],
    );
  }
}

/**
 * Completed transactions into their cashier's day (sign 1), or out of it (sign -1, voided);
 * `voids` adds a void by `voidedBy` on the void's day. Returns count as returns (refund =
 * minus the total), sales and exchanges as sales.
 */
async function addCashier(
  tx: TenantTx,
  rows: {
    day: 'sale' | 'void';
    cashierId: readonly string[];
    transactionType: readonly string[];
    totalCents: readonly number[];
    at: readonly string[];
    sign: 1 | -1;
  },
): Promise<void> {
  if (rows.cashierId.length === 0) return;
  const isVoid = rows.day === 'void';
  await tx.query(
    `INSERT INTO retail.daily_cashier_sales AS c
       (store_id, day, cashier_id, sales_count, returns_count, returns_amount, voids_count,
        voids_amount)
     SELECT $1, (u.at AT TIME ZONE s.timezone)::date, u.cashier,
            CASE WHEN $7 THEN 0 ELSE $6 * count(*) FILTER (WHERE u.typ <> 'return') END,
            CASE WHEN $7 THEN 0 ELSE $6 * count(*) FILTER (WHERE u.typ = 'return') END,
            CASE WHEN $7 THEN 0
                 ELSE $6 * coalesce(sum(-${cents('u.total')}) FILTER (WHERE u.typ = 'return'), 0)
            END,
            CASE WHEN $7 THEN count(*) ELSE 0 END,
            CASE WHEN $7 THEN sum(${cents('u.total')}) ELSE 0 END
       FROM unnest($2::uuid[], $3::text[], $4::bigint[], $5::timestamptz[])
            AS u(cashier, typ, total, at)
      CROSS JOIN (SELECT timezone FROM retail.stores WHERE store_id = $1) s
      GROUP BY 2, 3
      ORDER BY 2, 3
     ON CONFLICT (store_id, day, cashier_id) DO UPDATE SET
        sales_count = c.sales_count + EXCLUDED.sales_count,
        returns_count = c.returns_count + EXCLUDED.returns_count,
        returns_amount = c.returns_amount + EXCLUDED.returns_amount,
        voids_count = c.voids_count + EXCLUDED.voids_count,
        voids_amount = c.voids_amount + EXCLUDED.voids_amount,
        updated_at = EXCLUDED.updated_at`,
    [
      tx.storeId,
      textArray(rows.cashierId),
      textArray(rows.transactionType),
      intArray(rows.totalCents),
      textArray(rows.at),
      rows.sign,
      isVoid,
    ],
  );
}

/** Newly recorded sales (completed transactions) and their payments. */
export async function addSalesToConsoleRollups(
  tx: TenantTx,
  sales: SaleColumns,
  payments: PaymentColumns,
): Promise<void> {
  await addTenders(tx, payments, 1);
  await addCashier(tx, {
    day: 'sale',
    cashierId: sales.cashierId,
    transactionType: sales.transactionType,
    totalCents: sales.totalCents,
    at: sales.occurredAt,
    sign: 1,
  });
}

/**
 * A void: its transaction's payments and its cashier's count leave the day they happened; a
 * void is counted for the person who voided it on the day of the void. (The lines' hours are
 * taken out with daily_sales, by derived.ts.)
 */
export async function removeVoidFromConsoleRollups(
  tx: TenantTx,
  v: { transactionId: string; occurredAt: Date; voidedBy: string; voidedAt: string },
): Promise<void> {
  const { rows: payments } = await tx.query<{ tender_type: string; cents: number }>(
    `SELECT tender_type, (amount * 100)::bigint AS cents FROM retail.payments
      WHERE store_id = $1 AND transaction_id = $2 AND occurred_at = $3`,
    [tx.storeId, v.transactionId, v.occurredAt],
  );
  const at = v.occurredAt.toISOString();
  await addTenders(
    tx,
    {
      tenderType: payments.map((p) => p.tender_type),
      amountCents: payments.map((p) => Number(p.cents)),
      occurredAt: payments.map(() => at),
    },
    -1,
  );
  const { rows } = await tx.query<{ cashier_id: string; transaction_type: string; cents: number }>(
    `SELECT cashier_id, transaction_type, (total_amount * 100)::bigint AS cents
       FROM retail.sales_transactions
      WHERE store_id = $1 AND transaction_id = $2 AND occurred_at = $3`,
    [tx.storeId, v.transactionId, v.occurredAt],
  );
  const sale = rows[0];
  if (!sale) return;
  await addCashier(tx, {
    day: 'sale',
    cashierId: [sale.cashier_id],
    transactionType: [sale.transaction_type],
    totalCents: [Number(sale.cents)],
    at: [at],
    sign: -1,
  });
  await addCashier(tx, {
    day: 'void',
    cashierId: [v.voidedBy],
    transactionType: [sale.transaction_type],
    totalCents: [Number(sale.cents)],
    at: [v.voidedAt],
    sign: 1,
  });
  await tx.query(
    `DELETE FROM retail.daily_cashier_sales
      WHERE store_id = $1 AND sales_count = 0 AND returns_count = 0 AND voids_count = 0`,
    [tx.storeId],
  );
}

/**
 * Recompute the three rollups of one store for a range of store-local days from the raw
 * sales (with rebuildDailySales, derived.ts). `tz` is the store's timezone.
 */
export async function rebuildConsoleRollups(
  tx: TenantTx,
  range: { from: string; to: string; tz: string },
): Promise<void> {
  const params = [tx.storeId, range.from, range.to, range.tz];
  // A day is at most 26 hours wide in any timezone: widen the UTC window, then filter.
  const window = (column: string) =>
    `${column} >= ($2::date::timestamp AT TIME ZONE 'UTC') - interval '1 day'
     AND ${column} < (($3::date + 1)::timestamp AT TIME ZONE 'UTC') + interval '1 day'
     AND (${column} AT TIME ZONE $4)::date BETWEEN $2::date AND $3::date`;
  for (const table of ['hourly_store_sales', 'daily_tender_sales', 'daily_cashier_sales']) {
    await tx.query(
      `DELETE FROM retail.${table} WHERE store_id = $1 AND day BETWEEN $2::date AND $3::date
          AND $4::text IS NOT NULL`,
      params,
    );
  }
  await tx.query(
    `INSERT INTO retail.hourly_store_sales (store_id, day, hour, quantity, net, line_count)
     SELECT i.store_id, (i.occurred_at AT TIME ZONE $4)::date,
            extract(hour FROM i.occurred_at AT TIME ZONE $4)::smallint,
            sum(i.quantity)::integer, sum(i.total_price), count(*)::integer
       FROM retail.sales_transaction_items i
       JOIN retail.sales_transactions t
         ON t.store_id = i.store_id AND t.transaction_id = i.transaction_id
        AND t.occurred_at = i.occurred_at
      WHERE i.store_id = $1 AND t.store_id = $1 AND t.status = 'completed'
        AND ${window('i.occurred_at')}
      GROUP BY 1, 2, 3`,
    params,
  );
  await tx.query(
    `INSERT INTO retail.daily_tender_sales (store_id, day, tender_type, amount, payment_count)
     SELECT p.store_id, (p.occurred_at AT TIME ZONE $4)::date, p.tender_type, sum(p.amount),
            count(*)::integer
       FROM retail.payments p
       JOIN retail.sales_transactions t
         ON t.store_id = p.store_id AND t.transaction_id = p.transaction_id
        AND t.occurred_at = p.occurred_at
      WHERE p.store_id = $1 AND t.store_id = $1 AND t.status = 'completed'
        AND ${window('p.occurred_at')}
      GROUP BY 1, 2, 3`,
    params,
  );
  await tx.query(
    `INSERT INTO retail.daily_cashier_sales (store_id, day, cashier_id, sales_count,
                                             returns_count, returns_amount, voids_count,
                                             voids_amount)
     SELECT store_id, day, cashier_id, sum(sales)::integer, sum(returns)::integer,
            sum(refunds), sum(voids)::integer, sum(voided)
       FROM (SELECT store_id, (occurred_at AT TIME ZONE $4)::date AS day, cashier_id,
                    (transaction_type <> 'return')::int AS sales,
                    (transaction_type = 'return')::int AS returns,
                    CASE WHEN transaction_type = 'return' THEN -total_amount ELSE 0 END
                        AS refunds,
                    0 AS voids, 0 AS voided
               FROM retail.sales_transactions
              WHERE store_id = $1 AND status = 'completed' AND ${window('occurred_at')}
             UNION ALL
             SELECT store_id, (voided_at AT TIME ZONE $4)::date, voided_by, 0, 0, 0, 1,
                    total_amount
               FROM retail.sales_transactions
              WHERE store_id = $1 AND status = 'voided' AND voided_by IS NOT NULL
                AND ${window('voided_at')}) x
      GROUP BY 1, 2, 3`,
    params,
  );
}
