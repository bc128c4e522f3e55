/** Reading committed transactions back: reprint, returns, the receipt screen. */
import { loyaltyPointsOf } from '../../core/loyalty';
import { centsFromNumeric, type Cents } from '../../core/money';
import { taxBreakdown, type LineTax, type TaxRounding } from '../../core/tax';
import type { SaleRecorded } from '../../contract/mutations';
import type { CardKind } from '../../core/stored-value';
import type { Queryable } from '../queryable';
import type { Receipt, ReceiptPayment } from '../../contract/till-api/receipts';

const cents = (v: string | null): Cents | null => (v === null ? null : centsFromNumeric(v));

export async function getReceipt(
  db: Queryable,
  storeId: string,
  by: { transactionId: string } | { receiptNumber: string },
): Promise<Receipt | undefined> {
  const where =
    'transactionId' in by ? 'transaction_id = $2::uuid' : 'upper(receipt_number) = upper($2)';
  const key = 'transactionId' in by ? by.transactionId : by.receiptNumber.trim();
  const { rows } = await db.query<{
    transaction_id: string;
    receipt_number: string;
    register_id: string;
    transaction_type: Receipt['transactionType'];
    status: Receipt['status'];
    occurred_at: Date;
    cashier_id: string;
    customer_id: string | null;
    shift_id: string | null;
    original_transaction_id: string | null;
    subtotal: string;
    discount_amount: string;
    tax_amount: string;
    total_amount: string;
    tax_included: boolean;
    tax_rounding: TaxRounding;
    tax_exempt_reference: string | null;
    coupons: string[];
    void_reason: string | null;
    sent_to_hq: boolean;
  }>(
    `SELECT transaction_id, receipt_number, register_id, transaction_type, status, occurred_at,
            cashier_id, customer_id, shift_id, original_transaction_id, subtotal, discount_amount,
            tax_amount, total_amount, tax_included, tax_rounding, tax_exempt_reference, coupons, void_reason,
            EXISTS (SELECT 1 FROM pos.outbox o
                     WHERE o.entity_id = t.transaction_id AND o.mutation_type = 'sale.recorded'
                       AND o.mutation_id <= coalesce((SELECT last_acked_mutation_id FROM pos.sync_state), 0)
                   ) AS sent_to_hq
       FROM retail.sales_transactions t WHERE store_id = $1 AND ${where}`,
    [storeId, key],
  );
  const t = rows[0];
  if (!t) return undefined;
  const [items, payments] = await Promise.all([
    db.query<{
      item_id: string;
      line_number: number;
      product_id: string;
      sku: string;
      product_name: string;
      category_id: number | null;
      quantity: number;
      unit_price: string;
      discount_amount: string;
      tax_rate_ppm: number;
      tax_amount: string;
      total_price: string;
      original_item_id: string | null;
      return_reason: string | null;
      restock: boolean | null;
      taxes: LineTax[];
      override_catalog_price: string | null;
      override_reason: string | null;
      promotions: SaleRecorded['lines'][number]['promotions'];
    }>(
      `SELECT item_id, line_number, product_id, sku, product_name, category_id, quantity, unit_price,
              discount_amount, tax_rate_ppm, tax_amount, total_price, original_item_id, return_reason, restock,
              taxes, override_catalog_price, override_reason, promotions
         FROM retail.sales_transaction_items WHERE store_id = $1 AND transaction_id = $2
        ORDER BY line_number`,
      [storeId, t.transaction_id],
    ),
    db.query<{
      payment_id: string;
      tender_type: 'cash' | 'card' | 'stored_value';
      amount: string;
      tendered: string | null;
      change_given: string | null;
      card_status: ReceiptPayment['cardStatus'];
      card_last4: string | null;
      card_kind: ReceiptPayment['cardKind'];
    }>(
      `SELECT p.payment_id, p.tender_type, p.amount, p.tendered, p.change_given, p.card_status,
              p.card_last4,
              (SELECT a.card_kind FROM retail.stored_value_allowances a
                WHERE a.store_id = p.store_id AND a.card_id = p.stored_value_card_id
                LIMIT 1) AS card_kind
         FROM retail.payments p WHERE p.store_id = $1 AND p.transaction_id = $2
        ORDER BY p.tender_type DESC, p.payment_id`,
      [storeId, t.transaction_id],
    ),
  ]);
  const lines = items.rows.map((r) => ({
    itemId: r.item_id,
    lineNumber: r.line_number,
    productId: r.product_id,
    sku: r.sku,
    productName: r.product_name,
    categoryId: r.category_id,
    quantity: r.quantity,
    unitPriceCents: centsFromNumeric(r.unit_price),
    discountCents: centsFromNumeric(r.discount_amount),
    taxRatePpm: r.tax_rate_ppm,
    taxCents: centsFromNumeric(r.tax_amount),
    totalCents: centsFromNumeric(r.total_price),
    taxes: r.taxes,
    priceOverride:
      r.override_catalog_price !== null && r.override_reason !== null
        ? {
            catalogPriceCents: centsFromNumeric(r.override_catalog_price),
            reason: r.override_reason,
          }
        : null,
    promotions: r.promotions,
    originalItemId: r.original_item_id,
    returnReason: r.return_reason,
    restock: r.restock,
  }));
  return {
    transactionId: t.transaction_id,
    receiptNumber: t.receipt_number,
    registerId: t.register_id,
    transactionType: t.transaction_type,
    status: t.status,
    occurredAt: new Date(t.occurred_at).toISOString(),
    cashierId: t.cashier_id,
    customerId: t.customer_id,
    shiftId: t.shift_id,
    originalTransactionId: t.original_transaction_id,
    subtotalCents: centsFromNumeric(t.subtotal),
    discountCents: centsFromNumeric(t.discount_amount),
    taxCents: centsFromNumeric(t.tax_amount),
    totalCents: centsFromNumeric(t.total_amount),
    voidReason: t.void_reason,
    loyaltyPointsEarned:
      t.status === 'voided'
        ? null
        : loyaltyPointsOf({
            customerId: t.customer_id,
            totalCents: centsFromNumeric(t.total_amount),
            taxCents: centsFromNumeric(t.tax_amount),
          }),
    sentToHq: t.sent_to_hq,
    taxIncluded: t.tax_included,
    taxRounding: t.tax_rounding,
    taxExemptReference: t.tax_exempt_reference,
    coupons: t.coupons,
    taxBreakdown: taxBreakdown(lines, t.tax_included),
    lines,
    payments: payments.rows.map((r) => ({
      paymentId: r.payment_id,
      tenderType: r.tender_type,
      amountCents: centsFromNumeric(r.amount),
      tenderedCents: cents(r.tendered),
      changeCents: cents(r.change_given),
      cardStatus: r.card_status,
      cardLast4: r.card_last4,
      ...(r.tender_type === 'stored_value' ? { cardKind: r.card_kind } : {}),
    })),
  };
}

export async function recentReceipts(
  db: Queryable,
  storeId: string,
  limit = 20,
): Promise<
  Array<{
    receiptNumber: string;
    transactionId: string;
    totalCents: Cents;
    occurredAt: string;
    status: string;
    transactionType: string;
  }>
> {
  const { rows } = await db.query<{
    receipt_number: string;
    transaction_id: string;
    total_amount: string;
    occurred_at: Date;
    status: string;
    transaction_type: string;
  }>(
    `SELECT receipt_number, transaction_id, total_amount, occurred_at, status, transaction_type
       FROM retail.sales_transactions WHERE store_id = $1 ORDER BY occurred_at DESC, receipt_seq DESC LIMIT $2`,
    [storeId, limit],
  );
  return rows.map((r) => ({
    receiptNumber: r.receipt_number,
    transactionId: r.transaction_id,
    totalCents: centsFromNumeric(r.total_amount),
    occurredAt: new Date(r.occurred_at).toISOString(),
    status: r.status,
    transactionType: r.transaction_type,
  }));
}

/** The receipt of a sale just recorded, built from its mutation (no read-back needed). */
export function receiptFromSale(
  sale: SaleRecorded,
  /** Stored value: each card's kind by card ID, when the caller knows it. */
  cardKinds?: ReadonlyMap<string, CardKind>,
): Receipt {
  return {
    transactionId: sale.transactionId,
    receiptNumber: sale.receiptNumber,
    registerId: sale.registerId,
    transactionType: sale.transactionType,
    status: 'completed',
    occurredAt: new Date(sale.occurredAt).toISOString(),
    cashierId: sale.cashierId,
    customerId: sale.customerId,
    shiftId: sale.shiftId,
    originalTransactionId: sale.originalTransactionId,
    subtotalCents: sale.subtotalCents,
    discountCents: sale.discountCents,
    taxCents: sale.taxCents,
    totalCents: sale.totalCents,
    taxIncluded: sale.taxIncluded,
    taxRounding: sale.taxRounding,
    taxExemptReference: sale.taxExemptReference,
    coupons: sale.coupons,
    taxBreakdown: taxBreakdown(sale.lines, sale.taxIncluded),
    voidReason: null,
    loyaltyPointsEarned: sale.loyaltyPointsEarned,
    sentToHq: false,
    lines: sale.lines.map((l) => ({
      itemId: l.itemId,
      lineNumber: l.lineNumber,
      productId: l.productId,
      sku: l.sku,
      productName: l.productName,
      categoryId: l.categoryId,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      discountCents: l.discountCents,
      taxRatePpm: l.taxRatePpm,
      taxCents: l.taxCents,
      totalCents: l.totalCents,
      taxes: l.taxes,
      priceOverride: l.priceOverride,
      promotions: l.promotions,
      originalItemId: l.originalItemId,
      returnReason: l.returnReason,
      restock: l.restock,
    })),
    payments: sale.payments.map((p) => ({
      paymentId: p.paymentId,
      tenderType: p.tenderType,
      amountCents: p.amountCents,
      tenderedCents: p.tenderedCents,
      changeCents: p.changeCents,
      cardStatus: p.cardStatus,
      cardLast4: p.cardLast4,
      ...(p.tenderType === 'stored_value'
        ? { cardKind: p.storedValueCardId ? (cardKinds?.get(p.storedValueCardId) ?? null) : null }
        : {}),
    })),
  };
}
