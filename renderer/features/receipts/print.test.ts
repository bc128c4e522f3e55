/** Where a recorded receipt goes from the screen, and what the cashier reads when it fails. */
import { describe, expect, it } from 'vitest';
import { err, ok, ErrorKind, type Result } from '../../../contract/errors';
import { PrinterMessages } from '../../../contract/printer';
import type { PrintOutcome } from '../../../contract/till-api/printing';
import { printRecorded, type PrintDeps } from './print';

function deps(outcome: Result<PrintOutcome>) {
  const calls: string[] = [];
  const d: PrintDeps = {
    printReceipt: (input) => {
      calls.push(`till:${input.receiptNumber}:${String(input.openDrawer)}`);
      return Promise.resolve(outcome);
    },
    systemPrint: (deviceName) => {
      calls.push(`system:${deviceName}`);
      return Promise.resolve(ok(null));
    },
    dialog: () => {
      calls.push('dialog');
      return Promise.resolve({ ok: true });
    },
  };
  return { d, calls };
}

const options = { receiptNumber: 'S1-R1-000001', openDrawer: true, auto: true };

describe('printing a recorded receipt', () => {
  it('a network printer is printed by the till, drawer included', async () => {
    const { d, calls } = deps(ok({ via: 'network', drawerOpened: true }));
    expect(await printRecorded(d, options)).toEqual({ ok: true, printed: true });
    expect(calls).toEqual(['till:S1-R1-000001:true']);
  });

  it('a system printer is printed silently by name', async () => {
    const { d, calls } = deps(ok({ via: 'system', deviceName: 'EPSON TM-T88' }));
    expect(await printRecorded(d, options)).toEqual({ ok: true, printed: true });
    expect(calls).toEqual(['till:S1-R1-000001:true', 'system:EPSON TM-T88']);
  });

  it('no printer: nothing after a sale, the dialog on Print', async () => {
    const { d, calls } = deps(ok({ via: 'dialog' }));
    expect(await printRecorded(d, options)).toEqual({ ok: true, printed: false });
    expect(await printRecorded(d, { ...options, auto: false })).toEqual({
      ok: true,
      printed: true,
    });
    expect(calls).toEqual(['till:S1-R1-000001:true', 'till:S1-R1-000001:true', 'dialog']);
  });

  it('a printer that is off: the cashier reads why', async () => {
    const { d } = deps(err(ErrorKind.unavailable, PrinterMessages.notAnswering));
    expect(await printRecorded(d, options)).toEqual({
      ok: false,
      message: 'Printer not answering — sale saved; reprint from the receipt',
    });
  });
});
