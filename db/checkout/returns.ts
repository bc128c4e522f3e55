/**
 * Returns and exchanges against an original receipt. Returned lines are negative copies of the
 * original lines; the refund of each is its share of what the customer actually paid for that
 * line (discounts and tax included), with telescoping rounding so partial returns never refund
 * a cent more or less than the line cost in total. An exchange is one transaction holding the
 * returned lines and the new ones; the tenders settle the difference either way.
 *
 * Inputs are trusted: validated by the till API (contract/till-api/returns.ts
 * `ReturnsInput.commitReturn`: at least one line, positive whole quantities, a reason per line). What is checked here are
 * the rules against the original receipt.
 */
import { loyaltyPointsOf } from '../../core/loyalty';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../errors';
import type { Queryable } from '../queryable';
import type { SaleRecorded, StockMovement } from '../../contract/mutations';
import { readStoreConfig } from '../queries/identity';
import { getReceipt, receiptFromSale } from '../queries/receipts';
import { getReceiptLookup, returnedSoFar, type ReturnedSoFar } from '../queries/receipt-lookups';
import { getStaff } from '../queries/staff';
import { recordMutation } from '../edge/record';
import type { TillContext } from './context';
import { priceCart, refundShare, type CartLine, type PricedCart } from '../../core/pricing';
import { saleLines, saleMovements, taxRatesOf } from './sale';
import { resolveOverrides, type ResolvedOverrides } from './overrides';
import {
  managerApproval,
  receiptNumber,
  requireStaff,
  shiftAndReceiptSeq,
  stockWarningsAfter,
} from './shared';
import { settleTenders, type TenderInput } from '../../core/tenders';
import type { Receipt, ReceiptLine } from '../../contract/till-api/receipts';
import type { ReturnQuote, ReturnableLine } from '../../contract/till-api/returns';
import type { SaleResult } from '../../contract/till-api/sale';

export interface ReturnLineInput {
  originalItemId: string;
  /** A whole number of at least 1. */
  quantity: number;
  /** Trimmed, not empty. */
  reason: string;
  restock: boolean;
}

export interface ReturnInput {
  /** Idempotency key; generated if omitted. */
  transactionId?: string | undefined;
  originalReceiptNumber: string;
  /** At least one. */
  lines: ReturnLineInput[];
  /** The exchange items (none for a plain return). */
  newLines?: CartLine[] | undefined;
  /** Empty: refund to the original card(s), the rest in cash. */
  tenders: TenderInput[];
  cashierId: string;
  customerId?: string | null | undefined;
  managerPin?: string | undefined;
  /** The manager whose PIN that is (optional in a store with one manager). */
  managerId?: string | undefined;
  notes?: string | null | undefined;
}

/**
 * The original of a return: this till's own receipt, or one of its store that HQ answered for
 * (sold at another register, pos.receipt_lookups), with what has been returned against it from
 * any register as far as this till knows (each return counted once).
 */
export async function findOriginal(
  db: Queryable,
  storeId: string,
  receiptNo: string,
): Promise<{ original: Receipt; returned: ReturnedSoFar } | undefined> {
  const original =
    (await getReceipt(db, storeId, { receiptNumber: receiptNo })) ??
    (await getReceiptLookup(db, storeId, { receiptNumber: receiptNo }))?.receipt;
  if (!original) return undefined;
  return { original, returned: await returnedSoFar(db, storeId, original.transactionId) };
}

/** The original receipt with what is still returnable on each sold line. */
export async function returnableLines(
  till: TillContext,
  receiptNo: string,
): Promise<{ receipt: Receipt; lines: ReturnableLine[] }> {
  const found = await findOriginal(till.db, till.identity.storeId, receiptNo);
  if (!found) throw new NotFoundError(`No receipt ${receiptNo} on this till`);
  const { original: receipt, returned } = found;
  const lines = receipt.lines
    .filter((l) => l.quantity > 0)
    .map((l) => {
      const returnedQuantity = Math.min(l.quantity, returned.quantities.get(l.itemId) ?? 0);
      return {
        ...l,
        returnedQuantity,
        returnableQuantity: receipt.status === 'completed' ? l.quantity - returnedQuantity : 0,
      };
    });
  return { receipt, lines };
}

function returnedLine(
  original: ReceiptLine,
  alreadyReturned: number,
  input: ReturnLineInput,
  itemId: string,
  lineNumber: number,
): SaleRecorded['lines'][number] {
  const share = refundShare(original, alreadyReturned, input.quantity);
  return {
    itemId,
    lineNumber,
    productId: original.productId,
    sku: original.sku,
    productName: original.productName,
    categoryId: original.categoryId,
    quantity: -input.quantity,
    unitPriceCents: original.unitPriceCents,
    discountCents: -share.discountCents,
    taxRatePpm: original.taxRatePpm,
    taxCents: -share.taxCents,
    totalCents: -share.netCents,
    taxes: share.taxes.map((t) => ({ ...t, taxCents: -t.taxCents })),
    priceOverride: original.priceOverride,
    promotions: [],
    originalItemId: original.itemId,
    returnReason: input.reason,
    restock: input.restock,
  };
}

interface ReturnPlan {
  original: Receipt;
  returned: ReturnedSoFar;
  lines: SaleRecorded['lines'];
  sold: SaleRecorded['lines'];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  totalCents: number;
}

/** Validate a return against its original and compute every line and total. Reads only. */
async function planReturn(
  db: Queryable,
  till: TillContext,
  input: Omit<ReturnInput, 'tenders'>,
  priced: PricedCart,
  overrides: ResolvedOverrides,
): Promise<ReturnPlan> {
  const found = await findOriginal(db, till.identity.storeId, input.originalReceiptNumber);
  if (!found) throw new NotFoundError(`No receipt ${input.originalReceiptNumber} on this till`);
  const { original, returned } = found;
  if (original.status !== 'completed')
    throw new InvalidStateError(
      `Receipt ${original.receiptNumber} was voided; nothing can be returned against it`,
    );
  if (original.transactionType === 'return')
    throw new InvalidStateError('A return receipt cannot itself be returned');
  const lines: SaleRecorded['lines'] = input.lines.map((l, i) => {
    const orig = original.lines.find((o) => o.itemId === l.originalItemId && o.quantity > 0);
    if (!orig)
      throw new ValidationError(
        `Line ${l.originalItemId} is not a sold line of receipt ${original.receiptNumber}`,
      );
    const already = Math.min(orig.quantity, returned.quantities.get(orig.itemId) ?? 0);
    const left = orig.quantity - already;
    if (l.quantity > left) {
      throw new ValidationError(
        `Cannot return ${l.quantity} x ${orig.sku}: ${orig.quantity} sold, ${already} already returned, ${left} left`,
      );
    }
    return returnedLine(orig, already, l, till.ids(), i + 1);
  });
  if (priced.lines.length > 0 && priced.taxIncluded !== original.taxIncluded) {
    throw new ValidationError(
      `Receipt ${original.receiptNumber} was rung up with prices ${original.taxIncluded ? 'including' : 'excluding'} tax and the store has changed since: return the items, then sell the new ones separately`,
    );
  }
  const sold = saleLines(priced.lines, {
    newId: till.ids,
    startLine: lines.length + 1,
    overrides: overrides.overrides,
  });
  const all = [...lines, ...sold];
  const subtotalCents = all.reduce((a, l) => a + l.quantity * l.unitPriceCents, 0);
  const discountCents = all.reduce((a, l) => a + l.discountCents, 0);
  const taxCents = all.reduce((a, l) => a + l.taxCents, 0);
  return {
    original,
    returned,
    lines,
    sold,
    subtotalCents,
    discountCents,
    taxCents,
    // Returned lines follow the original's tax mode; new lines the store's, which must agree.
    totalCents: subtotalCents - discountCents + (original.taxIncluded ? 0 : taxCents),
  };
}

/**
 * Where a refund goes when the cashier does not choose: back to the original card(s) up to
 * what was charged on card and not yet refunded to card (by any register this till knows of),
 * the rest in cash.
 */
function defaultRefundTenders(plan: ReturnPlan, refundCents: number): TenderInput[] {
  const charged = plan.original.payments
    .filter((p) => p.tenderType === 'card')
    .reduce((sum, p) => sum + p.amountCents, 0);
  const cardLeft = Math.max(0, charged + plan.returned.cardCents);
  const toCard = Math.min(cardLeft, refundCents);
  const last4 = plan.original.payments.find((p) => p.tenderType === 'card')?.cardLast4 ?? null;
  const out: TenderInput[] = [];
  if (toCard > 0) out.push({ type: 'card', amountCents: toCard, last4 });
  if (refundCents - toCard > 0) out.push({ type: 'cash', tenderedCents: refundCents - toCard });
  return out;
}

/** Price a return/exchange without recording it, so the cashier sees the refund or amount due. */
export async function quoteReturn(
  till: TillContext,
  input: Omit<ReturnInput, 'tenders'>,
): Promise<ReturnQuote> {
  const config = await readStoreConfig(till.db, till.identity.storeId);
  const priced = priceCart(
    { lines: input.newLines ?? [], orderDiscount: null },
    taxRatesOf(config),
  );
  const overrides = await resolveOverrides(till, config, priced.lines);
  const plan = await planReturn(till.db, till, input, priced, overrides);
  return {
    originalReceiptNumber: plan.original.receiptNumber,
    totalCents: plan.totalCents,
    subtotalCents: plan.subtotalCents,
    discountCents: plan.discountCents,
    taxCents: plan.taxCents,
    defaultTenders: plan.totalCents < 0 ? defaultRefundTenders(plan, -plan.totalCents) : [],
  };
}

export async function commitReturn(till: TillContext, input: ReturnInput): Promise<SaleResult> {
  const seen = new Set<string>();
  for (const l of input.lines) {
    if (seen.has(l.originalItemId))
      throw new ValidationError('Each original line can appear once per return');
    seen.add(l.originalItemId);
  }
  const transactionId = input.transactionId ?? till.ids();
  const prior = await getReceipt(till.db, till.identity.storeId, { transactionId });
  if (prior)
    return { receipt: prior, changeCents: 0, mutationId: null, stockWarnings: [], duplicate: true };

  const config = await readStoreConfig(till.db, till.identity.storeId);
  const priced = priceCart(
    { lines: input.newLines ?? [], orderDiscount: null },
    taxRatesOf(config),
  );
  const cashier = await getStaff(till.db, till.identity.storeId, input.cashierId);
  if (!cashier) throw new ForbiddenError('Unknown or inactive cashier; log in again');
  const overrides = await resolveOverrides(till, config, priced.lines);
  const approvalWhy =
    priced.maxDiscountPpm > config.managerDiscountThresholdPpm
      ? 'A discount on the exchanged items is above the cashier limit: a manager PIN is required'
      : overrides.approvalWhy;
  const approvedBy = approvalWhy
    ? await managerApproval(till, {
        actor: cashier,
        managerPin: input.managerPin,
        managerId: input.managerId,
        why: approvalWhy,
      })
    : null;

  let changeCents = 0;
  let warnings: SaleResult['stockWarnings'] = [];
  const mutation = await recordMutation(
    till,
    async (tx) => {
      await requireStaff(tx, till, input.cashierId);
      const plan = await planReturn(tx, till, input, priced, overrides);
      const tenders =
        input.tenders.length === 0 && plan.totalCents < 0
          ? defaultRefundTenders(plan, -plan.totalCents)
          : input.tenders;
      const settlement = settleTenders(plan.totalCents, tenders, {
        online: till.isOnline(),
        offlineCardLimitCents: config.offlineCardLimitCents,
        newId: till.ids,
        currency: config.currency,
      });
      changeCents = settlement.changeCents;
      const restocks: StockMovement[] = plan.lines
        .filter((l) => l.restock)
        .map((l) => ({
          movementId: till.ids(),
          productId: l.productId,
          quantityDelta: -l.quantity,
          reason: 'return' as const,
          transactionId,
          note: l.returnReason,
        }));
      const { shiftId, seq, onHandBefore } = await shiftAndReceiptSeq(
        tx,
        till,
        priced.lines.map((l) => l.productId),
      );
      warnings = stockWarningsAfter(onHandBefore, priced.lines);
      return {
        type: 'sale.recorded' as const,
        payload: {
          transactionId,
          registerId: till.identity.registerId,
          receiptSeq: seq,
          receiptNumber: receiptNumber(till.identity.storeId, till.identity.registerId, seq),
          transactionType: plan.sold.length > 0 ? ('exchange' as const) : ('return' as const),
          customerId: input.customerId ?? plan.original.customerId,
          cashierId: input.cashierId,
          approvedBy,
          shiftId,
          occurredAt: till.clock.now().toISOString(),
          subtotalCents: plan.subtotalCents,
          discountCents: plan.discountCents,
          taxCents: plan.taxCents,
          totalCents: plan.totalCents,
          taxIncluded: plan.original.taxIncluded,
          taxRounding: plan.original.taxRounding,
          taxExemptReference: null,
          originalTransactionId: plan.original.transactionId,
          noReceiptReason: null,
          notes: input.notes ?? null,
          coupons: [],
          loyaltyPointsEarned: loyaltyPointsOf({
            customerId: input.customerId ?? plan.original.customerId,
            totalCents: plan.totalCents,
            taxCents: plan.taxCents,
          }),
          lines: [...plan.lines, ...plan.sold],
          payments: settlement.payments,
          stockMovements: [...restocks, ...saleMovements(plan.sold, transactionId, till.ids)],
        },
      };
    },
    'commit return',
  );
  return {
    receipt: receiptFromSale(mutation.payload),
    changeCents,
    mutationId: mutation.mutationId,
    stockWarnings: warnings,
    duplicate: false,
  };
}
