/**
 * The bottom of the returns screen: the refund (or the amount the customer pays for an
 * exchange), who gives what to whom, how the refund goes back, and the F12 button. It stays at
 * the bottom of the window however long the receipt (docs/app.md, "Any screen size").
 */
import type { ReactNode } from 'react';
import { formatMoney } from '../../shell/amounts';
import { TextField } from '../../shell/ui';
import { refundHeadline } from '../receipts/money-words';
import type { ReturnQuote } from '../../../contract/till-api/returns';

export function ReturnSettle(props: {
  problems: string[];
  nothingPicked: boolean;
  quote: ReturnQuote | null;
  currency: string;
  refundBy: 'original' | 'cash';
  onRefundBy: (by: 'original' | 'cash') => void;
  tendered: string;
  onTendered: (text: string) => void;
  /** Manager approval fields, when exchange items carry a discount a cashier gave. */
  approval: ReactNode;
  busy: boolean;
  onSubmit: () => void;
}) {
  const { quote } = props;
  return (
    <div className="returns-settle">
      {props.problems.map((p) => (
        <p key={p} className="error-text">
          {p}
        </p>
      ))}
      {quote === null ? (
        <p className="muted">
          {props.nothingPicked
            ? 'Type the quantity coming back on each line.'
            : 'Working out the refund…'}
        </p>
      ) : quote.totalCents <= 0 ? (
        <>
          <p className="grand-total">
            <span>Refund</span>{' '}
            <strong data-testid="refund-total">
              {formatMoney(-quote.totalCents, props.currency)}
            </strong>
          </p>
          <p className="money-headline" data-testid="refund-headline">
            {refundHeadline(
              props.refundBy === 'original'
                ? quote.defaultTenders
                : [{ type: 'cash', tenderedCents: -quote.totalCents }],
              (c) => formatMoney(c, props.currency),
            )}
          </p>
          <fieldset className="radio-row">
            <legend>Refund to</legend>
            <label>
              <input
                type="radio"
                name="refundBy"
                checked={props.refundBy === 'original'}
                onChange={() => props.onRefundBy('original')}
              />{' '}
              As paid (
              {quote.defaultTenders
                .map((t) =>
                  t.type === 'cash'
                    ? `cash ${formatMoney(t.tenderedCents, props.currency)}`
                    : `card ${formatMoney(t.amountCents, props.currency)}`,
                )
                .join(' + ') || 'nothing'}
              )
            </label>
            <label>
              <input
                type="radio"
                name="refundBy"
                checked={props.refundBy === 'cash'}
                onChange={() => props.onRefundBy('cash')}
              />{' '}
              All cash
            </label>
          </fieldset>
        </>
      ) : (
        <>
          <p className="grand-total">
            <span>Customer pays</span>{' '}
            <strong>{formatMoney(quote.totalCents, props.currency)}</strong>
          </p>
          <p className="money-headline">
            Take {formatMoney(quote.totalCents, props.currency)} from the customer
          </p>
          <TextField
            label="Cash received"
            name="tendered"
            inputMode="decimal"
            maxLength={12}
            value={props.tendered}
            onChange={(e) => props.onTendered(e.target.value)}
          />
        </>
      )}
      {props.approval}
      <button
        type="button"
        className="primary"
        disabled={props.busy || quote === null}
        onClick={() => props.onSubmit()}
        data-testid="commit-return"
      >
        {quote && quote.totalCents > 0 ? 'Take payment' : 'Refund'} (F12)
      </button>
    </div>
  );
}
