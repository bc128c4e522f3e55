/**
 * Cash in or out of the drawer, with a reason. The direction is reachable by keyboard (Alt+I /
 * Alt+O, bound by the shift panel); a cash-out the till says needs a manager (above the store's
 * limit or beyond the expected drawer) asks for the manager's PIN and is sent again.
 */
import { useState } from 'react';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import { TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import { ErrorKind } from '../../../contract/errors';
import { useAmountField } from './use-amount';

export function CashMoveForm(props: {
  kind: 'in' | 'out';
  onKind: (kind: 'in' | 'out') => void;
  onRecorded: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const staff = useStaff();
  const store = useStore();
  const { notify } = useNotice();
  const amount = useAmountField();
  const [reason, setReason] = useState('');
  const [pin, setPin] = useState('');
  const approver = useApprover();
  // A cash-out the till says needs a manager (above the store's limit or the expected drawer).
  const [cashNeedsManager, setCashNeedsManager] = useState<string | null>(null);
  const { kind } = props;
  return (
    <form
      key="cash"
      className="form-grid"
      onSubmit={(e) => {
        e.preventDefault();
        const cents = amount.cents();
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
            amount.setText('');
            setReason('');
            props.onRecorded();
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
            onChange={() => props.onKind('in')}
          />{' '}
          Cash in
        </label>
        <label>
          <input
            type="radio"
            name="kind"
            checked={kind === 'out'}
            onChange={() => props.onKind('out')}
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
        value={amount.text}
        onChange={(e) => amount.setText(e.target.value)}
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
  );
}
