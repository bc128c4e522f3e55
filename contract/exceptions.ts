/**
 * Exceptions: what HQ found wrong around a fact it recorded anyway (issue 11). A sale a customer
 * paid for is always recorded; a broken reference or rule around it becomes one of these, for a
 * person to work. Shared by HQ's ingest (db/central), the admin API (contract/admin-protocol.ts)
 * and the till's sync status.
 */
import { z } from 'zod';

export const ExceptionKind = {
  /** A till created a customer with an email another customer of the store already has. */
  customerEmailShared: 'customer_email_shared',
  /** A sale names a customer HQ does not hold: recorded without the link. */
  unknownCustomer: 'unknown_customer',
  /** A sale names a shift HQ does not hold: recorded without the shift. */
  unknownShift: 'unknown_shift',
  /** A sale or shift names a register HQ did not have: the register was added. */
  unknownRegister: 'unknown_register',
  /** A sold line names a product HQ does not hold (deleted meanwhile): kept as sold. */
  unknownProduct: 'unknown_product',
  /** A return names a sale HQ does not hold. */
  unknownOriginalTransaction: 'unknown_original_transaction',
  /** A returned line is not a sold line of the sale it names. */
  unknownOriginalItem: 'unknown_original_item',
  /**
   * Returns from several registers (offline at the same time) took back more units of a sold
   * line than were sold: the return is recorded (the customer has the money), with this.
   */
  overReturned: 'over_returned',
  /**
   * A return of another store's receipt (returns across stores, issue 13) that went past what
   * was sold, counting the returns taken anywhere in the chain: recorded, with this.
   */
  overReturnedAcrossStores: 'over_returned_across_stores',
  /** Another transaction of the store already has this receipt number. */
  receiptNumberTaken: 'receipt_number_taken',
  /** A sale made in a shift HQ holds as closed before it. */
  saleInClosedShift: 'sale_in_closed_shift',
  /** A shift opened while HQ holds another one open on the same register. */
  shiftAlreadyOpen: 'shift_already_open',
  /** A second close of a shift, with another Z report (kept in the exception). */
  shiftAlreadyClosed: 'shift_already_closed',
  /** Cash paid in or out of a shift HQ holds as closed. */
  cashInClosedShift: 'cash_in_closed_shift',
  /** Another Z report of the register has the same number. */
  zNumberTaken: 'z_number_taken',
  /** The Z report's counts or totals differ from the facts HQ holds for the shift. */
  zTotalsDiffer: 'z_totals_differ',
  /** The sale's tax does not recompute with the store's tax rules (core/tax.ts). */
  taxMismatch: 'tax_mismatch',
  /** A price set by hand beyond the store's limits (issue 18) without a manager's approval. */
  overrideNotApproved: 'override_not_approved',
  /** Prices set by hand approved by someone who is not a manager of the store. */
  overrideApproverNotManager: 'override_approver_not_manager',
  /** A return without a receipt (issue 13) that arrived without a manager's approval. */
  noReceiptReturnNotApproved: 'no_receipt_return_not_approved',
  /** A return without a receipt approved by someone who is not a manager of the store. */
  noReceiptReturnApproverNotManager: 'no_receipt_return_approver_not_manager',
  /** A store's day does not balance: its Z reports against the facts HQ holds for the day. */
  storeDayDiffers: 'store_day_differs',
  /** A second void of a voided sale, by someone else or at another time. */
  alreadyVoided: 'already_voided',
  /**
   * A gift card or store credit redeemed beyond its register's offline allowance (a tampered
   * or broken till: a correct one never does): the sale is recorded, the card's balance is
   * short by the overspent amount.
   */
  storedValueOverspent: 'stored_value_overspent',
  /** A redemption or refund names a gift card or store credit HQ does not hold. */
  unknownStoredValueCard: 'unknown_stored_value_card',
  /**
   * The loyalty points a till printed for a sale differ from what HQ computes with the chain's
   * rules (core/loyalty.ts): the customer gets HQ's count.
   */
  loyaltyPointsDiffer: 'loyalty_points_differ',
  /** HQ could not record the mutation at all: it is kept whole in the quarantine. */
  quarantined: 'quarantined',
} as const;
export type ExceptionKind = (typeof ExceptionKind)[keyof typeof ExceptionKind];
export const ExceptionKindSchema = z.enum(
  Object.values(ExceptionKind) as [ExceptionKind, ...ExceptionKind[]],
);

export const ExceptionEntity = z.enum([
  'sale',
  'void',
  'customer',
  'shift',
  'cash_movement',
  'z_report',
  'stock',
  'register',
  'store_day',
]);
export type ExceptionEntity = z.infer<typeof ExceptionEntity>;

/** What a till is told about one of its mutations that HQ recorded with an exception. */
export const MutationException = z.object({
  kind: z.string().min(1).max(60),
  message: z.string().max(2_000),
});
export type MutationException = z.infer<typeof MutationException>;

/**
 * GET /v1/exceptions: what HQ found wrong around the facts this till sent (or about its
 * register), still open, newest first. Structured, not worded: the till words it for the
 * cashier (cashierWords). `kind` is any string so a till older than HQ still shows a newer kind.
 */
export const TillException = z.object({
  exceptionId: z.string().min(1).max(100),
  kind: z.string().min(1).max(60),
  /** The receipt it is about, when it is about one. */
  receiptNumber: z.string().max(80).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type TillException = z.infer<typeof TillException>;
export const TillExceptionList = z.object({ exceptions: z.array(TillException).max(100) });
export type TillExceptionList = z.infer<typeof TillExceptionList>;

/** The most a till is shown at once. */
export const TILL_EXCEPTIONS_LIMIT = 100;

/**
 * An exception in the cashier's words: what happened and what to do (no codes, no IDs). The
 * sale is always safe at HQ; most need nothing from the cashier but telling the manager.
 */
export function cashierWords(e: Pick<TillException, 'kind' | 'receiptNumber'>): {
  what: string;
  todo: string;
} {
  const receipt = e.receiptNumber ? `Receipt ${e.receiptNumber}` : 'A sale';
  const manager = 'Tell your manager.';
  const twoTills = 'Tell your manager now: two tills may be set up as the same register.';
  switch (e.kind) {
    case ExceptionKind.customerEmailShared:
      return {
        what: 'A customer added here has the same email as another customer of the store.',
        todo: 'Nothing to do at the till: the office will check whether it is the same person.',
      };
    case ExceptionKind.unknownCustomer:
      return {
        what: `${receipt} is saved at HQ, but HQ could not find its customer.`,
        todo: 'Nothing to redo. If the customer asks about their account, tell your manager.',
      };
    case ExceptionKind.unknownShift:
      return {
        what: `${receipt} reached HQ before its shift did.`,
        todo: 'Keep the till connected so the shift follows. Nothing to redo.',
      };
    case ExceptionKind.unknownRegister:
      return {
        what: 'HQ did not know this register yet and has added it.',
        todo: 'Nothing to do, unless this till should not be selling: then tell your manager.',
      };
    case ExceptionKind.unknownProduct:
      return {
        what: `${receipt} sold an item that is no longer in HQ's catalog.`,
        todo: `The sale is kept as rung up. ${manager}`,
      };
    case ExceptionKind.unknownOriginalTransaction:
    case ExceptionKind.unknownOriginalItem:
      return {
        what: `${receipt} is a return HQ cannot match to the original sale.`,
        todo: 'Keep the original receipt for your manager.',
      };
    case ExceptionKind.noReceiptReturnNotApproved:
    case ExceptionKind.noReceiptReturnApproverNotManager:
      return {
        what: `${receipt} is a return without a receipt that HQ holds no manager's approval for.`,
        todo: `The refund is recorded. ${manager}`,
      };
    case ExceptionKind.overReturned:
      return {
        what: `${receipt} took back more of an item than was sold: another register returned it too.`,
        todo: `Keep the return receipt for your manager. ${manager}`,
      };
    case ExceptionKind.overReturnedAcrossStores:
      return {
        what: `${receipt} took back an item of another store's receipt that had already been returned.`,
        todo: `Keep the return receipt for your manager. ${manager}`,
      };
    case ExceptionKind.receiptNumberTaken:
      return {
        what: `${receipt} has the same number as a receipt from another till.`,
        todo: twoTills,
      };
    case ExceptionKind.zNumberTaken:
      return {
        what: 'A Z report of this register has the same number as another.',
        todo: twoTills,
      };
    case ExceptionKind.shiftAlreadyOpen:
      return { what: 'HQ has another shift open on this register.', todo: twoTills };
    case ExceptionKind.saleInClosedShift:
      return {
        what: `${receipt} belongs to a shift that was already closed.`,
        todo: `Its Z report does not include it. ${manager}`,
      };
    case ExceptionKind.shiftAlreadyClosed:
      return { what: 'A shift of this register was closed twice.', todo: manager };
    case ExceptionKind.cashInClosedShift:
      return {
        what: 'Cash was paid in or out after its shift was closed.',
        todo: `${manager} The cash count may need checking.`,
      };
    case ExceptionKind.zTotalsDiffer:
      return {
        what: 'HQ has different totals for a shift than its Z report.',
        todo: 'Keep the till connected so every sale reaches HQ. If it stays, tell your manager.',
      };
    case ExceptionKind.taxMismatch:
      return {
        what: `${receipt}: HQ works out the tax differently from this till.`,
        todo: `The customer paid the right amount as rung up. ${manager}`,
      };
    case ExceptionKind.overrideNotApproved:
      return {
        what: `${receipt} has a price changed by hand more than a cashier may, without a manager's approval.`,
        todo: `The sale stands as rung up. Next time, ask a manager to approve such a price. ${manager}`,
      };
    case ExceptionKind.overrideApproverNotManager:
      return {
        what: `${receipt} has a price changed by hand, approved by someone who is not a manager here.`,
        todo: `The sale stands as rung up. ${manager}`,
      };
    case ExceptionKind.storedValueOverspent:
      return {
        what: `${receipt} took more from a gift card or store credit than this till was allowed.`,
        todo: `The sale stands as rung up. ${manager}`,
      };
    case ExceptionKind.unknownStoredValueCard:
      return {
        what: `${receipt} names a gift card or store credit HQ does not know.`,
        todo: `The sale stands as rung up. ${manager}`,
      };
    case ExceptionKind.loyaltyPointsDiffer:
      return {
        what: `${receipt} printed a different number of loyalty points than HQ counts.`,
        todo: `The sale stands as rung up; the customer's points are HQ's count. ${manager}`,
      };
    case ExceptionKind.alreadyVoided:
      return { what: `${receipt} was voided twice.`, todo: 'Nothing to do: it stays voided once.' };
    case ExceptionKind.quarantined:
      return {
        what: `${e.receiptNumber ? receipt : 'Something this till sent'} could not be saved at HQ yet. HQ keeps it safe.`,
        todo: `Do not ring it up again. ${manager}`,
      };
    default:
      return { what: 'HQ noticed something about what this till sent.', todo: manager };
  }
}
