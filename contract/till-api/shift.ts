/**
 * The till API's shift area (till/api/shift.ts): opening a shift with its float, cash in and
 * out of the drawer, closing with the counted cash, and the shift's running figures.
 */
import { z } from 'zod';
import type { ZReport } from '../mutations';
import { Approver, NonNegativeCents, PositiveCents, Text } from './fields';

export const ShiftInput = {
  openShift: z.object({ openingFloatCents: NonNegativeCents }),
  moveCash: z.object({
    kind: z.enum(['in', 'out']),
    amountCents: PositiveCents,
    reason: Text('The reason').trim().min(1, 'Give a reason'),
    /** A cash-out above the store's limit or beyond the expected drawer: a manager approves. */
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  /**
   * A no-sale: open the drawer without a sale, recorded with its reason; with the store's
   * `noSaleNeedsManager` a manager approves.
   */
  noSale: z.object({
    reason: Text('The reason').trim().min(1, 'Give a reason'),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  closeShift: z.object({
    countedCashCents: NonNegativeCents,
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
} as const;

/**
 * A no-sale as recorded, and what the drawer did: opened by the receipt printer's drawer port,
 * no drawer on this till (the cashier opens it with its key), or the printer did not answer
 * (`message` in the cashier's words). The no-sale is recorded in every case.
 */
export interface NoSaleOutcome {
  eventId: string;
  occurredAt: string;
  drawer: 'opened' | 'no_drawer' | 'failed';
  message: string | null;
}

export interface ShiftSummary {
  shiftId: string;
  openedAt: string;
  openedBy: string;
}

/** The running figures of a shift: the Z report's figures before the drawer is counted. */
export type ShiftFigures = Omit<
  ZReport,
  'zReportId' | 'zNumber' | 'closedAt' | 'countedCashCents' | 'overShortCents'
>;

/**
 * The X report as the till API answers it. With the store's blind close (`blind`) the drawer's
 * cash, the card total and the expected drawer are withheld (null) until the drawer is counted:
 * cash + card = net, so either tender total would give the expected amount away. The Z report,
 * written by the close with the count, carries them all.
 */
export type XReport = Omit<ShiftFigures, 'cashCents' | 'cardCents' | 'expectedCashCents'> & {
  blind: boolean;
  cashCents: number | null;
  cardCents: number | null;
  expectedCashCents: number | null;
};
