/**
 * Hold and recall: park a cart to serve the next customer, pick it up again later. Local to the
 * till (pos.held_carts); a held cart is not a sale and never syncs. The customer attached to
 * the cart is parked with it and comes back on recall.
 *
 * Inputs are trusted (validated by the till API, contract/till-api/holds.ts); a cart read back from
 * pos.held_carts is parsed again, because it is stored data an older version may have written.
 */
import { NotFoundError, ValidationError } from '../errors';
import type { TillContext } from './context';
import { getCustomer } from './customers';
import { Cart } from '../../core/pricing';
import { requireStaff } from './shared';
import type { HeldCart, RecalledCart } from '../../contract/till-api/holds';

export interface HoldInput {
  cart: Cart;
  /** Trimmed; empty means "Held HH:MM". */
  label: string;
  staffId: string;
  customerId?: string | null | undefined;
}

export async function holdCart(till: TillContext, input: HoldInput): Promise<HeldCart> {
  const { cart, staffId } = input;
  const customerId = input.customerId ?? null;
  if (cart.lines.length === 0)
    throw new ValidationError('There is nothing to hold: the cart is empty');
  await requireStaff(till.db, till, staffId);
  const customer =
    customerId === null ? null : await getCustomer(till.db, till.identity.storeId, customerId);
  if (customerId !== null && !customer)
    throw new ValidationError(`Cannot hold this cart: this store has no customer ${customerId}`);
  const holdId = till.ids();
  const heldAt = till.clock.now().toISOString();
  const label = input.label || `Held ${heldAt.slice(11, 16)}`;
  await till.db.query(
    `INSERT INTO pos.held_carts (hold_id, label, cart, held_by, held_at, customer_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [holdId, label, JSON.stringify(cart), staffId, heldAt, customerId],
  );
  return {
    holdId,
    label,
    heldBy: staffId,
    heldAt,
    lineCount: cart.lines.length,
    customerName: customer ? `${customer.firstName} ${customer.lastName}` : null,
  };
}

export async function listHeldCarts(till: TillContext): Promise<HeldCart[]> {
  const { rows } = await till.db.query<{
    hold_id: string;
    label: string;
    held_by: string;
    held_at: Date;
    line_count: number;
    customer_name: string | null;
  }>(
    `SELECT h.hold_id, h.label, h.held_by, h.held_at,
            jsonb_array_length(h.cart -> 'lines') AS line_count,
            c.first_name || ' ' || c.last_name AS customer_name
       FROM pos.held_carts h
       LEFT JOIN retail.customers c ON c.store_id = $1 AND c.customer_id = h.customer_id
      ORDER BY h.held_at`,
    [till.identity.storeId],
  );
  return rows.map((r) => ({
    holdId: r.hold_id,
    label: r.label,
    heldBy: r.held_by,
    heldAt: new Date(r.held_at).toISOString(),
    lineCount: Number(r.line_count),
    customerName: r.customer_name,
  }));
}

/** Take a held cart back (it is removed from the held list in the same statement). */
export async function recallCart(till: TillContext, holdId: string): Promise<RecalledCart> {
  const { rows } = await till.db.query<{
    cart: unknown;
    label: string;
    customer_id: string | null;
  }>(`DELETE FROM pos.held_carts WHERE hold_id = $1 RETURNING cart, label, customer_id`, [holdId]);
  const row = rows[0];
  if (!row) throw new NotFoundError('That held cart no longer exists (recalled already?)');
  const customer =
    row.customer_id === null
      ? null
      : await getCustomer(till.db, till.identity.storeId, row.customer_id);
  return {
    cart: Cart.parse(row.cart),
    label: row.label,
    customer,
    customerMissing: row.customer_id !== null && customer === null,
  };
}
