/**
 * Ringing up a sale: price the cart, settle the tenders, and record transaction, lines,
 * payments, stock movements and the outbox entry in ONE local transaction, journaled and
 * fsynced before the receipt is returned.
 *
 * Idempotent by transaction ID: the UI assigns one when payment starts, so a retry after a
 * crash or a double click returns the first receipt instead of selling twice.
 */
import { z } from 'zod';
import { ForbiddenError, ValidationError } from '../errors';
import { Uuid } from '../mutations/schemas';
import type { SaleRecorded, StockMovement } from '../mutations/schemas';
import { readStoreConfig } from '../queries/identity';
import { getReceipt, receiptFromSale, type Receipt } from '../queries/receipts';
import { getStaff } from '../queries/staff';
import { recordMutation } from '../edge/record';
import type { TillContext } from './context';
import { priceCart, type Cart, type PricedLine } from './pricing';
import { receiptNumber, managerApproval, shiftAndReceiptSeq } from './shared';
import { settleTenders, type TenderInput } from './tenders';

const Notes = z.string().max(500).nullable();

export interface SaleInput {
  /** Idempotency key; generated if omitted. */
  transactionId?: string;
  cart: Cart;
  tenders: TenderInput[];
  cashierId: string;
  customerId?: string | null;
  managerPin?: string;
  notes?: string | null;
}

export interface StockWarning {
  productId: string;
  sku: string;
  onHand: number;
}

export interface SaleResult {
  receipt: Receipt;
  changeCents: number;
  mutationId: number | null;
  /** Lines whose stock went below zero with this sale (the sale is never blocked). */
  stockWarnings: StockWarning[];
  /** True when this call found the sale already committed (a retry). */
  duplicate: boolean;
}

export function saleLines(
  priced: PricedLine[],
  newId: () => string,
  startLine = 1,
): SaleRecorded['lines'] {
  return priced.map((line, index) => ({
    itemId: newId(),
    lineNumber: startLine + index,
    productId: line.productId,
    sku: line.sku,
    productName: line.productName,
    categoryId: line.categoryId,
    quantity: line.quantity,
    unitPriceCents: line.unitPriceCents,
    discountCents: line.discountCents,
    taxRatePpm: line.taxRatePpm,
    taxCents: line.taxCents,
    totalCents: line.netCents,
    originalItemId: null,
    returnReason: null,
    restock: null,
  }));
}

export function saleMovements(
  lines: SaleRecorded['lines'],
  transactionId: string,
  newId: () => string,
): StockMovement[] {
  return lines.map((line) => ({
    movementId: newId(),
    productId: line.productId,
    quantityDelta: -line.quantity,
    reason: 'sale' as const,
    transactionId,
    note: null,
  }));
}

export async function stockWarningsFor(
  till: TillContext,
  productIds: string[],
): Promise<StockWarning[]> {
  if (productIds.length === 0) return [];
  const { rows } = await till.db.query<{ product_id: string; sku: string; on_hand: number }>(
    `SELECT x.product_id, x.sku, x.on_hand FROM (
       SELECT p.product_id, p.sku,
              coalesce(l.on_hand, 0) + coalesce((
                SELECT sum(m.quantity_delta) FROM retail.stock_movements m
                 WHERE m.store_id = p.store_id AND m.product_id = p.product_id
                   AND m.mutation_id > (SELECT stock_ack_mutation_id FROM pos.sync_state)), 0)::int AS on_hand
         FROM retail.products p
         LEFT JOIN retail.stock_levels l ON l.store_id = p.store_id AND l.product_id = p.product_id
        WHERE p.store_id = $1 AND p.product_id = ANY($2::uuid[])) x
      WHERE x.on_hand < 0`,
    [till.identity.storeId, productIds],
  );
  return rows.map((r) => ({ productId: r.product_id, sku: r.sku, onHand: Number(r.on_hand) }));
}

async function existing(till: TillContext, transactionId: string): Promise<SaleResult | undefined> {
  const { rows } = await till.db.query(
    `SELECT 1 FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
    [till.identity.storeId, transactionId],
  );
  if (rows.length === 0) return undefined;
  const receipt = await getReceipt(till.db, till.identity.storeId, { transactionId });
  if (!receipt) return undefined;
  const change = receipt.payments.reduce((a, p) => a + (p.changeCents ?? 0), 0);
  return { receipt, changeCents: change, mutationId: null, stockWarnings: [], duplicate: true };
}

export async function commitSale(till: TillContext, input: SaleInput): Promise<SaleResult> {
  const transactionId = input.transactionId ?? till.ids();
  if (!Uuid.safeParse(transactionId).success)
    throw new ValidationError('transactionId must be a UUID');
  if (!Uuid.safeParse(input.cashierId).success)
    throw new ValidationError('cashierId must be a UUID');
  if (input.customerId != null && !Uuid.safeParse(input.customerId).success) {
    throw new ValidationError('customerId must be a UUID');
  }
  const notes = Notes.parse(input.notes ?? null);
  const prior = await existing(till, transactionId);
  if (prior) return prior;

  const config = await readStoreConfig(till.db, till.identity.storeId);
  const priced = priceCart(input.cart, {
    storeRatePpm: config.taxRatePpm,
    categoryRates: config.categoryTaxRates,
  });
  if (priced.lines.length === 0) throw new ValidationError('The cart is empty');
  const settlement = settleTenders(priced.totalCents, input.tenders, {
    online: till.isOnline(),
    offlineCardLimitCents: config.offlineCardLimitCents,
    newId: till.ids,
  });

  const cashier = await getStaff(till.db, till.identity.storeId, input.cashierId);
  if (!cashier) throw new ForbiddenError('Unknown or inactive cashier; log in again');
  const approvedBy =
    priced.maxDiscountPpm > config.managerDiscountThresholdPpm
      ? await managerApproval(till, {
          actor: cashier,
          managerPin: input.managerPin,
          why: `A discount of ${(priced.maxDiscountPpm / 10_000).toFixed(2)}% is above the ${(config.managerDiscountThresholdPpm / 10_000).toFixed(2)}% a cashier may give: a manager PIN is required`,
        })
      : null;

  const mutation = await recordMutation(
    till,
    async (tx) => {
      const { shiftId, seq } = await shiftAndReceiptSeq(tx, till);
      const lines = saleLines(priced.lines, till.ids);
      return {
        type: 'sale.recorded' as const,
        payload: {
          transactionId,
          registerId: till.identity.registerId,
          receiptSeq: seq,
          receiptNumber: receiptNumber(till.identity.storeId, till.identity.registerId, seq),
          transactionType: 'sale' as const,
          customerId: input.customerId ?? null,
          cashierId: input.cashierId,
          approvedBy,
          shiftId,
          occurredAt: till.clock.now().toISOString(),
          subtotalCents: priced.subtotalCents,
          discountCents: priced.discountCents,
          taxCents: priced.taxCents,
          totalCents: priced.totalCents,
          originalTransactionId: null,
          notes,
          lines,
          payments: settlement.payments,
          stockMovements: saleMovements(lines, transactionId, till.ids),
        },
      };
    },
    'commit sale',
  );

  return {
    receipt: receiptFromSale(mutation.payload),
    changeCents: settlement.changeCents,
    mutationId: mutation.mutationId,
    stockWarnings: await stockWarningsFor(
      till,
      priced.lines.map((l) => l.productId),
    ),
    duplicate: false,
  };
}
