/**
 * The shift: open it with the float, move cash in/out, read the X report (figures so far),
 * close it with the counted drawer and print the Z report.
 */
import { useEffect, useState } from 'react';
import type { ZReport } from '../../../contract/mutations';
import { formatMoney, parseAmount } from '../../shell/amounts';
import { printReceipt } from '../../shell/backend';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import { overShort } from '../receipts/money-words';
import { ErrorKind } from '../../../contract/errors';
import type { ShiftFigures, ShiftSummary } from '../../../contract/till-api';

type View = 'summary' | 'cash' | 'close';

export function ReportTable({
  figures,
  currency,
  blind = false,
}: {
  figures: ShiftFigures | ZReport;
  currency: string;
  /** Blind close (store setting): the drawer's cash figures stay hidden until it is counted. */
  blind?: boolean;
}) {
  const m = (c: number) => formatMoney(c, currency);
  const rows: Array<[string, string, string]> = [
    ['Sales', String(figures.salesCount), 'sales-count'],
    ['Returns', String(figures.returnsCount), 'returns-count'],
    ['Voids', String(figures.voidsCount), 'voids-count'],
    // The lines foot (issue 13, item 7): gross − discounts + tax on sales − refunds = net, the
    // refunded tax counted once (inside the refunds); the tax owed is what is left of it.
    ['Gross sales', m(figures.grossSalesCents), 'gross'],
    ['− Discounts', m(figures.discountsCents), 'discounts'],
    ['+ Tax on sales', m(figures.taxOnSalesCents), 'tax-on-sales'],
    ['− Returns (refunded, tax included)', m(figures.returnsCents), 'returns'],
    ['= Net (sales − refunds)', m(figures.netCents), 'net'],
    [`Tax owed (on sales − ${m(figures.returnsTaxCents)} refunded)`, m(figures.taxCents), 'tax'],
    ['Cash', m(figures.cashCents), 'cash'],
    ['Card', m(figures.cardCents), 'card'],
    ['Opening float', m(figures.openingFloatCents), 'float'],
    ['Cash in', m(figures.cashInCents), 'cash-in'],
    ['Cash out', m(figures.cashOutCents), 'cash-out'],
    ['Expected in drawer', m(figures.expectedCashCents), 'expected'],
  ];
  const hidden = new Set(blind ? ['cash', 'expected'] : []);
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

function ZReportView({
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

export function ShiftPanel(props: {
  shift: ShiftSummary | null;
  onChanged: () => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const staff = useStaff();
  const store = useStore();
  const { notify } = useNotice();
  const [view, setView] = useState<View>('summary');
  const [figures, setFigures] = useState<ShiftFigures | null>(null);
  const [amount, setAmount] = useState('');
  const [kind, setKind] = useState<'in' | 'out'>('in');
  const [reason, setReason] = useState('');
  const [pin, setPin] = useState('');
  const approver = useApprover();
  const [zReport, setZReport] = useState<ZReport | null>(null);
  const [busy, setBusy] = useState(false);
  // A cash-out the till says needs a manager (above the store's limit or the expected drawer).
  const [cashNeedsManager, setCashNeedsManager] = useState<string | null>(null);
  const blind = store.blindClose;

  useEffect(() => {
    if (!props.shift) return;
    void call(api.xReport()).then((r) => r.ok && setFigures(r.data));
  }, [api, call, props.shift]);

  const money = (): number | null => {
    const parsed = parseAmount(amount);
    if (!parsed.ok) {
      notify('error', parsed.message);
      return null;
    }
    return parsed.cents;
  };

  if (zReport) {
    return (
      <ZReportView
        report={zReport}
        currency={store.currency}
        storeName={store.storeName}
        onClose={props.onClose}
      />
    );
  }

  if (!props.shift) {
    return (
      <Modal title="Open the shift" onClose={props.onClose} testId="shift-open">
        <p>No shift is open on register {store.registerId}. Count the float in the drawer.</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const cents = money();
            if (cents === null || busy) return;
            setBusy(true);
            void call(api.openShift({ openingFloatCents: cents })).then((r) => {
              setBusy(false);
              if (r.ok) {
                notify(
                  'success',
                  `Shift opened with a float of ${formatMoney(cents, store.currency)}`,
                );
                props.onChanged();
                props.onClose();
              }
            });
          }}
        >
          <TextField
            label="Opening float"
            name="float"
            inputMode="decimal"
            maxLength={12}
            autoFocusField
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="float-input"
          />
          <button type="submit" className="primary" disabled={busy}>
            Open shift (Enter)
          </button>
        </form>
      </Modal>
    );
  }

  return (
    <Modal
      title="Shift"
      onClose={props.onClose}
      wide
      testId="shift-panel"
      actions={[
        { key: 'F5', label: 'X report', run: () => setView('summary') },
        { key: 'F6', label: 'Cash in/out', run: () => setView('cash') },
        { key: 'F7', label: 'Close shift', run: () => setView('close') },
        ...(view === 'cash'
          ? [
              { key: 'Alt+I', label: 'Cash in', run: () => setKind('in') },
              { key: 'Alt+O', label: 'Cash out', run: () => setKind('out') },
            ]
          : []),
      ]}
    >
      <p>
        Open since {new Date(props.shift.openedAt).toLocaleString('en-US')} · F5 X report · F6 cash
        in/out · F7 close
      </p>
      {view === 'summary' ? (
        figures ? (
          <div className="print-area">
            <h3>X report (so far)</h3>
            <ReportTable figures={figures} currency={store.currency} blind={blind} />
            {blind ? (
              <p className="muted">
                Blind close: the drawer is counted before its expected amount is shown.
              </p>
            ) : null}
          </div>
        ) : (
          <p>Loading…</p>
        )
      ) : null}
      {view === 'cash' ? (
        <form
          key="cash"
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            const cents = money();
            if (cents === null) return;
            void call(
              api.moveCash({
                kind,
                amountCents: cents,
                reason,
                managerPin: pin || undefined,
                ...(pin ? approver.input : {}),
              }),
            ).then((r) => {
              setPin('');
              if (!r.ok && r.error.kind === ErrorKind.approvalRequired)
                setCashNeedsManager(r.error.message);
              if (r.ok) {
                setCashNeedsManager(null);
                notify(
                  'success',
                  `Cash ${kind === 'in' ? 'in' : 'out'} ${formatMoney(cents, store.currency)} recorded`,
                );
                setAmount('');
                setReason('');
                setView('summary');
                void call(api.xReport()).then((x) => x.ok && setFigures(x.data));
              }
            });
          }}
        >
          <fieldset className="radio-row" data-testid="cash-direction" data-kind={kind}>
            <legend>Direction (Alt+I in · Alt+O out)</legend>
            <label>
              <input
                type="radio"
                name="kind"
                checked={kind === 'in'}
                onChange={() => setKind('in')}
              />{' '}
              Cash in
            </label>
            <label>
              <input
                type="radio"
                name="kind"
                checked={kind === 'out'}
                onChange={() => setKind('out')}
              />{' '}
              Cash out
            </label>
          </fieldset>
          <TextField
            label="Amount"
            name="amount"
            inputMode="decimal"
            maxLength={12}
            autoFocus
            autoFocusField
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
          <TextField
            label="Reason"
            name="reason"
            maxLength={200}
            autoComplete="off"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <p className="money-headline" data-testid="cash-headline">
            {kind === 'in'
              ? 'Cash in: put the money into the drawer'
              : 'Cash out: take the money out of the drawer'}
          </p>
          {cashNeedsManager && staff.role !== 'manager' ? (
            <>
              <p className="error-text">{cashNeedsManager}</p>
              {approver.field}
              <TextField
                label="Manager PIN"
                name="managerPin"
                type="password"
                inputMode="numeric"
                maxLength={8}
                autoComplete="off"
                autoFocus
                value={pin}
                onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                data-testid="cash-manager-pin"
              />
            </>
          ) : null}
          <button type="submit" className="primary">
            Record (Enter)
          </button>
        </form>
      ) : null}
      {view === 'close' ? (
        <form
          key="close"
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            const cents = money();
            if (cents === null || busy) return;
            setBusy(true);
            void call(
              api.closeShift({
                countedCashCents: cents,
                managerPin: pin || undefined,
                ...(pin ? approver.input : {}),
              }),
            ).then((r) => {
              setBusy(false);
              setPin('');
              if (r.ok) {
                setZReport(r.data);
                props.onChanged();
              }
            });
          }}
        >
          {blind ? (
            <p data-testid="blind-close">
              Count the drawer and type what is in it. The expected amount shows on the Z report,
              after the count.
            </p>
          ) : (
            <p>
              Count the drawer and type what is in it. Expected:{' '}
              {figures ? formatMoney(figures.expectedCashCents, store.currency) : '…'}
            </p>
          )}
          <TextField
            label="Counted cash"
            name="counted"
            inputMode="decimal"
            maxLength={12}
            autoFocus
            autoFocusField
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            data-testid="counted-input"
          />
          {staff.role !== 'manager' ? approver.field : null}
          {staff.role !== 'manager' ? (
            <TextField
              label="Manager PIN"
              name="managerPin"
              type="password"
              inputMode="numeric"
              maxLength={8}
              autoComplete="off"
              value={pin}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            />
          ) : null}
          <button type="submit" className="danger" disabled={busy} data-testid="close-shift">
            Close shift and print Z (Enter)
          </button>
        </form>
      ) : null}
    </Modal>
  );
}
