/**
 * Printing a recorded receipt from the screen: the till decides where (contract/till-api/
 * printing.ts PrintOutcome): its network printer (done by the till host, drawer kick included), the
 * desktop's system printer by name (a silent print of the receipt view), or the print dialog.
 * Only ever called after the sale is committed: a failure is a message, never a lost sale.
 */
import type { Result } from '../../../contract/errors';
import type { PrintOutcome } from '../../../contract/till-api/printing';
import { printReceipt } from '../../shell/backend';

export type PrintResult = { ok: true; printed: boolean } | { ok: false; message: string };

export interface PrintDeps {
  printReceipt: (input: {
    receiptNumber: string;
    openDrawer: boolean;
  }) => Promise<Result<PrintOutcome>>;
  /** The desktop's silent print to a named printer; absent in the browser. */
  systemPrint?: ((deviceName: string) => Promise<Result<null>>) | undefined;
  /** The print dialog (browser, or the desktop without a configured printer). */
  dialog: () => Promise<{ ok: true } | { ok: false; message: string }>;
}

export function printDeps(api: { printReceipt: PrintDeps['printReceipt'] }): PrintDeps {
  const bridge = typeof window === 'undefined' ? undefined : window.edgePos;
  return {
    printReceipt: (input) => api.printReceipt(input),
    systemPrint: bridge ? (deviceName) => bridge.print({ silent: true, deviceName }) : undefined,
    dialog: printReceipt,
  };
}

/**
 * `auto`: printed on its own after a sale; then no dialog is opened (the cashier asked for
 * none) and nothing is printed when the till has no printer.
 */
export async function printRecorded(
  deps: PrintDeps,
  options: { receiptNumber: string; openDrawer: boolean; auto: boolean },
): Promise<PrintResult> {
  const where = await deps.printReceipt({
    receiptNumber: options.receiptNumber,
    openDrawer: options.openDrawer,
  });
  if (!where.ok) return { ok: false, message: where.error.message };
  if (where.data.via === 'network') return { ok: true, printed: true };
  if (where.data.via === 'system' && deps.systemPrint) {
    const printed = await deps.systemPrint(where.data.deviceName);
    return printed.ok ? { ok: true, printed: true } : { ok: false, message: printed.error.message };
  }
  if (options.auto) return { ok: true, printed: false };
  const shown = await deps.dialog();
  return shown.ok ? { ok: true, printed: true } : shown;
}
