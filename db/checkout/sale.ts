/**
 * Ringing up a sale: price the cart, settle the tenders, and record transaction, lines,
 * payments, stock movements and the outbox entry in ONE local transaction, journaled and
 * fsynced before the receipt is returned.
 *
 * Idempotent by transaction ID: the UI assigns one when payment starts, so a retry after a
 * crash or a double click returns the first receipt instead of selling twice.
 *
 * The input is trusted: the till API validated it at the renderer's boundary (contract/
 * till-api.ts `ApiInput.commitSale`); other callers (the demo, benchmarks, tests) build it in
 * code. What is checked here are the rules: an empty cart, the cashier, the manager's approval,
 * the tenders against the total.
 */
import { loyaltyPointsOf } from '../../core/loyalty';
import { ForbiddenError, InvalidStateError, ValidationError, toPosError } from '../errors';
import type { Mutation, SaleRecorded, StockMovement } from '../../contract/mutations';
import type { StoreConfig } from '../queries/identity';
import { getReceipt, receiptFromSale } from '../queries/receipts';
import { recordMutation } from '../edge/record';
import type { TillContext } from './context';
import { readSaleContext, writeSale } from './sale-statements';
import { priceCart, type Cart, type PricedLine, type TaxRates } from '../../core/pricing';
import { receiptNumber, managerApproval, shiftAndReceiptSeq, stockWarningsAfter } from './shared';
import { settleTenders, type TenderInput } from '../../core/tenders';
import type { PriceOverride } from '../../core/overrides';
import { resolveOverrides } from './overrides';
import { priceAt, type ScheduledPrices } from '../queries/scheduled-prices';
import { checkCoupon, type Promotion } from '../../core/promotions';
import { resolveStoredValueTenders } from './stored-value';
import type { SaleResult, StockWarning } from '../../contract/till-api/sale';

export interface SaleInput {
  /** Idempotency key; generated if omitted. */
  transactionId?: string | undefined;
  cart: Cart;
  tenders: TenderInput[];
  cashierId: string;
  customerId?: string | null | undefined;
  managerPin?: string | undefined;
  /** The manager whose PIN that is (optional in a store with one manager). */
  managerId?: string | undefined;
  notes?: string | null | undefined;
  /** A tax-exempt sale: the customer's exemption certificate/reference (needs a customer). */
  taxExemptReference?: string | null | undefined;
}

/** The tax settings `priceCart` needs, from the store's configuration. */
export function taxRatesOf(config: StoreConfig, exempt = false): TaxRates {
  return {
    storeRatePpm: config.taxRatePpm,
    categoryRates: config.categoryTaxRates,
    included: config.taxIncluded,
    rounding: config.taxRounding,
    components: config.taxComponents,
    exempt,
  };
}

export function saleLines(
  priced: PricedLine[],
  options: {
    newId: () => string;
    startLine?: number;
    /** Per priced line, the override it records (db/checkout/overrides.ts). */
    overrides?: ReadonlyArray<PriceOverride | null>;
  },
): SaleRecorded['lines'] {
  const { newId, startLine = 1 } = options;
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
    taxes: line.taxes,
    priceOverride: options.overrides?.[index] ?? null,
    promotions: line.promotions,
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

/**
 * Every coupon code on the cart must unlock a promotion in force now: otherwise a
 * ValidationError in the cashier's words (unknown, not yet valid, expired, twice) and nothing
 * is written.
 */
export function checkCoupons(
  codes: readonly string[],
  promotions: readonly Promotion[],
  now: Date,
): void {
  codes.forEach((code, i) => checkCoupon(code, { promotions, entered: codes.slice(0, i), now }));
}

/** The cart with each line not priced by hand at its product's catalog price at `at`. */
export function atScheduledPrices(cart: Cart, scheduled: ScheduledPrices, at: Date): Cart {
  if (scheduled.size === 0) return cart;
  return {
    ...cart,
    lines: cart.lines.map((l) =>
      l.priceOverride == null && scheduled.has(l.productId)
        ? { ...l, unitPriceCents: priceAt(scheduled, l.productId, l.unitPriceCents, at) }
        : l,
    ),
  };
}

/** The result of a sale already recorded under this transaction ID (a retry). */
export async function priorResult(
  till: TillContext,
  transactionId: string,
): Promise<SaleResult | undefined> {
  const receipt = await getReceipt(till.db, till.identity.storeId, { transactionId });
  if (!receipt) return undefined;
  const change = receipt.payments.reduce((a, p) => a + (p.changeCents ?? 0), 0);
  return { receipt, changeCents: change, mutationId: null, stockWarnings: [], duplicate: true };
}

/**
 * Ring up a sale. The hot path is two PGlite calls (db/checkout/sale-statements.ts): one read
 * of everything the sale depends on, then ONE guarded statement that writes the whole sale
 * with its outbox row and counters; then the journal append with its fsync. If another
 * checkout operation committed between the read and the write, the guarded write changes
 * nothing and the sale is recorded by the transactional path instead (recordMutation, which
 * numbers it inside its own transaction): same rows, same guarantees.
 */
export async function commitSale(till: TillContext, input: SaleInput): Promise<SaleResult> {
  const transactionId = input.transactionId ?? till.ids();
  // The reference is the one rule on this input not in the till API's schema yet: trimmed,
  // and only with a customer attached.
  const taxExemptReference = input.taxExemptReference?.trim() || null;
  if (taxExemptReference !== null && taxExemptReference.length > 60) {
    throw new ValidationError('The exemption reference is at most 60 characters');
  }
  if (taxExemptReference !== null && input.customerId == null) {
    throw new ValidationError('A tax-exempt sale needs the customer: attach the customer first');
  }
  const { storeId, registerId, deviceId } = till.identity;
  const context = await readSaleContext(till.db, {
    storeId,
    registerId,
    staffId: input.cashierId,
    transactionId,
    productIds: input.cart.lines.map((l) => l.productId),
  });
  const { config, staff: cashier } = context;
  if (context.transactionExists) {
    const prior = await priorResult(till, transactionId);
    if (prior) return prior;
  }
  // One pricing time for the promotions and the sale's time: HQ recomputes with occurredAt.
  const now = till.clock.now();
  checkCoupons(input.cart.coupons ?? [], config.promotions, now);
  // Scheduled prices (issue 14): a line of a product with scheduled rows is charged the
  // catalog price at the sale's time, whenever it was scanned; a price set by hand stays.
  const cart = atScheduledPrices(input.cart, context.scheduled, now);
  const priced = priceCart(cart, taxRatesOf(config, taxExemptReference !== null), {
    promotions: config.promotions,
    now,
  });
  if (priced.lines.length === 0) throw new ValidationError('The cart is empty');
  // Gift cards and store credit: read after the context, so a sale committed in between moves
  // the counters and the guarded write below falls back to the path that checks them again.
  const storedValue = await resolveStoredValueTenders(till.db, till, config, input.tenders);
  const settlement = settleTenders(priced.totalCents, input.tenders, {
    online: till.isOnline(),
    offlineCardLimitCents: config.offlineCardLimitCents,
    newId: till.ids,
    currency: config.currency,
    storedValueCards: storedValue.cardIds,
  });

  if (!cashier) throw new ForbiddenError('Unknown or inactive cashier; log in again');
  const { overrides, approvalWhy } = await resolveOverrides(till, config, priced.lines, {
    scheduled: context.scheduled,
    at: now,
  });
  const whys = [
    ...(priced.maxDiscountPpm > config.managerDiscountThresholdPpm
      ? [
          `A discount of ${(priced.maxDiscountPpm / 10_000).toFixed(2)}% is above the ${(config.managerDiscountThresholdPpm / 10_000).toFixed(2)}% a cashier may give: a manager PIN is required`,
        ]
      : []),
    ...(approvalWhy ? [approvalWhy] : []),
  ];
  const approvedBy =
    whys.length > 0
      ? await managerApproval(till, {
          actor: cashier,
          managerPin: input.managerPin,
          managerId: input.managerId,
          why: whys.join('. '),
        })
      : null;
  if (context.shiftId === null) throw new InvalidStateError(NO_OPEN_SHIFT);

  const lines = saleLines(priced.lines, { newId: till.ids, overrides });
  const stockMovements = saleMovements(lines, transactionId, till.ids);
  const build = (shiftId: string, seq: number) => ({
    type: 'sale.recorded' as const,
    payload: {
      transactionId,
      registerId,
      receiptSeq: seq,
      receiptNumber: receiptNumber(storeId, registerId, seq),
      transactionType: 'sale' as const,
      customerId: input.customerId ?? null,
      cashierId: input.cashierId,
      approvedBy,
      shiftId,
      occurredAt: now.toISOString(),
      subtotalCents: priced.subtotalCents,
      discountCents: priced.discountCents,
      taxCents: priced.taxCents,
      totalCents: priced.totalCents,
      taxIncluded: priced.taxIncluded,
      taxRounding: priced.taxRounding,
      taxExemptReference,
      originalTransactionId: null,
      noReceiptReason: null,
      notes: input.notes ?? null,
      coupons: priced.coupons,
      loyaltyPointsEarned: loyaltyPointsOf({
        customerId: input.customerId ?? null,
        totalCents: priced.totalCents,
        taxCents: priced.taxCents,
      }),
      lines,
      payments: settlement.payments,
      stockMovements,
    },
  });
  const result = (mutation: SaleMutation, warnings: StockWarning[]): SaleResult => ({
    receipt: receiptFromSale(mutation.payload, storedValue.kinds),
    changeCents: settlement.changeCents,
    mutationId: mutation.mutationId,
    stockWarnings: warnings,
    duplicate: false,
  });

  // The one-call write, numbered from what the context read saw.
  let mutation: SaleMutation;
  let written: Awaited<ReturnType<typeof writeSale>>;
  try {
    // Built by this code from validated input and typed as a mutation: not validated again
    // (as in recordMutation; it is validated where it crosses a boundary).
    mutation = {
      ...build(context.shiftId, context.receiptCounter + 1),
      mutationId: context.mutationCounter + 1,
    };
    written = await writeSale(till.db, {
      storeId,
      deviceId,
      mutationId: mutation.mutationId,
      payload: mutation.payload,
      productIds: mutation.payload.lines.map((l) => l.productId),
    });
  } catch (error) {
    throw toPosError(error, 'commit sale');
  }
  if (written.written) {
    await till.journal.append(mutation);
    return result(mutation, stockWarningsAfter(written.onHandBefore, priced.lines));
  }
  if (written.transactionExists) {
    const prior = await priorResult(till, transactionId);
    if (prior) return prior;
  }

  // Something committed in between: number the sale inside a transaction instead.
  till.logger.debug({ transactionId }, 'sale numbered again after a concurrent commit');
  let warnings: StockWarning[] = [];
  const recorded = await recordMutation(
    till,
    async (tx) => {
      // The allowances again, inside the transaction: another sale may have taken from them.
      await resolveStoredValueTenders(tx, till, config, input.tenders);
      const { shiftId, seq, onHandBefore } = await shiftAndReceiptSeq(
        tx,
        till,
        priced.lines.map((l) => l.productId),
      );
      warnings = stockWarningsAfter(onHandBefore, priced.lines);
      return build(shiftId, seq);
    },
    'commit sale',
  );
  return result(recorded, warnings);
}

type SaleMutation = Extract<Mutation, { type: 'sale.recorded' }>;

const NO_OPEN_SHIFT = 'No shift is open on this register: open a shift first';
