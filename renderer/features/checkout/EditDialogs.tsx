/** Editing the cart: quantity of a line, a line or order discount (manager PIN above the limit). */
import { useState } from 'react';
import type { Discount } from '../../../core/pricing';
import { formatMoney, parseAmount, parsePercent, parseQuantity } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import { getErrorMessage } from '../../../contract/errors';

export function QuantityDialog(props: {
  productName: string;
  quantity: number;
  onApply: (quantity: number) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(String(props.quantity));
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal
      title={`Quantity: ${props.productName}`}
      onClose={props.onClose}
      testId="quantity-dialog"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = parseQuantity(text);
          if (!parsed.ok) {
            setError(parsed.message);
            return;
          }
          props.onApply(parsed.quantity);
        }}
      >
        <TextField
          label="Quantity"
          name="quantity"
          inputMode="numeric"
          autoComplete="off"
          maxLength={5}
          autoFocusField
          value={text}
          onFocus={(e) => e.target.select()}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={error ? true : undefined}
          data-testid="quantity-input"
        />
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary">
          Apply (Enter)
        </button>
      </form>
    </Modal>
  );
}

/** "10%" is a percentage, "5" or "5.00" an amount. */
export function parseDiscount(
  text: string,
): { ok: true; discount: Discount | null } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '0') return { ok: true, discount: null };
  if (trimmed.endsWith('%')) {
    const p = parsePercent(trimmed.slice(0, -1));
    return p.ok ? { ok: true, discount: { kind: 'percent', ppm: p.ppm } } : p;
  }
  const a = parseAmount(trimmed);
  return a.ok
    ? { ok: true, discount: { kind: 'amount', cents: a.cents } }
    : { ok: false, message: `${a.message}; for a percentage add %, e.g. 10%` };
}

export function DiscountDialog(props: {
  title: string;
  /** Largest discount share (ppm) the cart would have with this discount; throws if invalid. */
  evaluate: (discount: Discount | null) => { maxDiscountPpm: number; discountCents: number };
  thresholdPpm: number;
  needsApproval: boolean;
  currency: string;
  /** `approval`: the manager's PIN (and who, when named) for a discount above the limit. */
  onApply: (
    discount: Discount | null,
    approval: { pin: string; managerId: string | null } | null,
  ) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  const [text, setText] = useState('');
  const [pin, setPin] = useState('');
  const approver = useApprover();
  const parsed = parseDiscount(text);
  let preview: { maxDiscountPpm: number; discountCents: number } | { error: string } | null = null;
  if (parsed.ok) {
    try {
      preview = props.evaluate(parsed.discount);
    } catch (error) {
      preview = { error: getErrorMessage(error) };
    }
  }
  const overLimit =
    preview !== null && 'maxDiscountPpm' in preview && preview.maxDiscountPpm > props.thresholdPpm;
  const askPin = overLimit && props.needsApproval;

  const apply = async (): Promise<void> => {
    if (!parsed.ok) {
      notify('error', parsed.message);
      return;
    }
    if (preview && 'error' in preview) {
      notify('error', preview.error);
      return;
    }
    if (askPin) {
      const approval = await call(api.verifyManager({ pin, ...approver.input }));
      setPin('');
      if (!approval.ok) return; // the message is on screen; the cart is unchanged
      props.onApply(parsed.discount, { pin, managerId: approver.managerId });
      return;
    }
    props.onApply(parsed.discount, null);
  };

  return (
    <Modal title={props.title} onClose={props.onClose} testId="discount-dialog">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <TextField
          label="Discount"
          name="discount"
          autoComplete="off"
          maxLength={12}
          autoFocusField
          value={text}
          placeholder="10% or 5.00 (empty removes it)"
          onChange={(e) => setText(e.target.value)}
          aria-invalid={parsed.ok ? undefined : true}
          data-testid="discount-input"
        />
        {!parsed.ok ? <p className="error-text">{parsed.message}</p> : null}
        {preview && 'error' in preview ? <p className="error-text">{preview.error}</p> : null}
        {preview && 'discountCents' in preview ? (
          <p>
            Discount {formatMoney(preview.discountCents, props.currency)} (
            {(preview.maxDiscountPpm / 10_000).toFixed(2)}%; cashier limit{' '}
            {(props.thresholdPpm / 10_000).toFixed(2)}%)
          </p>
        ) : null}
        {askPin ? approver.field : null}
        {askPin ? (
          <TextField
            label="Manager PIN (above the cashier limit)"
            name="managerPin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            data-testid="manager-pin"
          />
        ) : null}
        <button type="submit" className="primary">
          Apply (Enter)
        </button>
      </form>
    </Modal>
  );
}

export function ConfirmDialog(props: {
  title: string;
  text: string;
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal
      title={props.title}
      onClose={props.onClose}
      actions={[{ key: 'Enter', label: props.confirm, run: props.onConfirm }]}
    >
      <p>{props.text}</p>
      <div className="button-row">
        <button type="button" className="danger" onClick={props.onConfirm} data-autofocus>
          {props.confirm} (Enter)
        </button>
        <button type="button" onClick={props.onClose}>
          Keep (Esc)
        </button>
      </div>
    </Modal>
  );
}
