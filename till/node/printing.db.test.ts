/**
 * Printing through the till API on a real till: a manager sets up a network printer (a local
 * TCP listener that answers DLE EOT like a port-9100 printer), a cash sale prints and kicks the
 * drawer, a no-sale opens the drawer, and a printer that is off or out of paper gets the
 * cashier's words while the sale stays recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrinterMessages } from '../../contract/printer';
import { decodeEscPos } from '../../test/escpos/decoder';
import { closedPort, startTestPrinter, type TestPrinter } from '../../test/escpos/listener';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor, hostFor, lineOf } from '../../test/fixtures/till-host';
import { sendToNetworkPrinter } from './printer-network';
import type { TillApi } from '../api/handlers';

let t: TestTill;
let api: TillApi;
let printer: TestPrinter;

beforeAll(async () => {
  t = await openTestTill();
  printer = await startTestPrinter();
  api = apiFor(t, hostFor(t, { rawPrinter: sendToNetworkPrinter }));
  const login = await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin });
  if (!login.ok) throw new Error(login.error.message);
  const shift = await api.openShift({ openingFloatCents: 10_000 });
  if (!shift.ok) throw new Error(shift.error.message);
});

afterAll(async () => {
  await printer.close();
  await t.close();
});

const network = (port: number) => ({
  printer: { kind: 'network' as const, host: '127.0.0.1', port, paperWidth: 80 as const },
  returnPolicy: 'Returns within 14 days.',
  managerPin: t.manager.pin,
});

async function cashSale(): Promise<string> {
  const sale = await api.commitSale({
    transactionId: t.till.ids(),
    cart: { lines: [lineOf(t, 0, 2)] },
    tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
  });
  if (!sale.ok) throw new Error(sale.error.message);
  return sale.data.receipt.receiptNumber;
}

describe('printer settings', () => {
  it('start with no printer; a cashier alone cannot change them; bad input is refused in words', async () => {
    const initial = await api.printSettings();
    expect(initial.ok && initial.data).toMatchObject({
      printer: { kind: 'none' },
      networkPrinting: true,
    });
    const { managerPin: _pin, ...byCashier } = network(printer.port);
    expect(await api.savePrintSettings(byCashier)).toMatchObject({
      ok: false,
      error: { kind: 'approval_required' },
    });
    const badPort = await api.savePrintSettings({
      ...network(printer.port),
      printer: { kind: 'network', host: '127.0.0.1', port: 70_000, paperWidth: 80 },
    });
    expect(badPort).toEqual({
      ok: false,
      error: { kind: 'validation', message: 'The port is between 1 and 65535' },
    });
    const badHost = await api.savePrintSettings({
      ...network(printer.port),
      printer: { kind: 'network', host: 'http://printer/', port: 9100, paperWidth: 80 },
    });
    expect(!badHost.ok && badHost.error.message).toBe(
      'Enter the printer’s address without http:// or a port',
    );
  });
});

describe('printing a sale', () => {
  it('a cash sale prints with the cashier, the barcode and the policy, and kicks the drawer', async () => {
    expect((await api.savePrintSettings(network(printer.port))).ok).toBe(true);
    const receiptNumber = await cashSale();
    const job = printer.nextJob();
    const printed = await api.printReceipt({ receiptNumber, openDrawer: true });
    expect(printed).toEqual({ ok: true, data: { via: 'network', drawerOpened: true } });
    const out = decodeEscPos(await job);
    const { rows } = await t.store.db.query<{ display_name: string; store_name: string }>(
      `SELECT display_name, (SELECT store_name FROM retail.stores) AS store_name
         FROM retail.staff WHERE staff_id = $1`,
      [t.cashier.staffId],
    );
    const text = out.lines.map((l) => l.trim());
    expect(text).toContain(rows[0]?.store_name);
    expect(text).toContain(`Cashier: ${rows[0]?.display_name ?? ''}`);
    expect(text).toContain('Returns within 14 days.');
    expect(out.barcodes).toEqual([receiptNumber]);
    expect(out.pulses).toHaveLength(1);
    expect(out.cuts).toBe(1);
  });

  it('the store address and phone HQ sent with the store row head the receipt', async () => {
    // As the sync client applies a store row (db/synced/registry.ts carries both columns).
    await t.store.db.query(
      `UPDATE retail.stores SET store_address = '1200 Pine Street, Seattle', store_phone = '(206) 555-0142'`,
    );
    const receiptNumber = await cashSale();
    const job = printer.nextJob();
    expect((await api.printReceipt({ receiptNumber })).ok).toBe(true);
    const text = decodeEscPos(await job).lines.map((l) => l.trim());
    expect(text.slice(1, 3)).toEqual(['1200 Pine Street, Seattle', 'Tel (206) 555-0142']);
  });

  it('a no-sale is recorded, then opens the drawer and prints nothing', async () => {
    const job = printer.nextJob();
    const noSale = await api.noSale({ reason: 'Change for the bus' });
    expect(noSale.ok && noSale.data).toMatchObject({ drawer: 'opened', message: null });
    const out = decodeEscPos(await job);
    expect(out.pulses).toHaveLength(1);
    expect(out.lines.join('').trim()).toBe('');
  });

  it('a printer that is off: the cashier is told, the sale stays recorded and reprints later', async () => {
    expect((await api.savePrintSettings(network(await closedPort()))).ok).toBe(true);
    const receiptNumber = await cashSale();
    const before = await api.syncStatus();
    expect(await api.printReceipt({ receiptNumber, openDrawer: true })).toEqual({
      ok: false,
      error: { kind: 'unavailable', message: PrinterMessages.notAnswering },
    });
    const kept = await api.receipt({ receiptNumber });
    expect(kept.ok && kept.data.status).toBe('completed');
    expect(await api.syncStatus()).toEqual(before);
    // A no-sale while the printer is off is recorded; the drawer stays shut, and it says why.
    const noSale = await api.noSale({ reason: 'Change for the bus' });
    expect(noSale.ok && noSale.data).toMatchObject({
      drawer: 'failed',
      message: PrinterMessages.notAnswering,
    });
    // Back on: the reprint from the receipt prints it.
    expect((await api.savePrintSettings(network(printer.port))).ok).toBe(true);
    const job = printer.nextJob();
    expect((await api.printReceipt({ receiptNumber })).ok).toBe(true);
    expect(decodeEscPos(await job).barcodes).toEqual([receiptNumber]);
  });

  it('out of paper: the cashier is told, nothing is printed', async () => {
    printer.state = 'paper-out';
    const receiptNumber = await cashSale();
    expect(await api.printReceipt({ receiptNumber, openDrawer: true })).toEqual({
      ok: false,
      error: { kind: 'unavailable', message: PrinterMessages.paperOut },
    });
    printer.state = 'ready';
  });

  it('a system printer is printed to by the window; no printer means the print dialog', async () => {
    const receiptNumber = await cashSale();
    expect(
      (
        await api.savePrintSettings({
          printer: { kind: 'system', deviceName: 'EPSON TM-T88' },
          managerPin: t.manager.pin,
        })
      ).ok,
    ).toBe(true);
    expect(await api.printReceipt({ receiptNumber })).toEqual({
      ok: true,
      data: { via: 'system', deviceName: 'EPSON TM-T88' },
    });
    expect(await api.openDrawer({ reason: 'cash_tender' })).toEqual({
      ok: false,
      error: { kind: 'invalid_state', message: PrinterMessages.noDrawer },
    });
    // A no-sale without a drawer is still recorded: the cashier opens it with its key.
    const noSale = await api.noSale({ reason: 'Change for the bus' });
    expect(noSale.ok && noSale.data).toMatchObject({ drawer: 'no_drawer' });
    await api.savePrintSettings({ printer: { kind: 'none' }, managerPin: t.manager.pin });
    expect(await api.printReceipt({ receiptNumber })).toEqual({
      ok: true,
      data: { via: 'dialog' },
    });
  });
});
