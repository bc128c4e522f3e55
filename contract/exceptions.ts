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
  /** A store's day does not balance: its Z reports against the facts HQ holds for the day. */
  storeDayDiffers: 'store_day_differs',
  /** A second void of a voided sale, by someone else or at another time. */
  alreadyVoided: 'already_voided',
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
