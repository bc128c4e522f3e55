/**
 * No sale (Alt+S): open the cash drawer without a sale. The till records it first (who, when,
 * the shift, the reason, the approving manager when the store asks for one) and then kicks the
 * drawer; the cashier is told what the drawer did. Alt+1… pick the usual reasons.
 */
import { useState } from 'react';
import { ErrorKind } from '../../../contract/errors';
import type { NoSaleOutcome } from '../../../contract/till-api/shift';
import { useApprover } from '../../shell/approver';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';

const REASONS = ['Change for a customer', 'Correct a mistake', 'Check the drawer'] as const;

/** What the cashier is told once the no-sale is recorded. */
export function noSaleWords(outcome: NoSaleOutcome): { kind: 'success' | 'error'; text: string } {
  if (outcome.drawer === 'opened')
    return { kind: 'success', text: 'No sale recorded — the drawer is open' };
  if (outcome.drawer === 'no_drawer')
    return {
      kind: 'success',
      text: 'No sale recorded — no drawer is connected to this till: open it with its key',
    };
  return {
    kind: 'error',
    text: `No sale recorded, but the drawer did not open: ${outcome.message ?? 'the printer did not answer'}`,
  };
}

export function NoSaleDialog(props: { onClose: () => void }) {
  const api = useApi();
  const call = useCall();
  const staff = useStaff();
  const store = useStore();
  const { notify } = useNotice();
  const approver = useApprover();
  const [reason, setReason] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  // Asked for up front with the store setting; also when the till says so (a setting that
  // changed while the cashier was signed in).
  const [needsManager, setNeedsManager] = useState(store.noSaleNeedsManager);
  const askPin = needsManager && staff.role !== 'manager';

  const submit = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    const r = await call(
      api.noSale({ reason, managerPin: pin || undefined, ...(pin ? approver.input : {}) }),
    );
    setBusy(false);
    setPin('');
    if (!r.ok) {
      if (r.error.kind === ErrorKind.approvalRequired) setNeedsManager(true);
      return;
    }
    const words = noSaleWords(r.data);
    notify(words.kind, words.text);
    props.onClose();
  };

  return (
    <Modal
      title="No sale — open the drawer"
      onClose={props.onClose}
      testId="no-sale-dialog"
      actions={REASONS.map((r, i) => ({
        key: `Alt+${i + 1}`,
        label: r,
        show: false,
        run: () => setReason(r),
      }))}
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField
          label="Reason"
          name="reason"
          maxLength={200}
          autoFocusField
          autoComplete="off"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          hint={`Alt+1…${REASONS.length}: ${REASONS.map((r, i) => `${i + 1} ${r}`).join(' · ')}`}
          data-testid="no-sale-reason"
        />
        {askPin ? approver.field : null}
        {askPin ? (
          <TextField
            label="Manager PIN"
            name="managerPin"
            type="password"
            inputMode="numeric"
            maxLength={8}
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            data-testid="no-sale-pin"
          />
        ) : null}
        <p className="muted">
          The no-sale is recorded with your name and counted on the X and Z reports.
        </p>
        <button type="submit" className="primary" disabled={busy}>
          Open the drawer (Enter)
        </button>
      </form>
    </Modal>
  );
}
