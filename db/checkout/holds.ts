/**
 * Hold and recall: park a cart to serve the next customer, pick it up again later. Local to the
 * till (pos.held_carts); a held cart is not a sale and never syncs.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { Uuid } from '../mutations/schemas';
import type { TillContext } from './context';
import { Cart } from './pricing';
import { requireStaff } from './shared';

export interface HeldCart {
  holdId: string;
  label: string;
  heldBy: string;
  heldAt: string;
  lineCount: number;
}

export async function holdCart(
  till: TillContext,
  input: { cart: z.input<typeof Cart>; label: string; staffId: string },
): Promise<HeldCart> {
  const parsed = z
    .object({ cart: Cart, label: z.string().trim().max(60), staffId: Uuid })
    .safeParse(input);
  if (!parsed.success)
    throw new ValidationError(`Cannot hold this cart: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.cart.lines.length === 0)
    throw new ValidationError('There is nothing to hold: the cart is empty');
  await requireStaff(till.db, till, parsed.data.staffId);
  const holdId = till.ids();
  const heldAt = till.clock.now().toISOString();
  const label = parsed.data.label || `Held ${heldAt.slice(11, 16)}`;
  await till.db.query(
    `INSERT INTO pos.held_carts (hold_id, label, cart, held_by, held_at) VALUES ($1, $2, $3, $4, $5)`,
    [holdId, label, JSON.stringify(parsed.data.cart), parsed.data.staffId, heldAt],
  );
  return {
    holdId,
    label,
    heldBy: parsed.data.staffId,
    heldAt,
    lineCount: parsed.data.cart.lines.length,
  };
}

export async function listHeldCarts(till: TillContext): Promise<HeldCart[]> {
  const { rows } = await till.db.query<{
    hold_id: string;
    label: string;
    held_by: string;
    held_at: Date;
    line_count: number;
  }>(
    `SELECT hold_id, label, held_by, held_at, jsonb_array_length(cart -> 'lines') AS line_count
       FROM pos.held_carts ORDER BY held_at`,
  );
  return rows.map((r) => ({
    holdId: r.hold_id,
    label: r.label,
    heldBy: r.held_by,
    heldAt: new Date(r.held_at).toISOString(),
    lineCount: Number(r.line_count),
  }));
}

/** Take a held cart back (it is removed from the held list in the same statement). */
export async function recallCart(
  till: TillContext,
  holdId: string,
): Promise<{ cart: z.output<typeof Cart>; label: string }> {
  if (!Uuid.safeParse(holdId).success) throw new ValidationError('holdId must be a UUID');
  const { rows } = await till.db.query<{ cart: unknown; label: string }>(
    `DELETE FROM pos.held_carts WHERE hold_id = $1 RETURNING cart, label`,
    [holdId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('That held cart no longer exists (recalled already?)');
  return { cart: Cart.parse(row.cart), label: row.label };
}
