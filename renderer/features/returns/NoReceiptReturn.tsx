/**
 * A return without a receipt (issue 13, item 1): the items (scanned or typed), a reason, the
 * refund method the store's policy allows, and a manager's approval (their PIN; a manager acting
 * approves themself). Refunded at today's price; the till says so before anything is recorded.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import type { ProductSummary } from '../../../contract/till-api/catalog';
import type { RefundMethod } from '../../../contract/till-api/returns';
import type { SaleResult } from '../../../contract/till-api/sale';
import { formatMoney } from '../../shell/amounts';
import { useApprover } from '../../shell/approver';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';

const REASONS = ['Gift without a receipt', 'Receipt lost', 'Defective', 'Changed mind'];

const METHODS: Record<string, RefundMethod[]> = {
  none: [],
  cash: ['cash'],
  card: ['card'],
  cash_or_card: ['cash', 'card'],
};

export function NoReceiptReturn(props: {
  onDone: (result: SaleResult) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const staff = useStaff();
  const { notify } = useNotice();
  const approver = useApprover();
  const methods = METHODS[store.noReceiptRefund] ?? [];
  const [code, setCode] = useState('');
  const [items, setItems] = useState<Array<{ product: ProductSummary; quantity: number }>>([]);
  const [reason, setReason] = useState('');
  const [method, setMethod] = useState<RefundMethod | null>(methods[0] ?? null);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const transactionId = useRef(uuidv7());
  const money = (c: number): string => formatMoney(c, store.currency);

  const add = async (raw: string): Promise<void> => {
    const trimmed = raw.trim();
    if (trimmed === '') return;
    const r = await call(api.scan({ code: trimmed }));
    setCode('');
    if (!r.ok) return;
    setItems((list) => {
      const at = list.findIndex((i) => i.product.productId === r.data.productId);
      if (at < 0) return [...list, { product: r.data, quantity: 1 }];
      return list.map((i, n) => (n === at ? { ...i, quantity: i.quantity + 1 } : i));
    });
  };

  const lines = useMemo(
    () =>
      items.map((i) => ({ productId: i.product.productId, quantity: i.quantity, restock: true })),
    [items],
  );
  // A quote answers one request; it is shown only while that request is still the current one.
  const request = useMemo(
    () => (lines.length > 0 && method ? { lines, refundMethod: method } : null),
    [lines, method],
  );
  const [quoted, setQuoted] = useState<{ request: unknown; refund: number } | null>(null);
  useEffect(() => {
    if (!request) return;
    void call(api.quoteNoReceiptReturn(request)).then((r) => {
      if (r.ok) setQuoted({ request, refund: -r.data.totalCents });
    });
  }, [api, call, request]);
  const refund = quoted && quoted.request === request ? quoted.refund : null;

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (!method) {
      notify('error', 'This store does not take returns without a receipt');
      return;
    }
    if (lines.length === 0) {
      notify('error', 'Scan or type the items coming back (at least one)');
      return;
    }
    if (reason.trim() === '') {
      notify('error', 'Give a reason for the return without a receipt');
      return;
    }
    setBusy(true);
    const r = await call(
      api.commitNoReceiptReturn({
        transactionId: transactionId.current,
        lines,
        reason: reason.trim(),
        refundMethod: method,
        managerPin: pin || undefined,
        ...(pin ? approver.input : {}),
      }),
    );
    setBusy(false);
    setPin('');
    if (r.ok) props.onDone(r.data);
  };

  return (
    <Modal
      title="Return without a receipt"
      onClose={props.onClose}
      testId="no-receipt-return"
      wide
      actions={[
        ...REASONS.map((r, i) => ({
          key: `Alt+${i + 1}`,
          label: r,
          show: false,
          run: () => setReason(r),
        })),
        ...(methods.includes('cash')
          ? [{ key: 'Alt+C', label: 'Refund in cash', show: false, run: () => setMethod('cash') }]
          : []),
        ...(methods.includes('card')
          ? [{ key: 'Alt+K', label: 'Refund to card', show: false, run: () => setMethod('card') }]
          : []),
      ]}
      onScan={(scanned) => void add(scanned)}
    >
      {methods.length === 0 ? (
        <p className="error-text">This store does not take returns without a receipt.</p>
      ) : (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            if (code.trim() !== '') void add(code);
            else void submit();
          }}
        >
          <TextField
            label="Item coming back (scan or type the code, Enter)"
            name="itemCode"
            maxLength={64}
            autoFocusField
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            data-testid="no-receipt-code"
          />
          <ul className="plain-list" data-testid="no-receipt-items">
            {items.map((i) => (
              <li key={i.product.productId} data-testid="no-receipt-item">
                {i.quantity} × {i.product.productName} at today&apos;s price{' '}
                {money(i.product.priceCents)}
              </li>
            ))}
          </ul>
          <TextField
            label="Reason"
            name="reason"
            maxLength={200}
            autoComplete="off"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            hint={`Alt+1…${REASONS.length}: ${REASONS.map((r, i) => `${i + 1} ${r}`).join(' · ')}`}
          />
          <fieldset className="radio-row">
            <legend>Refund (store policy)</legend>
            {methods.map((m) => (
              <label key={m}>
                <input
                  type="radio"
                  name="noReceiptRefund"
                  checked={method === m}
                  onChange={() => setMethod(m)}
                />{' '}
                {m === 'cash' ? 'In cash (Alt+C)' : 'To a card (Alt+K)'}
              </label>
            ))}
          </fieldset>
          {staff.role !== 'manager' ? approver.field : null}
          {staff.role !== 'manager' ? (
            <TextField
              label="Manager PIN (every return without a receipt)"
              name="managerPin"
              type="password"
              inputMode="numeric"
              maxLength={8}
              autoComplete="off"
              value={pin}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
              data-testid="no-receipt-pin"
            />
          ) : null}
          <p className="money-headline" data-testid="no-receipt-headline">
            {refund === null
              ? 'Scan the items coming back.'
              : method === 'card'
                ? `Refund due — put ${money(refund)} back on the customer's card`
                : `Refund due — give the customer ${money(refund)} in cash`}
          </p>
          <button type="submit" className="primary" disabled={busy || refund === null}>
            Refund (Enter)
          </button>
        </form>
      )}
    </Modal>
  );
}
