/**
 * The till API's printing area (till/api/printing.ts): the till's printer settings, printing a
 * recorded receipt, and opening the cash drawer.
 */
import { z } from 'zod';
import { PrintSettings } from '../printer';
import { Approver, ReceiptNumber, Text } from './fields';

export const PrintingInput = {
  /** The till's printer and return policy (contract/printer.ts); a manager sets them. */
  savePrintSettings: PrintSettings.extend({
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  /** Print a recorded receipt; `openDrawer` after a cash tender (the drawer hangs off the printer). */
  printReceipt: z.object({ receiptNumber: ReceiptNumber, openDrawer: z.boolean().default(false) }),
  /**
   * Open the drawer for a cash tender whose receipt is not printed. A no-sale open is the shift
   * area's `noSale`, which records it first (contract/till-api/shift.ts).
   */
  openDrawer: z.object({ reason: z.enum(['cash_tender']) }),
} as const;

/** How `printReceipt` printed: on the network printer, or the screen prints (system/dialog). */
export type PrintOutcome =
  | { via: 'network'; drawerOpened: boolean }
  | { via: 'system'; deviceName: string }
  | { via: 'dialog' };
