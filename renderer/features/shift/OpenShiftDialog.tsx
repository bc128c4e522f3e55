/** Opening a shift: the float counted into the drawer. */
import { useState } from 'react';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStore } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import { useAmountField } from './use-amount';

export function OpenShiftDialog(props: { onChanged: () => void; onClose: () => void }) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const { notify } = useNotice();
  const amount = useAmountField();
  const [busy, setBusy] = useState(false);
  return (
    <Modal title="Open the shift" onClose={props.onClose} testId="shift-open">
      <p>No shift is open on register {store.registerId}. Count the float in the drawer.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const cents = amount.cents();
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
          value={amount.text}
          onChange={(e) => amount.setText(e.target.value)}
          data-testid="float-input"
        />
        <button type="submit" className="primary" disabled={busy}>
          Open shift (Enter)
        </button>
      </form>
    </Modal>
  );
}
