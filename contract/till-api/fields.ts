/**
 * The till API as the renderer sees it lives in this folder, one module per area of the API
 * (till/api/<area>.ts): the input schema of every method (`<Area>Input`) and the types of what
 * the methods answer; events.ts holds what the host pushes to the screens. The API object
 * (`makeTillApi`, till/api/handlers.ts) is typed against these; the renderer imports the API's
 * TYPE only and takes everything it names from here, so the screens never import db/.
 *
 * The input schemas are THE validation of the till path: the API parses the renderer's input
 * once with them (the renderer is untrusted input), and the db/checkout functions behind it
 * take the typed result without validating again. So every rule about the shape of an input
 * lives here, not in the database code: one validation per trust boundary (docs/app.md). Every
 * method resolves to a `Result` (contract/errors.ts) and never rejects for a business error.
 * Amounts are integer cents; timestamps ISO-8601 text.
 *
 * This module: the field schemas the inputs share (bounded text, amounts in whole cents,
 * receipt numbers, the staff member chosen from a list). Every message is in the cashier's
 * words: a failed parse is shown on the screen as it is.
 */
import { z } from 'zod';

/** Longest text any single field may carry across the bridge. */
export const MAX_TEXT = 200;
export const Text = (what: string, max = MAX_TEXT) =>
  z.string(`${what} must be text`).max(max, `${what} is too long (at most ${max} characters)`);
export const PositiveCents = z
  .number()
  .int('amounts are whole cents')
  .positive('the amount must be more than zero')
  .max(99_999_999_99);
export const NonNegativeCents = z
  .number()
  .int('amounts are whole cents')
  .nonnegative('the amount cannot be negative')
  .max(99_999_999_99);

/** A receipt number as typed or scanned (receipt numbers are upper case; lookups ignore case). */
export const ReceiptNumber = Text('The receipt number', 80)
  .trim()
  .min(1, 'Type or scan a receipt number');

/** A staff member chosen from the list (by ID: names are not unique). */
export const Person = (message: string) => z.uuid(message);
/** The manager who approves: a manager's PIN is checked against (and counted for) them only. */
export const Approver = Person('Choose the approving manager');

/** Empty text means "not given" (null). */
export const blankAsNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
