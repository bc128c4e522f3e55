/**
 * Returns without a receipt (issue 13, item 1). The customer has the item but not the
 * receipt: a manager approves every such return (their PIN, or a manager acting), the cashier
 * gives a reason, the items are refunded at today's catalog price (the till cannot know what was
 * paid), and the refund goes back by the store's policy (`noReceiptRefund`: cash, card, either,
 * or not taken). It is recorded as a `sale.recorded` of type `return` naming no original sale,
 * with `noReceiptReason` and the approving manager in `approvedBy`; HQ records it like any
 * return (edge migration 0016, central 0027).
 *
 * Store credit (issue 18) is a further refund method: it joins `RefundMethod` and the policy
 * values; this module then settles it like the others. Nothing here pretends to give it.
 *
 * Inputs are trusted (validated by the till API, contract/till-api/returns.ts
 * `ReturnsInput.commitNoReceiptReturn`); what is checked here are the store's rules.
 */
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Queryable } from '../queryable';
import type { SaleRecorded, StockMovement } from '../../contract/mutations';
import type { NoReceiptRefund } from '../../contract/catalog';
import type { RefundMethod } from '../../contract/till-api/returns';
import type { SaleResult } from '../../contract/till-api/sale';
import { readStoreConfig } from '../queries/identity';
import { getProductsByIds } from '../queries/catalog';
import { receiptFromSale } from '../queries/receipts';
import { getStaff } from '../queries/staff';
import { recordMutation } from '../edge/record';
import { priceCart } from '../../core/pricing';
import { settleTenders, type TenderInput } from '../../core/tenders';
import type { TillContext } from './context';
import { priorResult, saleLines, taxRatesOf } from './sale';
import { managerApproval, receiptNumber, requireStaff, shiftAndReceiptSeq } from './shared';

export interface NoReceiptReturnInput {
  /** Idempotency key. */
  transactionId: string;
  /** At least one; each product once, a whole quantity of at least 1. */
  lines: Array<{ productId: string; quantity: number; restock: boolean }>;
  /** Trimmed, not empty. */
  reason: string;
  refundMethod: RefundMethod;
  cardLast4?: string | null | undefined;
  cashierId: string;
  managerPin?: string | undefined;
  managerId?: string | undefined;
}

/** The refund methods a store's policy allows for a return without a receipt. */
export function refundMethodsFor(policy: NoReceiptRefund): RefundMethod[] {
  switch (policy) {
    case 'none':
      return [];
    case 'cash':
      return ['cash'];
    case 'card':
      return ['card'];
    case 'cash_or_card':
      return ['cash', 'card'];
  }
}

const WORDS: Record<RefundMethod, string> = { cash: 'in cash', card: 'to a card' };

async function plan(db: Queryable, till: TillContext, input: NoReceiptReturnInput) {
  const config = await readStoreConfig(db, till.identity.storeId);
  const allowed = refundMethodsFor(config.noReceiptRefund);
  if (allowed.length === 0) {
    throw new ForbiddenError('This store does not take returns without a receipt');
  }
  if (!allowed.includes(input.refundMethod)) {
    throw new ValidationError(
      `Without a receipt this store refunds only ${allowed.map((m) => WORDS[m]).join(' or ')}`,
    );
  }
  const ids = input.lines.map((l) => l.productId);
  if (new Set(ids).size !== ids.length) {
    throw new ValidationError('Each item can appear once per return: change its quantity');
  }
  const products = new Map(
    (await getProductsByIds(db, till.identity.storeId, ids)).map((p) => [p.productId, p]),
  );
  const cart = input.lines.map((l) => {
    const p = products.get(l.productId);
    if (!p) throw new NotFoundError('An item of this return is not in the catalog');
    return {
      productId: p.productId,
      sku: p.sku,
      productName: p.productName,
      categoryId: p.categoryId,
      unitPriceCents: p.priceCents,
      quantity: l.quantity,
    };
  });
  // Priced as a sale of the same items today, then turned round: every figure negative.
  const priced = priceCart({ lines: cart, orderDiscount: null }, taxRatesOf(config));
  const sold = saleLines(priced.lines, { newId: till.ids });
  const lines: SaleRecorded['lines'] = sold.map((l, i) => ({
    ...l,
    quantity: -l.quantity,
    discountCents: -l.discountCents,
    taxCents: -l.taxCents,
    totalCents: -l.totalCents,
    taxes: l.taxes.map((t) => ({ ...t, taxCents: -t.taxCents })),
    returnReason: input.reason,
    restock: input.lines[i]?.restock ?? true,
  }));
  return { config, lines, totalCents: -priced.totalCents };
}

/** What the refund would be (today's prices), without recording anything. */
export async function quoteNoReceiptReturn(
  till: TillContext,
  input: NoReceiptReturnInput,
): Promise<{ totalCents: number; refundMethods: RefundMethod[] }> {
  const p = await plan(till.db, till, input);
  return { totalCents: p.totalCents, refundMethods: refundMethodsFor(p.config.noReceiptRefund) };
}

export async function commitNoReceiptReturn(
  till: TillContext,
  input: NoReceiptReturnInput,
): Promise<SaleResult> {
  const prior = await priorResult(till, input.transactionId);
  if (prior) return prior;
  // Checked before the transaction too, so a wrong manager PIN is counted (and nothing written).
  await plan(till.db, till, input);
  const cashier = await getStaff(till.db, till.identity.storeId, input.cashierId);
  if (!cashier) throw new ForbiddenError('Unknown or inactive cashier; log in again');
  const approvedBy = await managerApproval(till, {
    actor: cashier,
    managerPin: input.managerPin,
    managerId: input.managerId,
    why: 'A return without a receipt needs a manager: choose the manager and enter their PIN',
  });

  let changeCents = 0;
  const mutation = await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.cashierId);
      const p = await plan(tx, till, input);
      const refund = -p.totalCents;
      const tenders: TenderInput[] =
        input.refundMethod === 'cash'
          ? [{ type: 'cash', tenderedCents: refund }]
          : [{ type: 'card', amountCents: refund, last4: input.cardLast4 ?? null }];
      const settlement = settleTenders(p.totalCents, tenders, {
        online: till.isOnline(),
        offlineCardLimitCents: p.config.offlineCardLimitCents,
        newId: till.ids,
        currency: p.config.currency,
      });
      changeCents = settlement.changeCents;
      const restocks: StockMovement[] = p.lines
        .filter((l) => l.restock)
        .map((l) => ({
          movementId: till.ids(),
          productId: l.productId,
          quantityDelta: -l.quantity,
          reason: 'return' as const,
          transactionId: input.transactionId,
          note: input.reason,
        }));
      const { shiftId, seq } = await shiftAndReceiptSeq(tx, till, []);
      const subtotalCents = p.lines.reduce((a, l) => a + l.quantity * l.unitPriceCents, 0);
      const discountCents = p.lines.reduce((a, l) => a + l.discountCents, 0);
      const taxCents = p.lines.reduce((a, l) => a + l.taxCents, 0);
      return {
        type: 'sale.recorded' as const,
        payload: {
          transactionId: input.transactionId,
          registerId: till.identity.registerId,
          receiptSeq: seq,
          receiptNumber: receiptNumber(till.identity.storeId, till.identity.registerId, seq),
          transactionType: 'return' as const,
          customerId: null,
          cashierId: input.cashierId,
          approvedBy,
          shiftId,
          occurredAt: till.clock.now().toISOString(),
          subtotalCents,
          discountCents,
          taxCents,
          totalCents: p.totalCents,
          taxIncluded: p.config.taxIncluded,
          taxRounding: p.config.taxRounding,
          taxExemptReference: null,
          originalTransactionId: null,
          noReceiptReason: input.reason,
          coupons: [],
          // No customer: no one to take points back from.
          loyaltyPointsEarned: null,
          notes: null,
          lines: p.lines,
          payments: settlement.payments,
          stockMovements: restocks,
        },
      };
    },
    'return without a receipt',
  );
  return {
    receipt: receiptFromSale(mutation.payload),
    changeCents,
    mutationId: mutation.mutationId,
    stockWarnings: [],
    duplicate: false,
  };
}
