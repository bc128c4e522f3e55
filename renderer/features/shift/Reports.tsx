/**
 * The shift's reports as the cashier reads them: the X/Z figures in footing order, and the Z
 * report shown (and printed) after a close.
 */
import type { ZReport } from '../../../contract/mutations';
import { formatMoney } from '../../shell/amounts';
import { printReceipt } from '../../shell/backend';
import { useNotice } from '../../shell/context';
import { Modal } from '../../shell/ui';
import { overShort } from '../receipts/money-words';
import type { XReport } from '../../../contract/till-api/shift';

export function ReportTable({
  figures,
  currency,
}: {
  figures: XReport | ZReport;
  currency: string;
}) {
  const m = (c: number | null) => (c === null ? '' : formatMoney(c, currency));
  const rows: Array<[string, string, string]> = [
    ['Sales', String(figures.salesCount), 'sales-count'],
    ['Returns', String(figures.returnsCount), 'returns-count'],
    ['Exchanges', String(figures.exchangesCount), 'exchanges-count'],
    ['Voids', String(figures.voidsCount), 'voids-count'],
    // The lines foot (issue 13, item 7): gross − discounts + tax on sales − refunds = net, the
    // refunded tax counted once (inside the refunds); the tax owed is what is left of it.
    ['Gross sales', m(figures.grossSalesCents), 'gross'],
    ['− Discounts', m(figures.discountsCents), 'discounts'],
    ['+ Tax on sales', m(figures.taxOnSalesCents), 'tax-on-sales'],
    ['− Returns (refunded, tax included)', m(figures.returnsCents), 'returns'],
    ['= Net (sales − refunds)', m(figures.netCents), 'net'],
    [`Tax owed (on sales − ${m(figures.returnsTaxCents)} refunded)`, m(figures.taxCents), 'tax'],
    // Prices set by hand (issue 18, item 2): how many lines, and what they took off the
    // catalog prices (a raised price counts as a negative cut).
    ['Price overrides (lines)', String(figures.overridesCount), 'overrides-count'],
    ['Taken off by price overrides', m(figures.overridesCents), 'overrides'],
    ['Cash', m(figures.cashCents), 'cash'],
    ['Card', m(figures.cardCents), 'card'],
    ['Gift cards', m(figures.giftCardCents), 'gift-cards'],
    ['Store credit', m(figures.storeCreditCents), 'store-credit'],
    ['Opening float', m(figures.openingFloatCents), 'float'],
    ['Cash in', m(figures.cashInCents), 'cash-in'],
    ['Cash out', m(figures.cashOutCents), 'cash-out'],
    // No-sale drawer opens (issue 13, item 5): counted, no money moved.
    ['No-sale drawer opens', String(figures.noSalesCount), 'no-sales-count'],
    ['Expected in drawer', m(figures.expectedCashCents), 'expected'],
  ];
  // Blind close (store setting): the till withholds the tender totals and the expected drawer
  // until the count (null in the X report); their rows are left out.
  const hidden = new Set('blind' in figures && figures.blind ? ['cash', 'card', 'expected'] : []);
  if ('countedCashCents' in figures) {
    rows.push(
      ['Counted', m(figures.countedCashCents), 'counted'],
      ['Over / short', overShort(figures.overShortCents, m).figure, 'over-short'],
    );
  }
  return (
    <table className="table report">
      <tbody>
        {rows
          .filter(([, , id]) => !hidden.has(id))
          .map(([label, value, id]) => (
            <tr key={id}>
              <th scope="row">{label}</th>
              <td className="num" data-testid={`report-${id}`}>
                {value}
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

export function ZReportView({
  report,
  currency,
  storeName,
  onClose,
}: {
  report: ZReport;
  currency: string;
  storeName: string;
  onClose: () => void;
}) {
  const { notify } = useNotice();
  return (
    <Modal
      title={`Z report #${report.zNumber}`}
      onClose={onClose}
      testId="z-report"
      actions={[
        {
          key: 'Ctrl+P',
          label: 'Print',
          run: () => void printReceipt().then((r) => !r.ok && notify('error', r.message)),
        },
      ]}
    >
      <div className="receipt-paper print-area">
        <p className="receipt-store">{storeName}</p>
        <p>
          Z report <strong data-testid="z-number">#{report.zNumber}</strong> · Register{' '}
          {report.registerId}
        </p>
        <p className="muted">
          {new Date(report.openedAt).toLocaleString('en-US')} –{' '}
          {new Date(report.closedAt).toLocaleString('en-US')}
        </p>
        <p className="money-headline" data-testid="z-over-short-headline">
          {overShort(report.overShortCents, (c) => formatMoney(c, currency)).sentence}
        </p>
        <ReportTable figures={report} currency={currency} />
      </div>
      <div className="button-row">
        <button type="button" className="primary" onClick={onClose} data-autofocus>
          Done (Esc)
        </button>
      </div>
    </Modal>
  );
}
