/**
 * Closing the shift: the counted drawer (a cashier's close needs a manager's PIN), then the Z
 * report. With the store's blind close the expected amount is not shown before the count.
 */
import { useState } from 'react';
import type { ZReport } from '../../../contract/mutations';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useStaff, useStore } from '../../shell/context';
import { TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import type { XReport } from '../../../contract/till-api/shift';
import { useAmountField } from './use-amount';

export function CloseShiftForm(props: {
  figures: XReport | null;
  onClosed: (report: ZReport) => void;
}) {
  const api = useApi();
  const call = useCall();
  const staff = useStaff();
  const store = useStore();
  const amount = useAmountField();
  const [pin, setPin] = useState('');
  const approver = useApprover();
  const [busy, setBusy] = useState(false);
  const { figures } = props;
  return (
    <form
      key="close"
      className="form-grid"
      onSubmit={(e) => {
        e.preventDefault();
        const cents = amount.cents();
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
          if (r.ok) props.onClosed(r.data);
        });
      }}
    >
      {store.blindClose || figures?.blind === true ? (
        <p data-testid="blind-close">
          Count the drawer and type what is in it. The expected amount shows on the Z report, after
          the count.
        </p>
      ) : (
        <p>
          Count the drawer and type what is in it. Expected:{' '}
          {figures?.expectedCashCents != null
            ? formatMoney(figures.expectedCashCents, store.currency)
            : '…'}
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
        value={amount.text}
        onChange={(e) => amount.setText(e.target.value)}
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
  );
}
