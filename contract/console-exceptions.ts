/**
 * HQ console contract for exceptions and reconciliation (issue 14, item 5; the model is issue
 * 11's: contract/exceptions.ts, contract/admin-protocol.ts). The same schemas check the
 * console's forms and the server's requests, so their messages are written for people.
 *
 * The console resolves an exception in the name of the signed-in user (never a name typed in
 * the form), and a reconciliation it runs records findings like `npm run hq:admin -- reconcile`.
 */
import { z } from 'zod';
import { ExceptionKindSchema } from './exceptions';
import { ExceptionStatus } from './admin-protocol';
import { StoreId } from './mutations';

/** GET /console/api/exceptions: newest first; no store = every store the user sees. */
export const ConsoleExceptionQuery = z.object({
  storeId: StoreId.optional(),
  status: ExceptionStatus.optional(),
  kind: ExceptionKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type ConsoleExceptionQuery = z.infer<typeof ConsoleExceptionQuery>;

/** POST /console/api/stores/:storeId/exceptions/:exceptionId/resolve */
export const ConsoleResolveException = z.object({
  resolution: z
    .string()
    .trim()
    .min(1, 'Say what was done about it')
    .max(2_000, 'Use at most 2,000 characters'),
});
export type ConsoleResolveException = z.infer<typeof ConsoleResolveException>;

/** POST /console/api/reconcile: one local day of a store, or of every store the user runs. */
export const ConsoleReconcile = z.object({
  date: z.iso.date('Enter a date like 2026-12-07'),
  storeId: StoreId.optional(),
});
export type ConsoleReconcile = z.infer<typeof ConsoleReconcile>;

/** What each kind is called on the console's screens (the reason says the details). */
export const EXCEPTION_KIND_TITLES: Record<z.infer<typeof ExceptionKindSchema>, string> = {
  customer_email_shared: 'Customer email used twice',
  unknown_customer: 'Sale names an unknown customer',
  unknown_shift: 'Sale names an unknown shift',
  unknown_register: 'Unknown register',
  unknown_product: 'Sold product not at HQ',
  unknown_original_transaction: 'Return of an unknown sale',
  unknown_original_item: 'Returned item not on the sale',
  over_returned: 'More returned than sold',
  over_returned_across_stores: 'Returned again at another store',
  receipt_number_taken: 'Receipt number used twice',
  sale_in_closed_shift: 'Sale in a closed shift',
  shift_already_open: 'Shift opened twice',
  shift_already_closed: 'Shift closed twice',
  cash_in_closed_shift: 'Cash moved in a closed shift',
  z_number_taken: 'Z number used twice',
  z_totals_differ: 'Z report differs from HQ',
  tax_mismatch: 'Tax does not add up',
  store_day_differs: "Store's day does not balance",
  already_voided: 'Sale voided twice',
  override_not_approved: 'Price set by hand without approval',
  override_approver_not_manager: 'Price approved by a non-manager',
  stored_value_overspent: 'Gift card spent beyond its allowance',
  loyalty_points_differ: 'Loyalty points counted differently',
  unknown_stored_value_card: 'Unknown gift card or store credit',
  no_receipt_return_not_approved: 'Return without receipt, no approval',
  no_receipt_return_approver_not_manager: 'Return without receipt, non-manager approval',
  quarantined: 'Held in quarantine',
};
