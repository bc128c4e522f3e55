/**
 * The receipt's byte stream against a printer on a local TCP port (test/escpos/listener.ts),
 * decoded back to lines, bold, alignment, barcode, cut and pulse (test/escpos/decoder.ts); and
 * the printer that is off, silent, out of paper or open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterMessages } from '../../contract/printer';
import { decodeEscPos } from '../../test/escpos/decoder';
import { sampleReceipt } from '../../test/escpos/fixtures';
import { closedPort, startTestPrinter, type TestPrinter } from '../../test/escpos/listener';
import { PrinterError, PrinterFault, sendToNetworkPrinter } from './printer-network';
import { encodeDrawerKick, encodeReceipt } from '../printer/receipt-escpos';

let printer: TestPrinter | undefined;
afterEach(async () => {
  await printer?.close();
  printer = undefined;
});

async function printed(bytes: Uint8Array, state: TestPrinter['state'] = 'ready') {
  printer = await startTestPrinter(state);
  const job = printer.nextJob();
  await sendToNetworkPrinter({ host: '127.0.0.1', port: printer.port }, bytes);
  return decodeEscPos(await job);
}

describe('a receipt over raw TCP', () => {
  it('prints store, cashier, customer, lines, tax by rate, policy and the receipt barcode', async () => {
    const out = await printed(
      encodeReceipt(sampleReceipt(), { paperWidth: 80, openDrawer: false }),
    );
    expect(out.statusRequests).toEqual([2, 4]); // asked before the job
    const text = out.lines.map((l) => l.trim());
    expect(text).toContain('Corner Store');
    expect(text).toContain('12 Market Street, Springfield');
    expect(text).toContain('Tel 555-0100');
    expect(text).toContain('Cashier: Alex Cashier');
    expect(text).toContain('Customer: Jo Customer');
    expect(text).toContain('Returns within 30 days with this receipt.');
    expect(out.lines).toContain(`${'Coffee mug'.padEnd(48 - '$10.00'.length)}$10.00`);
    expect(out.lines).toContain(`${'State tax 6% on $15.00'.padEnd(48 - 5)}$0.90`);
    expect(out.lines).toContain(`${'City tax 2% on $15.00'.padEnd(48 - 5)}$0.30`);
    expect(out.lines).toContain(`${'Change'.padEnd(48 - 5)}$3.80`);
    expect(out.lines).toContain(`${'Points earned'.padEnd(48 - 2)}15`);
    expect(out.barcodes).toEqual(['S1-R1-000042']);
    expect(out.cuts).toBe(1);
    expect(out.pulses).toEqual([]);
    // Every printed line fits the 80 mm roll.
    for (const l of out.lines.filter((x) => !x.startsWith('[barcode')))
      expect(l.length).toBeLessThanOrEqual(48);

    const blocks = out.blocks.filter((b) => b.kind === 'line' || b.kind === 'barcode');
    const store = blocks.find(
      (b) => b.kind === 'line' && b.segments.some((s) => s.text.includes('Corner Store')),
    );
    expect(
      store?.kind === 'line' && store.segments.find((s) => s.text.includes('Corner'))?.bold,
    ).toBe(true);
    const total = blocks.find(
      (b) => b.kind === 'line' && b.segments.some((s) => s.text.startsWith('TOTAL')),
    );
    expect(total?.kind === 'line' && total.segments.every((s) => s.bold)).toBe(true);
    const barcode = blocks.find((b) => b.kind === 'barcode');
    expect(barcode?.kind === 'barcode' && barcode.symbology).toBe('code128');
  });

  it('a line priced by hand prints why under it', async () => {
    const doc = sampleReceipt();
    const [mug] = doc.receipt.lines;
    if (!mug) throw new Error('the sample receipt has no lines');
    mug.priceOverride = { catalogPriceCents: 1200, reason: 'Price match' };
    const out = await printed(encodeReceipt(doc, { paperWidth: 80, openDrawer: false }));
    const at = out.lines.findIndex((l) => l.startsWith('Coffee mug'));
    expect(out.lines.slice(at, at + 3).map((l) => l.trim())).toContain(
      'Price set by hand (Price match), was $12.00',
    );
  });

  it('a 58 mm roll gets 32 columns', async () => {
    const out = await printed(
      encodeReceipt(sampleReceipt(), { paperWidth: 58, openDrawer: false }),
    );
    expect(out.lines).toContain(`${'Coffee mug'.padEnd(32 - 6)}$10.00`);
    for (const l of out.lines.filter((x) => !x.startsWith('[barcode')))
      expect(l.length).toBeLessThanOrEqual(32);
  });

  it('a cash sale pulses the drawer after the cut', async () => {
    const out = await printed(encodeReceipt(sampleReceipt(), { paperWidth: 80, openDrawer: true }));
    expect(out.pulses).toEqual([{ pin: 0, onMs: 100, offMs: 500 }]);
    const kinds = out.blocks.map((b) => b.kind);
    expect(kinds.lastIndexOf('pulse')).toBeGreaterThan(kinds.indexOf('cut'));
  });

  it('a drawer kick alone prints nothing and cuts nothing', async () => {
    const out = await printed(encodeDrawerKick());
    expect(out.pulses).toHaveLength(1);
    expect(out.cuts).toBe(0);
    expect(out.lines.join('').trim()).toBe('');
  });
});

describe('a printer that cannot print', () => {
  const job = (): Uint8Array =>
    encodeReceipt(sampleReceipt(), { paperWidth: 80, openDrawer: true });

  it('off (nothing listens): not answering', async () => {
    const port = await closedPort();
    const error = await sendToNetworkPrinter({ host: '127.0.0.1', port }, job()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PrinterError);
    expect((error as PrinterError).fault).toBe(PrinterFault.notAnswering);
    expect((error as PrinterError).message).toBe(PrinterMessages.notAnswering);
  });

  it('connected but silent: not answering after the timeout, and the job is not sent', async () => {
    printer = await startTestPrinter('silent');
    const received = printer.nextJob();
    const error = await sendToNetworkPrinter(
      { host: '127.0.0.1', port: printer.port, timeoutMs: 200 },
      job(),
    ).catch((e: unknown) => e);
    expect((error as PrinterError).fault).toBe(PrinterFault.notAnswering);
    const out = decodeEscPos(await received);
    expect(out.statusRequests).toEqual([2, 4]);
    expect(out.lines).toEqual([]);
    expect(out.pulses).toEqual([]);
  });

  it('out of paper (DLE EOT): says so and sends nothing, not even the drawer kick', async () => {
    printer = await startTestPrinter('paper-out');
    const received = printer.nextJob();
    const error = await sendToNetworkPrinter(
      { host: '127.0.0.1', port: printer.port },
      job(),
    ).catch((e: unknown) => e);
    expect((error as PrinterError).fault).toBe(PrinterFault.paperOut);
    expect((error as PrinterError).message).toBe(PrinterMessages.paperOut);
    const out = decodeEscPos(await received);
    expect(out.lines).toEqual([]);
    expect(out.pulses).toEqual([]);
  });

  it('cover open: says so', async () => {
    printer = await startTestPrinter('cover-open');
    const error = await sendToNetworkPrinter(
      { host: '127.0.0.1', port: printer.port },
      job(),
    ).catch((e: unknown) => e);
    expect((error as PrinterError).fault).toBe(PrinterFault.coverOpen);
  });
});
