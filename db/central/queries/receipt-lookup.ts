/**
 * A receipt of the store as HQ holds it, for a till that does not have it (issue 13: returns at
 * any register). The sale comes back in the shape the till sent it (`sale.recorded`, without
 * stock movements or card authorisation codes), with its status and every return recorded
 * against it, from any register of the store and any other store of the chain
 * (retail.returns_elsewhere), so the till counts what was already taken back anywhere.
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key; RLS shows only that store's
 * rows). One read of a few rows: the receipt number is unique per store (sales_transaction_ids),
 * the returns come by the (store_id, original_transaction_id) index.
 */
import type { ReceiptLookup } from '../../../contract/sync-protocol/receipt-lookup';
import type { TenantTx } from '../tenant';

const cents = (column: string): string => `(${column} * 100)::bigint`;

/** The receipt with this number (exact, then ignoring case), or undefined. */
export async function readStoreReceipt(
  tx: TenantTx,
  receiptNumber: string,
): Promise<Extract<ReceiptLookup, { found: true }> | undefined> {
  const { rows } = await tx.query<{ j: Extract<ReceiptLookup, { found: true }> }>(
    `WITH id AS (
       SELECT transaction_id, occurred_at FROM retail.sales_transaction_ids
        WHERE store_id = $1 AND receipt_number = $2
       UNION ALL
       SELECT transaction_id, occurred_at FROM retail.sales_transaction_ids
        WHERE store_id = $1 AND upper(receipt_number) = upper($2)
          AND NOT EXISTS (SELECT 1 FROM retail.sales_transaction_ids
                           WHERE store_id = $1 AND receipt_number = $2)
       LIMIT 1)
     SELECT json_build_object(
       'found', true,
       'status', t.status,
       'sale', json_build_object(
         'transactionId', t.transaction_id, 'registerId', t.register_id,
         'receiptSeq', t.receipt_seq, 'receiptNumber', t.receipt_number,
         'transactionType', t.transaction_type, 'customerId', t.customer_id,
         'cashierId', t.cashier_id, 'approvedBy', t.approved_by, 'shiftId', t.shift_id,
         'occurredAt', to_char(t.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'subtotalCents', ${cents('t.subtotal')}, 'discountCents', ${cents('t.discount_amount')},
         'taxCents', ${cents('t.tax_amount')}, 'totalCents', ${cents('t.total_amount')},
         'taxIncluded', t.tax_included, 'taxRounding', t.tax_rounding,
         'taxExemptReference', t.tax_exempt_reference,
         'originalTransactionId', t.original_transaction_id, 'notes', t.notes,
         'coupons', t.coupons,
         'stockMovements', '[]'::json,
         'lines', (SELECT coalesce(json_agg(json_build_object(
             'itemId', i.item_id, 'lineNumber', i.line_number, 'productId', i.product_id,
             'sku', i.sku, 'productName', i.product_name, 'categoryId', i.category_id,
             'quantity', i.quantity, 'unitPriceCents', ${cents('i.unit_price')},
             'discountCents', ${cents('i.discount_amount')}, 'taxRatePpm', i.tax_rate_ppm,
             'taxCents', ${cents('i.tax_amount')}, 'totalCents', ${cents('i.total_price')},
             'taxes', i.taxes, 'promotions', i.promotions,
             'priceOverride', CASE WHEN i.override_catalog_price IS NULL THEN NULL
               ELSE json_build_object('catalogPriceCents', ${cents('i.override_catalog_price')},
                                      'reason', i.override_reason) END,
             'originalItemId', i.original_item_id, 'returnReason', i.return_reason,
             'restock', i.restock) ORDER BY i.line_number), '[]'::json)
             FROM retail.sales_transaction_items i
            WHERE i.store_id = t.store_id AND i.transaction_id = t.transaction_id
              AND i.occurred_at = t.occurred_at),
         'payments', (SELECT coalesce(json_agg(json_build_object(
             'paymentId', p.payment_id, 'tenderType', p.tender_type,
             'amountCents', ${cents('p.amount')},
             'tenderedCents', ${cents('p.tendered')}, 'changeCents', ${cents('p.change_given')},
             'cardStatus', p.card_status, 'cardLast4', p.card_last4, 'authCode', NULL)
             ORDER BY p.tender_type DESC, p.payment_id), '[]'::json)
             FROM retail.payments p
            WHERE p.store_id = t.store_id AND p.transaction_id = t.transaction_id
              AND p.occurred_at = t.occurred_at)),
       'returns', (SELECT coalesce(json_agg(x.j ORDER BY x.at, x.id), '[]'::json) FROM (
         SELECT r.occurred_at AS at, r.transaction_id AS id, json_build_object(
           'transactionId', r.transaction_id, 'status', r.status,
           'cardCents', (SELECT coalesce(${cents('sum(rp.amount)')}, 0) FROM retail.payments rp
              WHERE rp.store_id = r.store_id AND rp.transaction_id = r.transaction_id
                AND rp.occurred_at = r.occurred_at AND rp.tender_type = 'card'),
           'lines', (SELECT coalesce(json_agg(json_build_object(
               'originalItemId', ri.original_item_id, 'quantity', -ri.quantity)), '[]'::json)
               FROM retail.sales_transaction_items ri
              WHERE ri.store_id = r.store_id AND ri.transaction_id = r.transaction_id
                AND ri.occurred_at = r.occurred_at AND ri.quantity < 0
                AND ri.original_item_id IS NOT NULL)) AS j
           FROM retail.sales_transactions r
          WHERE r.store_id = t.store_id AND r.original_transaction_id = t.transaction_id
         UNION ALL
         -- Taken back at other stores of the chain (central migration 0034).
         SELECT e.occurred_at, e.return_transaction_id, json_build_object(
           'transactionId', e.return_transaction_id, 'status', e.status,
           'cardCents', ${cents('e.card_amount')}, 'lines', e.lines)
           FROM retail.returns_elsewhere e
          WHERE e.store_id = t.store_id AND e.original_transaction_id = t.transaction_id) x)
     ) AS j
       FROM id JOIN retail.sales_transactions t
         ON t.store_id = $1 AND t.transaction_id = id.transaction_id
        AND t.occurred_at = id.occurred_at`,
    [tx.storeId, receiptNumber.trim()],
  );
  return rows[0]?.j;
}
