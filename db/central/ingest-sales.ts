/**
 * Sales into HQ, set-based: a run of consecutive sale.recorded mutations is checked with one
 * query and written with one INSERT per table (unnest of typed arrays), so a 1,000-sale batch
 * costs a handful of round trips. The daily rollup, stock levels and alerts follow in the same
 * transaction, one statement each (derived.ts).
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Returns one outcome per sale
 * in input order: applied (with the exceptions raised around it, sale-checks.ts), duplicate
 * (this store already has the transaction ID: acknowledged without effect) or rejected with a
 * code (not authentic, or a row the database refuses: kept whole in the quarantine). Only
 * transient errors throw.
 */
import type { SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import { MutationRejectedError, RejectionCode, isPermanentDataError } from './rejections';
import type { MutationOutcome } from './ingest-types';
import { withSavepoint } from './ingest-types';
import { insertSelect } from './insert-select';
import { SalesPartitionsMissingError, missingSalesPartitionMonths } from './partitions';
import { boolArray, intArray, textArray } from './pg-arrays';
import { sqlCents as cents } from '../sql';
import { screenSales, type AcceptedSale, type SaleMutation } from './sale-checks';
import { addMissingRegisters } from './registers';
import { addSalesToDailyRollup, applyStockMovements } from './derived';
import { addSalesToConsoleRollups } from './derived-console';
import { settleStoredValue } from './stored-value-settle';

/** Write accepted sales: registry first (it decides duplicates under concurrency), then rows. */
async function writeSales(
  tx: TenantTx,
  deviceId: string,
  sales: ReadonlyArray<Pick<AcceptedSale, 'mutationId' | 'sale' | 'metadata' | 'exceptions'>>,
): Promise<Set<string>> {
  const registered = await tx.query<{ transaction_id: string }>(
    `INSERT INTO retail.sales_transaction_ids
       (store_id, transaction_id, occurred_at, register_id, receipt_seq, receipt_number)
     SELECT $1, u.tid, u.at, u.reg, u.seq, u.rn
       FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::int[], $6::text[])
            AS u(tid, at, reg, seq, rn)
     ON CONFLICT (store_id, transaction_id) DO NOTHING
     RETURNING transaction_id`,
    [
      tx.storeId,
      textArray(sales.map((s) => s.sale.transactionId)),
      textArray(sales.map((s) => s.sale.occurredAt)),
      textArray(sales.map((s) => s.sale.registerId)),
      intArray(sales.map((s) => s.sale.receiptSeq)),
      textArray(sales.map((s) => s.sale.receiptNumber)),
    ],
  );
  const fresh = new Set(registered.rows.map((r) => r.transaction_id));
  // Another transaction registered some of these first (two drains at once): theirs won.
  const todo = sales.filter((s) => fresh.has(s.sale.transactionId));
  if (todo.length === 0) return fresh;
  const txs = todo.map((s) => s.sale);
  const metadata = todo.map((s) => JSON.stringify(s.metadata ? { till: s.metadata } : {}));

  await insertSelect(
    tx,
    `INSERT INTO retail.sales_transactions
       (store_id, transaction_id, register_id, receipt_seq, receipt_number, transaction_type,
        customer_id, cashier_id, approved_by, shift_id, device_id, occurred_at, subtotal,
        discount_amount, tax_amount, total_amount, original_transaction_id, notes,
        tax_included, tax_rounding, tax_exempt_reference, metadata, no_receipt_reason, coupons)
     SELECT $1, u.tid, u.reg, u.seq, u.rn, u.typ, u.cust, u.cashier, u.approver, u.shift, $2,
            u.at, ${cents('u.sub')}, ${cents('u.disc')}, ${cents('u.tax')}, ${cents('u.total')},
            u.orig, u.notes, u.incl, u.rounding, u.exempt, u.meta, u.noreceipt, u.coupons
       FROM unnest($3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::uuid[],
                   $9::uuid[], $10::uuid[], $11::uuid[], $12::timestamptz[], $13::bigint[],
                   $14::bigint[], $15::bigint[], $16::bigint[], $17::uuid[], $18::text[],
                   $19::boolean[], $20::text[], $21::text[], $22::jsonb[], $23::text[], $24::jsonb[])
            AS u(tid, reg, seq, rn, typ, cust, cashier, approver, shift, at, sub, disc, tax,
                 total, orig, notes, incl, rounding, exempt, meta, noreceipt, coupons)`,
    [
      tx.storeId,
      deviceId,
      textArray(txs.map((s) => s.transactionId)),
      textArray(txs.map((s) => s.registerId)),
      intArray(txs.map((s) => s.receiptSeq)),
      textArray(txs.map((s) => s.receiptNumber)),
      textArray(txs.map((s) => s.transactionType)),
      textArray(txs.map((s) => s.customerId)),
      textArray(txs.map((s) => s.cashierId)),
      textArray(txs.map((s) => s.approvedBy)),
      textArray(txs.map((s) => s.shiftId)),
      textArray(txs.map((s) => s.occurredAt)),
      intArray(txs.map((s) => s.subtotalCents)),
      intArray(txs.map((s) => s.discountCents)),
      intArray(txs.map((s) => s.taxCents)),
      intArray(txs.map((s) => s.totalCents)),
      textArray(txs.map((s) => s.originalTransactionId)),
      textArray(txs.map((s) => s.notes)),
      boolArray(txs.map((s) => s.taxIncluded)),
      textArray(txs.map((s) => s.taxRounding)),
      textArray(txs.map((s) => s.taxExemptReference)),
      textArray(metadata),
      textArray(txs.map((s) => s.noReceiptReason)),
      textArray(txs.map((s) => JSON.stringify(s.coupons))),
    ],
  );

  const items = lineColumns(txs);
  await insertSelect(
    tx,
    `INSERT INTO retail.sales_transaction_items
       (store_id, item_id, transaction_id, line_number, product_id, sku, product_name,
        category_id, quantity, unit_price, discount_amount, tax_rate_ppm, tax_amount,
        total_price, original_item_id, return_reason, restock, occurred_at, taxes,
        override_catalog_price, override_reason, promotions)
     SELECT $1, u.item, u.tid, u.line, u.product, u.sku, u.name, u.cat, u.qty,
            ${cents('u.price')}, ${cents('u.disc')}, u.rate, ${cents('u.tax')},
            ${cents('u.total')}, u.orig, u.reason, u.restock, u.at, u.taxes,
            ${cents('u.ovprice')}, u.ovreason, u.promos
       FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::uuid[], $6::text[], $7::text[],
                   $8::int[], $9::int[], $10::bigint[], $11::bigint[], $12::int[],
                   $13::bigint[], $14::bigint[], $15::uuid[], $16::text[], $17::boolean[],
                   $18::timestamptz[], $19::jsonb[], $20::bigint[], $21::text[], $22::jsonb[])
            AS u(item, tid, line, product, sku, name, cat, qty, price, disc, rate, tax, total,
                 orig, reason, restock, at, taxes, ovprice, ovreason, promos)`,
    [
      tx.storeId,
      textArray(items.itemId),
      textArray(items.transactionId),
      intArray(items.lineNumber),
      textArray(items.productId),
      textArray(items.sku),
      textArray(items.productName),
      intArray(items.categoryId),
      intArray(items.quantity),
      intArray(items.unitPriceCents),
      intArray(items.discountCents),
      intArray(items.taxRatePpm),
      intArray(items.taxCents),
      intArray(items.totalCents),
      textArray(items.originalItemId),
      textArray(items.returnReason),
      boolArray(items.restock),
      textArray(items.occurredAt),
      textArray(items.taxes),
      intArray(items.overridePrice),
      textArray(items.overrideReason),
      textArray(items.promotions),
    ],
  );

  await addSalesToDailyRollup(tx, items);

  const payments = paymentColumns(todo);
  if (payments.paymentId.length > 0) {
    await insertSelect(
      tx,
      `INSERT INTO retail.payments
         (store_id, payment_id, transaction_id, tender_type, amount, tendered, change_given,
          card_status, card_last4, auth_code, occurred_at, stored_value_card_id, mutation_id)
       SELECT $1, u.pid, u.tid, u.typ, ${cents('u.amount')}, ${cents('u.tendered')},
              ${cents('u.change')}, u.status, u.last4, u.auth, u.at, u.card, u.mut
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::bigint[],
                     $7::bigint[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                     $12::uuid[], $13::bigint[])
              AS u(pid, tid, typ, amount, tendered, change, status, last4, auth, at, card, mut)`,
      [
        tx.storeId,
        textArray(payments.paymentId),
        textArray(payments.transactionId),
        textArray(payments.tenderType),
        intArray(payments.amountCents),
        intArray(payments.tenderedCents),
        intArray(payments.changeCents),
        textArray(payments.cardStatus),
        textArray(payments.cardLast4),
        textArray(payments.authCode),
        textArray(payments.occurredAt),
        textArray(payments.storedValueCardId),
        intArray(payments.mutationId),
      ],
    );
  }
  await addSalesToConsoleRollups(
    tx,
    {
      cashierId: txs.map((s) => s.cashierId),
      transactionType: txs.map((s) => s.transactionType),
      totalCents: txs.map((s) => s.totalCents),
      occurredAt: txs.map((s) => s.occurredAt),
    },
    payments,
  );
  // Gift cards and store credit: exactly once, as the sale is (only fresh sales get here).
  await settleStoredValue(tx, deviceId, todo);

  const movements: MovementRow[] = [];
  for (const { mutationId, sale } of todo) {
    for (const m of sale.stockMovements) {
      movements.push({
        movementId: m.movementId,
        productId: m.productId,
        quantityDelta: m.quantityDelta,
        reason: m.reason,
        transactionId: m.transactionId,
        note: m.note,
        occurredAt: sale.occurredAt,
        mutationId,
      });
    }
  }
  await insertMovements(tx, deviceId, movements);
  return fresh;
}

/*
 * Column arrays for the unnest INSERTs, filled in one pass over the sales. (Copying each line
 * into a new object with its sale's ID and time first cost more than the INSERT's own
 * serialization: V8 keeps such spread copies of wide objects in slow dictionary mode.)
 */
function lineColumns(sales: readonly SaleRecorded[]) {
  const c = {
    itemId: [] as string[],
    transactionId: [] as string[],
    lineNumber: [] as number[],
    productId: [] as string[],
    sku: [] as string[],
    productName: [] as string[],
    categoryId: [] as Array<number | null>,
    quantity: [] as number[],
    unitPriceCents: [] as number[],
    discountCents: [] as number[],
    taxRatePpm: [] as number[],
    taxCents: [] as number[],
    totalCents: [] as number[],
    originalItemId: [] as Array<string | null>,
    returnReason: [] as Array<string | null>,
    restock: [] as Array<boolean | null>,
    occurredAt: [] as string[],
    /** Each line's tax components as JSON text (jsonb[] parameter). */
    taxes: [] as string[],
    overridePrice: [] as Array<number | null>,
    overrideReason: [] as Array<string | null>,
    /** What promotions took off each line, as JSON text (jsonb[] parameter). */
    promotions: [] as string[],
  };
  for (const sale of sales) {
    for (const l of sale.lines) {
      c.itemId.push(l.itemId);
      c.transactionId.push(sale.transactionId);
      c.lineNumber.push(l.lineNumber);
      c.productId.push(l.productId);
      c.sku.push(l.sku);
      c.productName.push(l.productName);
      c.categoryId.push(l.categoryId);
      c.quantity.push(l.quantity);
      c.unitPriceCents.push(l.unitPriceCents);
      c.discountCents.push(l.discountCents);
      c.taxRatePpm.push(l.taxRatePpm);
      c.taxCents.push(l.taxCents);
      c.totalCents.push(l.totalCents);
      c.originalItemId.push(l.originalItemId);
      c.returnReason.push(l.returnReason);
      c.restock.push(l.restock);
      c.occurredAt.push(sale.occurredAt);
      c.taxes.push(l.taxes.length === 0 ? '[]' : JSON.stringify(l.taxes));
      c.overridePrice.push(l.priceOverride?.catalogPriceCents ?? null);
      c.overrideReason.push(l.priceOverride?.reason ?? null);
      c.promotions.push(l.promotions.length === 0 ? '[]' : JSON.stringify(l.promotions));
    }
  }
  return c;
}

function paymentColumns(sales: ReadonlyArray<{ mutationId: number; sale: SaleRecorded }>) {
  const c = {
    paymentId: [] as string[],
    transactionId: [] as string[],
    tenderType: [] as string[],
    amountCents: [] as number[],
    tenderedCents: [] as Array<number | null>,
    changeCents: [] as Array<number | null>,
    cardStatus: [] as Array<string | null>,
    cardLast4: [] as Array<string | null>,
    authCode: [] as Array<string | null>,
    occurredAt: [] as string[],
    storedValueCardId: [] as Array<string | null>,
    mutationId: [] as number[],
  };
  for (const { mutationId, sale } of sales) {
    for (const p of sale.payments) {
      c.paymentId.push(p.paymentId);
      c.transactionId.push(sale.transactionId);
      c.tenderType.push(p.tenderType);
      c.amountCents.push(p.amountCents);
      c.tenderedCents.push(p.tenderedCents);
      c.changeCents.push(p.changeCents);
      c.cardStatus.push(p.cardStatus);
      c.cardLast4.push(p.cardLast4);
      c.authCode.push(p.authCode);
      c.occurredAt.push(sale.occurredAt);
      c.storedValueCardId.push(p.storedValueCardId);
      c.mutationId.push(mutationId);
    }
  }
  return c;
}

export interface MovementRow {
  movementId: string;
  productId: string;
  quantityDelta: number;
  reason: string;
  transactionId: string | null;
  note: string | null;
  occurredAt: string;
  mutationId: number;
}

export async function insertMovements(
  tx: TenantTx,
  deviceId: string,
  movements: readonly MovementRow[],
): Promise<number> {
  if (movements.length === 0) return 0;
  const written = await insertSelect(
    tx,
    `INSERT INTO retail.stock_movements
       (store_id, movement_id, product_id, quantity_delta, reason, transaction_id, note,
        occurred_at, device_id, mutation_id)
     SELECT $1, u.mid, u.pid, u.delta, u.reason, u.tid, u.note, u.at, $2, u.mut
       FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::uuid[], $8::text[],
                   $9::timestamptz[], $10::bigint[])
            AS u(mid, pid, delta, reason, tid, note, at, mut)`,
    [
      tx.storeId,
      deviceId,
      textArray(movements.map((m) => m.movementId)),
      textArray(movements.map((m) => m.productId)),
      intArray(movements.map((m) => m.quantityDelta)),
      textArray(movements.map((m) => m.reason)),
      textArray(movements.map((m) => m.transactionId)),
      textArray(movements.map((m) => m.note)),
      textArray(movements.map((m) => m.occurredAt)),
      intArray(movements.map((m) => m.mutationId)),
    ],
  );
  await applyStockMovements(tx, movements);
  return written;
}

function monthsOf(sales: ReadonlyArray<{ sale: SaleRecorded }>): string[] {
  const months = new Set<string>();
  for (const { sale } of sales) {
    const d = new Date(sale.occurredAt);
    months.add(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString());
  }
  return [...months];
}

/** Apply a run of consecutive sale.recorded mutations; one outcome per input, in order. */
export async function ingestSales(
  tx: TenantTx,
  deviceId: string,
  mutations: readonly SaleMutation[],
  options: { partitionsPrepared?: boolean } = {},
): Promise<MutationOutcome[]> {
  const outcomes: Array<MutationOutcome | undefined> = mutations.map(() => undefined);
  const rejectAt = (index: number, error: MutationRejectedError): void => {
    outcomes[index] = {
      mutationId: mutations[index]?.mutationId ?? 0,
      status: 'rejected',
      code: error.code,
      message: error.message,
    };
  };

  // 1-3. Which sales are accepted (sale-checks.ts); the others have their outcome now.
  const toWrite = await screenSales(tx, {
    mutations,
    decide: (index, outcome) => {
      outcomes[index] = outcome;
    },
  });

  if (toWrite.length > 0) {
    // 4. Month partitions for late or future-dated sales exist (rare: usually all do). They
    //    are created before the transaction (prepareSalesPartitions), never in it. Then the
    //    registers HQ lacks.
    if (!options.partitionsPrepared) {
      const missing = await missingSalesPartitionMonths(tx, monthsOf(toWrite));
      if (missing.length > 0) throw new SalesPartitionsMissingError(missing);
    }
    const added = await addMissingRegisters(
      tx,
      toWrite.filter((a) => a.newRegister).map((a) => a.sale.registerId),
    );
    for (const e of added) {
      toWrite.find((a) => a.sale.registerId === e.entityId)?.exceptions.push(e);
    }
    const outcomeOf = (a: AcceptedSale, written: Set<string>): MutationOutcome =>
      written.has(a.sale.transactionId)
        ? {
            mutationId: a.mutationId,
            status: 'applied',
            ...(a.exceptions.length > 0 ? { exceptions: a.exceptions } : {}),
          }
        : { mutationId: a.mutationId, status: 'duplicate' };
    // 5. Everything in one go; if the database refuses a row, find which sale it was.
    let written: Set<string> | undefined;
    try {
      written = await withSavepoint(tx, () => writeSales(tx, deviceId, toWrite));
    } catch (error) {
      if (!isPermanentDataError(error)) throw error;
    }
    for (const a of toWrite) {
      if (written) {
        outcomes[a.index] = outcomeOf(a, written);
        continue;
      }
      try {
        const one = await withSavepoint(tx, () => writeSales(tx, deviceId, [a]));
        outcomes[a.index] = outcomeOf(a, one);
      } catch (error) {
        if (!isPermanentDataError(error)) throw error;
        rejectAt(
          a.index,
          new MutationRejectedError(
            RejectionCode.constraintViolation,
            `Sale ${a.sale.transactionId} was refused: ${error.message}`,
            { cause: error },
          ),
        );
      }
    }
  }

  return outcomes.map((o, index) => {
    if (!o) throw new Error(`ingestSales: no outcome for mutation at ${index}`);
    return o;
  });
}
