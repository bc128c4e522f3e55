/**
 * A receipt as ESC/POS bytes, laid out for the roll's width by @point-of-sale/receipt-printer-
 * encoder (text, bold, alignment, the Code 128 barcode, the cut and the drawer pulse are its
 * commands; this module decides only what goes on the paper and in which order).
 *
 * Pure: the same receipt gives the same bytes, so a reprint is the first print again.
 */
import { pointsLabel } from '../../core/loyalty';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { Receipt, ReceiptPayment } from '../../contract/till-api/receipts';
import { columnsFor, type PaperWidth } from '../../contract/printer';
import { formatCurrency } from '../../core/money';
import { storedValueTenderName } from '../../core/stored-value';

/** Everything printed besides the recorded receipt: who sold, to whom, where, on what terms. */
export interface PrintableReceipt {
  receipt: Receipt;
  store: { name: string; address: string | null; phone: string | null };
  cashierName: string | null;
  customerName: string | null;
  currency: string;
  locale?: string | undefined;
  returnPolicy: string;
}

export interface EncodeOptions {
  paperWidth: PaperWidth;
  /** Pulse the drawer after the cut (a cash sale or refund). */
  openDrawer: boolean;
}

// Printers' code pages have no narrow or non-breaking spaces (Intl puts them in some locales).
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

/** `left` and `right` on one line of `columns`; a left side too long keeps its own line. */
export function twoColumns(left: string, right: string, columns: number): string[] {
  const room = columns - right.length - 1;
  if (left.length <= room) return [left + ' '.repeat(columns - left.length - right.length) + right];
  return [left.slice(0, columns), ' '.repeat(Math.max(0, columns - right.length)) + right];
}

function tenderName(p: ReceiptPayment): string {
  if (p.tenderType === 'card') return p.cardLast4 ? `Card ••${p.cardLast4}` : 'Card';
  if (p.tenderType === 'stored_value')
    return storedValueTenderName(p.cardKind ?? null, p.cardLast4);
  return 'Cash';
}

const percent = (ppm: number): string => `${(ppm / 10_000).toFixed(ppm % 10_000 === 0 ? 0 : 2)}%`;

function encoder(columns: number): ReceiptPrinterEncoder {
  return new ReceiptPrinterEncoder({ language: 'esc-pos', columns, feedBeforeCut: 4 });
}

export function encodeReceipt(doc: PrintableReceipt, options: EncodeOptions): Uint8Array {
  const columns = columnsFor(options.paperWidth);
  const { receipt } = doc;
  const money = (cents: number): string =>
    plain(formatCurrency(cents, doc.currency, doc.locale ?? 'en-US'));
  const rows = (left: string, right: string): void => {
    for (const l of twoColumns(plain(left), right, columns)) e.line(l);
  };
  const rule = (): void => void e.line('-'.repeat(columns));
  const when = new Date(receipt.occurredAt);

  const e = encoder(columns).initialize();
  e.align('center').bold(true).line(plain(doc.store.name)).bold(false);
  if (doc.store.address) e.line(plain(doc.store.address));
  if (doc.store.phone) e.line(`Tel ${plain(doc.store.phone)}`);
  e.newline().align('left');
  rows(
    `Receipt ${receipt.receiptNumber}`,
    receipt.transactionType === 'sale' ? '' : receipt.transactionType,
  );
  e.line(`${when.toLocaleDateString('en-US')} ${when.toLocaleTimeString('en-US')}`);
  e.line(`Register ${receipt.registerId}`);
  if (doc.cashierName) e.line(plain(`Cashier: ${doc.cashierName}`));
  if (doc.customerName) e.line(plain(`Customer: ${doc.customerName}`));
  if (receipt.status === 'voided')
    e.bold(true)
      .line(plain(`VOIDED: ${receipt.voidReason ?? ''}`))
      .bold(false);
  rule();
  for (const l of receipt.lines) {
    rows(l.productName, money(l.totalCents));
    const detail = [`  ${l.quantity} x ${money(l.unitPriceCents)}`];
    if (l.discountCents !== 0) detail.push(`- ${money(Math.abs(l.discountCents))}`);
    if (l.returnReason) detail.push(`returned: ${l.returnReason}`);
    e.line(plain(detail.join(' ')).slice(0, columns));
    const o = l.priceOverride;
    if (o) {
      const was = o.catalogPriceCents > 0 ? `, was ${money(o.catalogPriceCents)}` : '';
      e.line(plain(`  Price set by hand (${o.reason})${was}`).slice(0, columns));
    }
  }
  rule();
  rows('Subtotal', money(receipt.subtotalCents));
  if (receipt.discountCents !== 0) rows('Discounts', `-${money(Math.abs(receipt.discountCents))}`);
  rows(receipt.taxIncluded ? 'Tax included' : 'Tax', money(receipt.taxCents));
  e.bold(true);
  rows('TOTAL', money(receipt.totalCents));
  e.bold(false);
  for (const p of receipt.payments) rows(tenderName(p), money(p.amountCents));
  const change = receipt.payments.reduce((a, p) => a + (p.changeCents ?? 0), 0);
  if (change > 0) rows('Change', money(change));
  if (receipt.loyaltyPointsEarned !== null && receipt.loyaltyPointsEarned !== 0) {
    rows(pointsLabel(receipt.loyaltyPointsEarned), String(Math.abs(receipt.loyaltyPointsEarned)));
  }
  if (receipt.taxBreakdown.length > 0 || receipt.taxExemptReference) {
    rule();
    for (const t of receipt.taxBreakdown)
      rows(`${t.name} ${percent(t.ratePpm)} on ${money(t.taxableCents)}`, money(t.taxCents));
    if (receipt.taxExemptReference) e.line(plain(`Tax exempt: ${receipt.taxExemptReference}`));
  }
  if (doc.returnPolicy) {
    rule();
    e.align('center').line(plain(doc.returnPolicy)).align('left');
  }
  e.newline()
    .align('center')
    .barcode(receipt.receiptNumber, 'code128', { height: 60, width: 2, text: 'below' })
    .newline()
    .line('Thank you!')
    .align('left')
    .cut();
  if (options.openDrawer) pulse(e);
  return e.encode();
}

// Drawer pin 2 (ESC p 0), 100 ms on / 500 ms off (the encoder sends them in 2 ms units).
const pulse = (e: ReceiptPrinterEncoder): ReceiptPrinterEncoder => e.pulse(0, 100, 500);

/** The drawer kick alone (a no-sale open, or a cash tender when the receipt is not printed). */
export function encodeDrawerKick(): Uint8Array {
  return pulse(encoder(48).initialize()).encode();
}
