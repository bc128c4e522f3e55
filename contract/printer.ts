/**
 * The receipt printer a till prints to, as the till's settings store it and the manager's
 * settings screen sends it: validated here, once, at the boundary (the till API's input and the
 * row read back from the till's database).
 *
 *   none     no printer: receipts are shown on screen (and printed through the browser dialog);
 *   network  an ESC/POS printer on the LAN, raw TCP (port 9100 by default); the drawer hangs
 *            off the printer and opens with the ESC/POS pulse;
 *   system   a printer the operating system knows, by its device name; the desktop app prints
 *            the receipt view to it silently (no drawer kick: a system driver has no pulse).
 */
import { z } from 'zod';

/** 80 mm rolls print 48 columns of Font A, 58 mm rolls 32. */
export const PaperWidth = z.union([z.literal(58), z.literal(80)]);
export type PaperWidth = z.infer<typeof PaperWidth>;

// A host name or an IPv4/IPv6 address; no scheme, no path, no port (that is its own field).
const PrinterHost = z
  .string()
  .trim()
  .min(1, 'Enter the printer’s address')
  .max(253, 'The printer’s address is too long')
  .regex(/^[A-Za-z0-9.:-]+$/, 'Enter the printer’s address without http:// or a port');

export const PrinterConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('network'),
    host: PrinterHost,
    port: z.coerce
      .number({ error: 'The port is a number between 1 and 65535' })
      .int('The port is a whole number')
      .min(1, 'The port is between 1 and 65535')
      .max(65535, 'The port is between 1 and 65535')
      .default(9100),
    paperWidth: PaperWidth.default(80),
    /** A cash drawer is wired to the printer's drawer port. */
    drawer: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal('system'),
    deviceName: z
      .string()
      .trim()
      .min(1, 'Choose the printer by its name')
      .max(200, 'The printer name is too long'),
    paperWidth: PaperWidth.default(80),
  }),
]);
export type PrinterConfig = z.output<typeof PrinterConfig>;

export const NO_PRINTER: PrinterConfig = { kind: 'none' };

/** Characters per line of Font A on a roll of this width. */
export function columnsFor(paperWidth: PaperWidth): number {
  return paperWidth === 58 ? 32 : 48;
}

/** What the cashier reads when a print or a drawer kick did not happen (the sale is kept). */
export const PrinterMessages = {
  notAnswering: 'Printer not answering — sale saved; reprint from the receipt',
  paperOut: 'Printer out of paper — sale saved; load paper and reprint from the receipt',
  coverOpen: 'Printer cover open — sale saved; close it and reprint from the receipt',
  noPrinter: 'No receipt printer is set up on this till',
  noDrawer: 'No cash drawer is set up on this till',
} as const;

export const DEFAULT_RETURN_POLICY = 'Returns and exchanges within 30 days with this receipt.';

/** The till's printing settings: the printer, and the return policy printed on every receipt. */
export const PrintSettings = z.object({
  printer: PrinterConfig,
  returnPolicy: z
    .string()
    .trim()
    .max(400, 'The return policy is at most 400 characters')
    .default(DEFAULT_RETURN_POLICY),
});
export type PrintSettings = z.output<typeof PrintSettings>;
export type PrintSettingsInput = z.input<typeof PrintSettings>;
