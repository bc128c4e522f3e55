/**
 * The sale's hot path as two prepared statements, one PGlite call each (db/prepared.ts):
 *
 *   readSaleContext  everything the sale is built from, in one read: store settings, the
 *                    cashier, whether the transaction ID is already recorded, the open shift,
 *                    and the receipt and mutation counters.
 *   writeSale        the whole sale in ONE statement (data-modifying CTEs, one implicit
 *                    transaction): both counters bumped, outbox row, transaction, lines,
 *                    payments, stock movements; plus the on-hand of the sold products as they
 *                    were just before this sale (for stock warnings).
 *
 * The write is guarded by what the sale was built from: it writes only if the receipt and
 * mutation counters still stand just below the sale's numbers, its shift is still the open one
 * and its transaction ID is still unused, all read in the statement's own snapshot. Otherwise
 * (another checkout operation committed in between) it writes NOTHING and says so; the caller
 * then takes the transactional path. So receipt numbers stay gapless and unique, and the rows,
 * the outbox entry and both counters commit together or not at all.
 */
import { runPrepared, preparedStatement, type ProtocolDb } from '../prepared';
import { isUuid } from '../../core/ids';
import { saleRowsCtes } from '../mutations/apply-edge';
import {
  parseScheduledPrices,
  scheduledPricesSql,
  type ScheduledPrices,
} from '../queries/scheduled-prices';
import type { SaleRecorded } from '../../contract/mutations';
import {
  STORE_CONFIG_SQL,
  toStoreConfig,
  type CheckoutContext,
  type StoreConfigRow,
} from '../queries/identity';

const CONTEXT = preparedStatement(
  'edgepos_sale_context',
  `${STORE_CONFIG_SQL},
          (SELECT json_build_object('staffId', f.staff_id, 'displayName', f.display_name, 'role', f.role)
             FROM retail.staff f WHERE f.store_id = s.store_id AND f.staff_id = $2::uuid AND f.is_active) AS staff,
          EXISTS (SELECT 1 FROM retail.sales_transactions t
                   WHERE t.store_id = s.store_id AND t.transaction_id = $3::uuid) AS transaction_exists,
          (SELECT h.shift_id FROM retail.shifts h
            WHERE h.store_id = s.store_id AND h.register_id = $4::text AND h.status = 'open') AS shift_id,
          (SELECT c.value FROM pos.counters c WHERE c.name = 'receipt') AS receipt,
          (SELECT c.value FROM pos.counters c WHERE c.name = 'mutation') AS mutation,
          ${scheduledPricesSql('s.store_id', '$5::uuid[]')} AS scheduled
     FROM retail.stores s WHERE s.store_id = $1::text`,
);

export interface SaleContext extends CheckoutContext {
  /** The register's open shift, if any. */
  shiftId: string | null;
  /** Current values of the receipt and mutation counters (the sale takes value + 1). */
  receiptCounter: number;
  mutationCounter: number;
  /** Scheduled prices of the sale's products (core/scheduled-prices.ts; issue 14). */
  scheduled: ScheduledPrices;
}

/** One call: the checkout context plus the open shift and the counters. */
export async function readSaleContext(
  db: ProtocolDb,
  options: {
    storeId: string;
    registerId: string;
    staffId: string;
    transactionId: string;
    /** The cart's products (their scheduled prices are read with the context). */
    productIds?: readonly string[] | undefined;
  },
): Promise<SaleContext> {
  const rows = await runPrepared(db, CONTEXT, [
    options.storeId,
    options.staffId,
    options.transactionId,
    options.registerId,
    // A uuid[] literal of UUIDs only: nothing to quote.
    `{${(options.productIds ?? []).filter(isUuid).join(',')}}`,
  ]);
  const r = rows[0];
  // Text values in STORE_CONFIG_SQL's column order, then the six columns added above.
  const store: StoreConfigRow | undefined = r && {
    store_name: r[0] ?? '',
    currency: r[1] ?? '',
    tax_rate_ppm: Number(r[2]),
    manager_discount_threshold_ppm: Number(r[3]),
    offline_card_limit: r[4] ?? '0',
    tax_included: r[5] === 't',
    tax_rounding: (r[6] ?? '') as StoreConfigRow['tax_rounding'],
    tax_components: JSON.parse(r[7] ?? '[]') as unknown,
    price_override_limit_ppm: Number(r[8]),
    open_price_limit: r[9] ?? '0',
    cash_out_limit: r[10] ?? '0',
    blind_close: r[11] === 't',
    no_receipt_refund: (r[12] ?? 'none') as StoreConfigRow['no_receipt_refund'],
    no_sale_needs_manager: r[13] === 't',
    category_rates: JSON.parse(r[14] ?? '[]') as Array<[number, number]>,
    promotions: JSON.parse(r[15] ?? '[]') as unknown,
  };
  return {
    config: toStoreConfig(options.storeId, store),
    staff: r?.[16] ? (JSON.parse(r[16]) as CheckoutContext['staff']) : undefined,
    transactionExists: r?.[17] === 't',
    shiftId: r?.[18] ?? null,
    receiptCounter: Number(r?.[19] ?? 0),
    mutationCounter: Number(r?.[20] ?? 0),
    scheduled: parseScheduledPrices(r?.[21] ?? null),
  };
}

const WRITE = preparedStatement(
  'edgepos_sale_write',
  `WITH s AS (SELECT $2::jsonb AS j),
     ok AS (
       SELECT 1 AS ok
         FROM pos.counters r, pos.counters u
        WHERE r.name = 'receipt' AND r.value = $5::bigint - 1
          AND u.name = 'mutation' AND u.value = $4::bigint - 1
          AND EXISTS (SELECT 1 FROM retail.shifts h
                       WHERE h.store_id = $1::text AND h.register_id = $6::text
                         AND h.shift_id = $7::uuid AND h.status = 'open')
          AND NOT EXISTS (SELECT 1 FROM retail.sales_transactions x
                           WHERE x.store_id = $1::text AND x.transaction_id = $8::uuid)
     ),
     c AS (
       UPDATE pos.counters SET value = value + 1
        WHERE name IN ('receipt', 'mutation') AND EXISTS (SELECT 1 FROM ok)
     ),
     o AS (
       INSERT INTO pos.outbox (mutation_id, mutation_type, entity_id, payload)
       SELECT $4::bigint, 'sale.recorded', $8::uuid, s.j FROM s, ok
     ),
     ${saleRowsCtes({ store: '$1::text', device: '$3::text', mutationId: '$4::bigint', gate: 'ok' })}
   SELECT EXISTS (SELECT 1 FROM ok) AS written,
          EXISTS (SELECT 1 FROM retail.sales_transactions x
                   WHERE x.store_id = $1::text AND x.transaction_id = $8::uuid) AS transaction_exists,
          (SELECT coalesce(json_object_agg(p.product_id, pos.on_hand(p.store_id, p.product_id)), '{}')
             FROM retail.products p
            WHERE p.store_id = $1::text AND p.product_id = ANY($9::uuid[])) AS on_hand`,
);

export type SaleWrite =
  | { written: true; onHandBefore: ReadonlyMap<string, number> }
  | { written: false; transactionExists: boolean };

/**
 * Write a fully built sale whose numbers were taken from `readSaleContext`, in one call (see
 * the module comment for the guard). `payload` is the validated mutation payload; `mutationId`
 * and `payload.receiptSeq` must be the counters' values + 1.
 */
export async function writeSale(
  db: ProtocolDb,
  options: {
    storeId: string;
    deviceId: string;
    mutationId: number;
    payload: SaleRecorded;
    productIds: readonly string[];
  },
): Promise<SaleWrite> {
  const { payload } = options;
  if (payload.shiftId === null) throw new Error('writeSale needs the open shift');
  const rows = await runPrepared(db, WRITE, [
    options.storeId,
    JSON.stringify(payload),
    options.deviceId,
    String(options.mutationId),
    String(payload.receiptSeq),
    payload.registerId,
    payload.shiftId,
    payload.transactionId,
    `{${options.productIds.join(',')}}`,
  ]);
  const r = rows[0];
  if (r?.[0] !== 't') return { written: false, transactionExists: r?.[1] === 't' };
  const onHand = JSON.parse(r[2] ?? '{}') as Record<string, number>;
  return { written: true, onHandBefore: new Map(Object.entries(onHand)) };
}
