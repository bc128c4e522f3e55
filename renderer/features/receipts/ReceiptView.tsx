/** A receipt on screen, laid out as it prints (80 mm roll); print or save as PDF. */
import { pointsLabel } from '../../../core/loyalty';
import { useEffect, useRef } from 'react';
import { formatMoney } from '../../shell/amounts';
import { saveReceiptPdf } from '../../shell/backend';
import { useNotice, useSession } from '../../shell/context';
import { Modal } from '../../shell/ui';
import type { Receipt } from '../../../contract/till-api/receipts';
import { Barcode } from './Barcode';
import {
  changeGiven,
  moneyHeadline,
  paymentAmount,
  paymentLabel,
  type ReceiptMoment,
} from './money-words';
import { printDeps, printRecorded } from './print';

export function ReceiptPaper({
  receipt,
  currency,
  storeName,
}: {
  receipt: Receipt;
  currency: string;
  storeName: string;
}) {
  const when = new Date(receipt.occurredAt);
  // From the recorded payments, so a reprint keeps the Change line and the tenders add up.
  const change = changeGiven(receipt);
  return (
    <div className="receipt-paper print-area" data-testid="receipt">
      <p className="receipt-store">{storeName}</p>
      <p>
        Receipt <strong data-testid="receipt-number">{receipt.receiptNumber}</strong>
        {receipt.transactionType !== 'sale' ? ` (${receipt.transactionType})` : ''}
      </p>
      <p className="muted">
        {when.toLocaleDateString('en-US')} {when.toLocaleTimeString('en-US')} · Register{' '}
        {receipt.registerId}
      </p>
      {receipt.status === 'voided' ? (
        <p className="void-stamp">VOIDED: {receipt.voidReason}</p>
      ) : null}
      <table className="receipt-lines">
        <tbody>
          {receipt.lines.map((l) => (
            <tr key={l.itemId}>
              <td>
                {l.productName}
                <div className="muted">
                  {l.quantity} × {formatMoney(l.unitPriceCents)}
                  {l.discountCents !== 0 ? ` − ${formatMoney(Math.abs(l.discountCents))}` : ''}
                  {l.returnReason ? ` · returned: ${l.returnReason}` : ''}
                </div>
                {l.priceOverride ? (
                  <div className="muted" data-testid="receipt-override">
                    Price set by hand ({l.priceOverride.reason})
                    {l.priceOverride.catalogPriceCents > 0
                      ? `, was ${formatMoney(l.priceOverride.catalogPriceCents, currency)}`
                      : ''}
                  </div>
                ) : null}
                {l.promotions.map((p) => (
                  <div className="muted" key={p.promotionId} data-testid="receipt-promotion">
                    {p.name} −{formatMoney(p.cents, currency)}
                  </div>
                ))}
              </td>
              <td className="num">{formatMoney(l.totalCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="receipt-totals">
        <dt>Subtotal</dt>
        <dd>{formatMoney(receipt.subtotalCents, currency)}</dd>
        {receipt.discountCents !== 0 ? (
          <>
            <dt>Discounts</dt>
            <dd>−{formatMoney(Math.abs(receipt.discountCents), currency)}</dd>
          </>
        ) : null}
        {receipt.coupons.length > 0 ? (
          <>
            <dt>Coupons</dt>
            <dd data-testid="receipt-coupons">{receipt.coupons.join(', ')}</dd>
          </>
        ) : null}
        {/* Prices with the tax inside (VAT style): the tax is shown, not added. */}
        <dt data-testid="receipt-tax-label">{receipt.taxIncluded ? 'Tax included' : 'Tax'}</dt>
        <dd data-testid="receipt-tax">
          {receipt.taxExemptReference !== null ? (
            <span data-testid="receipt-tax-exempt">Tax exempt: {receipt.taxExemptReference}</span>
          ) : (
            formatMoney(receipt.taxCents, currency)
          )}
        </dd>
        <dt className="grand" data-testid="receipt-total-label">
          {receipt.taxIncluded ? 'Total incl. tax' : 'Total'}
        </dt>
        <dd className="grand" data-testid="receipt-total">
          {formatMoney(receipt.totalCents, currency)}
        </dd>
        {receipt.payments.map((p) => (
          <div key={p.paymentId} className="contents">
            <dt data-testid={`receipt-${p.tenderType}-label`}>
              {paymentLabel(p, receipt.sentToHq)}
            </dt>
            <dd data-testid={`receipt-${p.tenderType}`}>
              {formatMoney(paymentAmount(p), currency)}
            </dd>
          </div>
        ))}
        {change > 0 ? (
          <>
            <dt>Change</dt>
            <dd data-testid="receipt-change">{formatMoney(change, currency)}</dd>
          </>
        ) : null}
        {receipt.loyaltyPointsEarned !== null && receipt.loyaltyPointsEarned !== 0 ? (
          <>
            <dt>{pointsLabel(receipt.loyaltyPointsEarned)}</dt>
            <dd data-testid="receipt-points">{Math.abs(receipt.loyaltyPointsEarned)}</dd>
          </>
        ) : null}
      </dl>
      {/* Scanned back at the returns screen (F9) of any register of the store. */}
      <Barcode value={receipt.receiptNumber} testId="receipt-barcode" />
      <p className="receipt-foot">Thank you!</p>
    </div>
  );
}

export function ReceiptView(props: {
  receipt: Receipt;
  /** Just paid or refunded, just voided, or looked up again (no money moves). */
  moment: ReceiptMoment;
  title: string;
  onClose: () => void;
}) {
  const { receipt, moment, title, onClose } = props;
  const { info, platform, api } = useSession();
  const { notify } = useNotice();
  const currency = info.store?.currency ?? '';
  const headline = moneyHeadline(receipt, moment, (c) => formatMoney(c, currency));
  const print = async (): Promise<void> => {
    const result = await printRecorded(printDeps(api), {
      receiptNumber: receipt.receiptNumber,
      openDrawer: false,
      auto: false,
    });
    if (!result.ok) notify('error', result.message);
  };
  // Just paid or refunded: print on the till's printer and, when cash moved, open the drawer.
  // After the commit, never before: a printer that fails only says so, the sale is recorded.
  const printedFor = useRef<string | null>(null);
  useEffect(() => {
    if (moment !== 'completed' || printedFor.current === receipt.receiptNumber) return;
    printedFor.current = receipt.receiptNumber;
    void printRecorded(printDeps(api), {
      receiptNumber: receipt.receiptNumber,
      openDrawer: receipt.payments.some((p) => p.tenderType === 'cash'),
      auto: true,
    }).then((result) => {
      if (!result.ok) notify('error', result.message);
    });
  }, [api, moment, notify, receipt]);
  const pdf = async (): Promise<void> => {
    const result = await saveReceiptPdf(receipt.receiptNumber);
    if (result.ok) notify('success', `Saved ${result.path}`);
    else notify('error', result.message);
  };
  return (
    <Modal
      title={title}
      onClose={onClose}
      testId="receipt-view"
      actions={[
        { key: 'Enter', label: 'New sale', run: onClose },
        { key: 'Ctrl+P', label: 'Print', run: () => void print() },
        ...(platform === 'electron'
          ? [{ key: 'Ctrl+S', label: 'Save PDF', run: () => void pdf() }]
          : []),
      ]}
    >
      {/* The figures money changes hands by stay above the receipt, which scrolls on its own. */}
      {headline ? (
        <p className="change-due" data-testid="money-headline">
          {headline}
        </p>
      ) : null}
      <p className="receipt-view-total">
        Total{' '}
        <strong data-testid="receipt-view-total">
          {formatMoney(receipt.totalCents, currency)}
        </strong>
      </p>
      <div className="modal-scroll">
        <ReceiptPaper
          receipt={receipt}
          currency={currency}
          storeName={info.store?.storeName ?? ''}
        />
      </div>
      <div className="button-row">
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          New sale (Enter)
        </button>
        <button type="button" onClick={() => void print()}>
          Print (Ctrl+P)
        </button>
        {platform === 'electron' ? (
          <button type="button" onClick={() => void pdf()}>
            Save PDF (Ctrl+S)
          </button>
        ) : null}
      </div>
    </Modal>
  );
}
