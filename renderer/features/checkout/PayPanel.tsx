/**
 * Taking payment: cash, card, gift cards and store credit (Alt+G, StoredValueDialog.tsx), or
 * any mix of them (split). The change due is shown as the cashier types.
 * The transaction ID is fixed when the panel opens, so pressing Enter twice or retrying after
 * a hiccup can never ring the sale up twice (the till returns the first receipt).
 */
import { useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import { ErrorKind } from '../../../contract/errors';
import type { TenderInput } from '../../../core/tenders';
import { formatMoney, parseAmount } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import { toCart, type CartState } from './cart';
import { StoredValueDialog, type StoredValueTender } from './StoredValueDialog';
import { CHECKOUT_KEYS as K } from '../../shell/shortcuts';
import type { SaleResult } from '../../../contract/till-api/sale';

export function PayPanel(props: {
  cart: CartState;
  totalCents: number;
  currency: string;
  onPaid: (result: SaleResult) => void;
  onClose: () => void;
  /** Open with the gift card step (Alt+G on the cart). */
  startWithCard?: boolean | undefined;
}) {
  const { cart, totalCents, currency, onPaid, onClose } = props;
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  const transactionId = useRef(uuidv7()).current;
  const [cash, setCash] = useState('');
  const [card, setCard] = useState('');
  const [busy, setBusy] = useState(false);
  const [stored, setStored] = useState<StoredValueTender[]>([]);
  const [cardStep, setCardStep] = useState(props.startWithCard === true);
  const [error, setError] = useState<string | null>(null);
  // Asked for when the till says the sale needs a manager (e.g. a recalled cart with a large
  // discount): the PIN goes with the same transaction ID, so a retry never sells twice.
  const [needsManager, setNeedsManager] = useState(false);
  const [managerPin, setManagerPin] = useState('');
  const approver = useApprover();

  const amounts = useMemo(() => {
    const c = cash.trim() === '' ? { ok: true as const, cents: 0 } : parseAmount(cash);
    const k = card.trim() === '' ? { ok: true as const, cents: 0 } : parseAmount(card);
    return { cash: c, card: k };
  }, [cash, card]);
  const cashCents = amounts.cash.ok ? amounts.cash.cents : 0;
  const cardCents = amounts.card.ok ? amounts.card.cents : 0;
  const storedCents = stored.reduce((a, t) => a + t.amountCents, 0);
  const cashDue = Math.max(0, totalCents - cardCents - storedCents);
  const change = cashCents - cashDue;

  const complete = async (override?: { cashCents?: number; cardCents?: number }): Promise<void> => {
    if (busy) return;
    if (!amounts.cash.ok || !amounts.card.ok) {
      const message = !amounts.cash.ok
        ? amounts.cash.message
        : amounts.card.ok
          ? ''
          : amounts.card.message;
      setError(message);
      notify('error', message);
      return;
    }
    const useCash = override?.cashCents ?? cashCents;
    const useCard = override?.cardCents ?? cardCents;
    const tenders: TenderInput[] = stored.map((t) => ({
      type: 'stored_value',
      cardNumber: t.cardNumber,
      amountCents: t.amountCents,
    }));
    if (useCard > 0) tenders.push({ type: 'card', amountCents: useCard });
    if (useCash > 0) tenders.push({ type: 'cash', tenderedCents: useCash });
    if (tenders.length === 0) {
      setError('Type the cash received or the card amount');
      notify('error', 'Type the cash received or the card amount');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(
      api.commitSale({
        transactionId,
        cart: toCart(cart),
        tenders,
        customerId: cart.customer?.customerId ?? null,
        taxExemptReference: cart.taxExemptReference,
        // A PIN typed here wins over one given earlier for the cart (an empty field is none).
        managerPin: managerPin || cart.managerPin || undefined,
        ...(managerPin ? approver.input : cart.managerId ? { managerId: cart.managerId } : {}),
      }),
    );
    setBusy(false);
    setManagerPin('');
    if (result.ok) onPaid(result.data);
    else {
      setError(result.error.message);
      if (result.error.kind === ErrorKind.approvalRequired) setNeedsManager(true);
    }
  };

  return (
    <>
      <Modal
        title="Payment"
        onClose={onClose}
        testId="pay-panel"
        actions={[
          {
            key: 'F12',
            label: 'Exact cash',
            run: () =>
              void complete({
                cashCents: Math.max(0, totalCents - cardCents - storedCents),
                cardCents,
              }),
          },
          // F12 means pay, as on the checkout screen; the card is a letter key (Alt+K, as the
          // refund to card), since F11 is sync everywhere else (issue 13, item 8).
          {
            key: 'Alt+K',
            label: 'Card for the rest',
            run: () =>
              setCard(
                formatMoney(Math.max(0, totalCents - cashCents - storedCents)).replace(/,/g, ''),
              ),
          },
          { ...K.giftCard, run: () => setCardStep(true) },
        ]}
        onScan={() =>
          notify('error', 'Finish or cancel the payment (Esc) before scanning more items')
        }
      >
        <div className="pay-total">
          <span>Total</span>
          <strong data-testid="pay-total">{formatMoney(totalCents, currency)}</strong>
        </div>
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void complete();
          }}
        >
          <TextField
            label="Cash received"
            name="cash"
            inputMode="decimal"
            autoComplete="off"
            maxLength={12}
            autoFocusField
            value={cash}
            aria-invalid={amounts.cash.ok ? undefined : true}
            onChange={(e) => setCash(e.target.value)}
            data-testid="cash-input"
          />
          <TextField
            label="Card amount"
            name="card"
            inputMode="decimal"
            autoComplete="off"
            maxLength={12}
            value={card}
            aria-invalid={amounts.card.ok ? undefined : true}
            onChange={(e) => setCard(e.target.value)}
            data-testid="card-input"
            hint="Split: part card, the rest cash"
          />
          <div className="pay-lines">
            {stored.map((t, i) => (
              <div key={`${t.cardNumber}-${i}`} data-testid="pay-stored-value">
                <span>{t.label}</span> <strong>{formatMoney(t.amountCents, currency)}</strong>
              </div>
            ))}
            <div>
              <span>Cash due</span> <strong>{formatMoney(cashDue, currency)}</strong>
            </div>
            <div className={change >= 0 ? 'change' : 'short'} data-testid="change-preview">
              <span>{change >= 0 ? 'Change' : 'Still to pay'}</span>{' '}
              <strong>{formatMoney(Math.abs(change), currency)}</strong>
            </div>
          </div>
          {needsManager ? approver.field : null}
          {needsManager ? (
            <TextField
              label="Manager PIN"
              name="managerPin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={8}
              autoFocus
              value={managerPin}
              onChange={(e) => setManagerPin(e.target.value.replace(/\D/g, ''))}
              data-testid="pay-manager-pin"
            />
          ) : null}
          {error ? (
            <p className="error-text" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy} data-testid="complete-sale">
            {busy ? 'Recording…' : 'Complete sale (Enter)'}
          </button>
        </form>
      </Modal>
      {/* After the payment, not inside it: its focus and key layer are set up after the
          payment's (children's effects run first), so the card field keeps the focus and
          Esc closes the card step first. */}
      {cardStep ? (
        <StoredValueDialog
          dueCents={Math.max(0, totalCents - cardCents - storedCents)}
          currency={currency}
          taken={stored}
          onApply={(tender) => {
            setStored((s) => [...s, tender]);
            setError(null);
            setCardStep(false);
          }}
          onClose={() => setCardStep(false)}
        />
      ) : null}
    </>
  );
}
