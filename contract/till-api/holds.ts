/**
 * The till API's holds area (till/api/holds.ts): parking a cart under a label and recalling it.
 */
import { z } from 'zod';
import { Uuid } from '../../core/ids';
import { Cart } from '../../core/pricing';
import type { Customer } from './customers';
import { Text } from './fields';

export const HoldsInput = {
  holdCart: z.object({
    cart: Cart,
    label: Text('The label', 60).trim().default(''),
    customerId: Uuid.nullable().default(null),
  }),
  recallCart: z.object({ holdId: Uuid }),
} as const;

export interface HeldCart {
  holdId: string;
  label: string;
  heldBy: string;
  heldAt: string;
  lineCount: number;
  /** "First Last" of the attached customer, when there is one the till still knows. */
  customerName: string | null;
}

export interface RecalledCart {
  cart: z.output<typeof Cart>;
  label: string;
  customer: Customer | null;
  /** Set when the cart was held with a customer this till no longer has (deleted at HQ). */
  customerMissing: boolean;
}
