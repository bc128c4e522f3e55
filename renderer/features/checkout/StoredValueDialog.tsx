/**
 * A gift card or store credit as a tender (Alt+G, in the payment or from the cart): the card is
 * scanned (its barcode) or typed, the till says what it may take from it without HQ (this
 * register's allowance, docs/checkout.md "Store credit and gift cards"), and the cashier takes
 * up to what the sale still needs. Nothing is spent here: the amount joins the payment's
 * tenders and the till checks it again when the sale is recorded. An unknown, expired or
 * blocked card, or an amount beyond the card or the sale, is answered in words beside the
 * field; the cart and the payment are left as they were.
 */
import { useState } from 'react';
import type { StoredValueCardView } from '../../../contract/till-api/sale';
import { formatMoney, parseAmount } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi } from '../../shell/context';
import { Modal, TextField } from '../../shell/ui';

/** A card amount added to the payment (sent as a `stored_value` tender). */
export interface StoredValueTender {
  cardNumber: string;
  label: string;
  amountCents: number;
}

const UNCHANGED = 'The payment is unchanged.';
const sentence = (message: string): string => `${message.replace(/[.:;\s]+$/, '')}. ${UNCHANGED}`;

export function StoredValueDialog(props: {
  /** What the sale still needs after the tenders already given. */
  dueCents: number;
  currency: string;
  /** Card amounts already in this payment (the same card twice counts together). */
  taken: readonly StoredValueTender[];
  onApply: (tender: StoredValueTender) => void;
  onClose: () => void;
}) {
  const { dueCents, currency, taken } = props;
  const api = useApi();
  const call = useCall();
  const [number, setNumber] = useState('');
  const [card, setCard] = useState<StoredValueCardView | null>(null);
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const money = (cents: number): string => formatMoney(cents, currency);

  const left = (view: StoredValueCardView): number =>
    view.availableCents -
    taken.filter((t) => t.cardNumber === view.cardNumber).reduce((a, t) => a + t.amountCents, 0);

  const lookUp = async (typed: string): Promise<void> => {
    if (busy) return;
    if (typed.trim() === '') {
      setError('Scan the card or type its number');
      return;
    }
    setBusy(true);
    const r = await call(api.lookUpCard({ cardNumber: typed }), { quiet: true });
    setBusy(false);
    if (!r.ok) {
      setError(sentence(r.error.message));
      return;
    }
    const view = r.data;
    if (view.problem) {
      setError(sentence(view.problem));
      return;
    }
    const canTake = Math.min(left(view), dueCents);
    if (canTake <= 0) {
      setError(
        sentence(
          left(view) <= 0
            ? `${view.label} has nothing more to spend at this till`
            : 'The sale is already paid in full',
        ),
      );
      return;
    }
    setError(null);
    setCard(view);
    setAmount(formatMoney(canTake).replace(/,/g, ''));
  };

  const apply = (view: StoredValueCardView): void => {
    const parsed = parseAmount(amount);
    if (!parsed.ok) {
      setError(sentence(parsed.message));
      return;
    }
    const cents = parsed.cents;
    if (cents <= 0) {
      setError(sentence('Type the amount to take from the card'));
      return;
    }
    if (cents > left(view)) {
      setError(
        sentence(
          `${view.label} has ${money(left(view))} to spend at this till; ${money(cents)} is more`,
        ),
      );
      return;
    }
    if (cents > dueCents) {
      setError(sentence(`The sale needs ${money(dueCents)} more; take at most that from the card`));
      return;
    }
    props.onApply({ cardNumber: view.cardNumber, label: view.label, amountCents: cents });
  };

  return (
    <Modal
      title="Gift card or store credit"
      onClose={props.onClose}
      testId="card-dialog"
      onScan={(code) => {
        setNumber(code);
        setCard(null);
        void lookUp(code);
      }}
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (card) apply(card);
          else void lookUp(number);
        }}
      >
        <TextField
          label="Card number (scan or type)"
          name="cardNumber"
          autoComplete="off"
          maxLength={64}
          autoFocusField
          value={number}
          onChange={(e) => {
            setNumber(e.target.value);
            setCard(null);
            setError(null);
          }}
          data-testid="card-number-input"
        />
        {card ? (
          <>
            <p className="pay-lines" data-testid="card-available">
              <span>{card.label}</span> <strong>{money(left(card))} to spend at this till</strong>
            </p>
            <TextField
              label="Amount from the card"
              name="cardAmount"
              inputMode="decimal"
              autoComplete="off"
              maxLength={12}
              autoFocus
              value={amount}
              aria-invalid={error ? true : undefined}
              onChange={(e) => {
                setAmount(e.target.value);
                setError(null);
              }}
              data-testid="card-amount-input"
            />
          </>
        ) : null}
        {error ? (
          <p className="error-text" role="alert" data-testid="card-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {card ? 'Take from the card (Enter)' : busy ? 'Checking…' : 'Check the card (Enter)'}
        </button>
      </form>
    </Modal>
  );
}
