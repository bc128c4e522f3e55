/** Void a transaction of this shift, with a reason (and a manager PIN when a cashier asks). */
import { useState } from 'react';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import type { Receipt } from '../../../contract/till-api/receipts';

/** Common reasons, one key each (a reason can also be typed). */
const REASONS = [
  'Customer changed mind at the till',
  'Rung up by mistake',
  'Payment problem',
  'Test transaction',
];

export function VoidPanel(props: {
  defaultReceipt: string;
  onVoided: (receipt: Receipt) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const staff = useStaff();
  const { notify } = useNotice();
  const [receiptNumber, setReceiptNumber] = useState(props.defaultReceipt);
  const [reason, setReason] = useState('');
  const [pin, setPin] = useState('');
  const approver = useApprover();
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    if (reason.trim() === '') {
      notify('error', 'Give a reason for the void');
      return;
    }
    setBusy(true);
    const result = await call(
      api.voidSale({
        receiptNumber: receiptNumber.trim(),
        reason: reason.trim(),
        managerPin: pin || undefined,
        ...(pin ? approver.input : {}),
      }),
    );
    setBusy(false);
    setPin('');
    if (result.ok) {
      notify('success', `Receipt ${result.data.receiptNumber} was voided`);
      props.onVoided(result.data);
    }
  };

  return (
    <Modal
      title="Void a transaction"
      onClose={props.onClose}
      testId="void-panel"
      actions={REASONS.map((r, i) => ({
        key: `Alt+${i + 1}`,
        label: r,
        show: false,
        run: () => setReason(r),
      }))}
      onScan={(code) => setReceiptNumber(code)}
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField
          label="Receipt number"
          name="receiptNumber"
          maxLength={80}
          autoFocusField
          autoComplete="off"
          value={receiptNumber}
          onChange={(e) => setReceiptNumber(e.target.value)}
        />
        <TextField
          label="Reason"
          name="reason"
          maxLength={200}
          autoComplete="off"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          hint={`Alt+1…${REASONS.length}: ${REASONS.map((r, i) => `${i + 1} ${r}`).join(' · ')}`}
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
        <button type="submit" className="danger" disabled={busy}>
          Void (Enter)
        </button>
      </form>
    </Modal>
  );
}
