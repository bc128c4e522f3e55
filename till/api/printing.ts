/**
 * Printing and the cash drawer (issue 18, item 5). Called by the screen AFTER a sale, refund or
 * void is committed, never inside it: a printer that is off, silent or out of paper answers with
 * the cashier's words (contract/printer.ts PrinterMessages) and the sale and its money stay as
 * recorded; the receipt can be printed again from the receipt screen.
 *
 * A network printer is driven here, on the till host (Node: raw TCP, till/node/printer-network.ts).
 * A system printer is printed to by the desktop window itself (Electron's silent print of the
 * receipt view with the configured device name), so for it this answers where to print.
 */
import { PrintingInput, type PrintOutcome } from '../../contract/till-api/printing';
import { PrinterMessages, type PrintSettings } from '../../contract/printer';
import { InvalidStateError, NotFoundError } from '../../db/errors';
import {
  readPrintSettings,
  readReceiptParties,
  writePrintSettings,
} from '../../db/queries/printer-settings';
import { readStoreConfig } from '../../db/queries/identity';
import { getReceipt } from '../../db/queries/receipts';
import type { Queryable } from '../../db/queryable';
import type { TillHost } from '../host';
import { encodeDrawerKick, encodeReceipt } from '../printer/receipt-escpos';
import { define } from './define';

/**
 * Kick the drawer on the network printer's drawer port. False when this till has no drawer
 * (no network printer, or its drawer is not set up); a printer that fails throws PrinterError.
 */
export async function kickDrawer(host: TillHost, db: Queryable): Promise<boolean> {
  const network = networkPrinter(host, await readPrintSettings(db));
  if (!network || !network.printer.drawer) return false;
  await network.send(network.printer, encodeDrawerKick());
  return true;
}

/** The network printer and the host's socket, or why the drawer cannot be opened. */
function networkPrinter(host: TillHost, settings: PrintSettings) {
  const printer = settings.printer;
  if (printer.kind !== 'network' || !host.rawPrinter) return null;
  return { printer, send: host.rawPrinter };
}

export const printingHandlers = {
  /** The settings, and whether this host can reach a network printer at all. */
  printSettings: define({
    staff: 'any',
    run: async ({ till, host }) => ({
      ...(await readPrintSettings((await till()).db)),
      networkPrinting: host.rawPrinter !== undefined,
    }),
  }),

  savePrintSettings: define({
    input: PrintingInput.savePrintSettings,
    staff: 'manager',
    approval: 'A manager sets up the receipt printer: enter a manager PIN',
    run: async ({ till, host }, input): Promise<PrintSettings> => {
      const settings: PrintSettings = { printer: input.printer, returnPolicy: input.returnPolicy };
      if (settings.printer.kind === 'network' && !host.rawPrinter)
        throw new InvalidStateError(
          'This browser till cannot reach a network printer; use the desktop app or a system printer',
        );
      await writePrintSettings((await till()).db, settings);
      return settings;
    },
  }),

  printReceipt: define({
    input: PrintingInput.printReceipt,
    staff: 'any',
    run: async ({ till, host }, { receiptNumber, openDrawer }): Promise<PrintOutcome> => {
      const t = await till();
      const settings = await readPrintSettings(t.db);
      if (settings.printer.kind === 'system')
        return { via: 'system', deviceName: settings.printer.deviceName };
      const network = networkPrinter(host, settings);
      if (!network) return { via: 'dialog' };
      const receipt = await getReceipt(t.db, t.identity.storeId, { receiptNumber });
      if (!receipt) throw new NotFoundError(`No receipt ${receiptNumber} on this till`);
      const [store, parties] = await Promise.all([
        readStoreConfig(t.db, t.identity.storeId),
        readReceiptParties(t.db, {
          storeId: t.identity.storeId,
          cashierId: receipt.cashierId,
          customerId: receipt.customerId,
        }),
      ]);
      const drawer = openDrawer && network.printer.drawer;
      const job = encodeReceipt(
        {
          receipt,
          store: {
            name: parties.storeName,
            // A store HQ gave no street address prints its location ("Seattle, WA").
            address: parties.storeAddress ?? parties.storeLocation,
            phone: parties.storePhone,
          },
          cashierName: parties.cashierName,
          customerName: parties.customerName,
          currency: store.currency,
          returnPolicy: settings.returnPolicy,
        },
        { paperWidth: network.printer.paperWidth, openDrawer: drawer },
      );
      await network.send(network.printer, job);
      return { via: 'network', drawerOpened: drawer };
    },
  }),

  /** The drawer kick for a cash tender whose receipt is not printed (a no-sale is `noSale`). */
  openDrawer: define({
    input: PrintingInput.openDrawer,
    staff: 'any',
    run: async ({ till, host, staff }, { reason }): Promise<{ opened: true }> => {
      if (!(await kickDrawer(host, (await till()).db)))
        throw new InvalidStateError(PrinterMessages.noDrawer);
      host.logger.info({ reason, staffId: staff.staffId }, 'cash drawer opened');
      return { opened: true };
    },
  }),
};
