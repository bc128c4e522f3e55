/**
 * Writing the sales a run's checks accepted (ingest-sales.ts step 5): the registry first (it
 * decides duplicates under concurrency), then one INSERT per table (unnest of typed arrays),
 * the rollups, the stored-value settlement and the stock movements, all in the caller's
 * transaction. Contract: runs inside withTenant; returns the transaction IDs this call
 * registered (the others were another transaction's).
 */
import type { TenantTx } from './tenant';
import { insertSelect } from './insert-select';
import { boolArray, intArray, textArray } from './pg-arrays';
import { sqlCents as cents } from '../sql';
import type { AcceptedSale } from './sale-checks';
import { addSalesToDailyRollup } from './derived';
import { addSalesToConsoleRollups } from './derived-console';
import { settleStoredValue } from './stored-value-settle';
import { earnLoyaltyPoints } from './loyalty';
import { insertMovements, type MovementRow } from './stock-movements-write';
import { lineColumns, paymentColumns } from './sale-columns';

/** Write accepted sales: registry first (it decides duplicates under concurrency), then rows. */
export async function writeSales(
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
  // Loyalty points: what each sale earns (a return takes back), once, and the tiers they move.
  await earnLoyaltyPoints(tx, todo, { asOf: new Date() });

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
