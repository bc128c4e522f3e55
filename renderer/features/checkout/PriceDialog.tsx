/**
 * Prices set by hand (issue 18, item 2): Alt+P on the chosen line overrides its price, and an
 * open-price item (catalog price 0) asks for its price as it is scanned. A reason is always
 * required (Alt+1… for the usual ones); a cut beyond the store's limit or an open price above
 * its limit asks for a manager's PIN here, with the same rule the till applies at commit
 * (core/overrides.ts). A price below cost is the till's to judge (the screen does not know
 * costs): the payment then asks for the PIN. Nothing enters the cart until the dialog applies.
 */
import { useCallback, useState, type ReactNode } from 'react';
import { overrideApprovalReasons } from '../../../core/overrides';
import { formatMoney, parseAmount } from '../../shell/amounts';
import { useApprover } from '../../shell/approver';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import type { KeyAction } from '../../shell/keys';
import { CHECKOUT_KEYS as K } from '../../shell/shortcuts';
import { Modal, TextField } from '../../shell/ui';
import type { CartAction, CartProduct, CartState } from './cart';

export const OVERRIDE_REASONS = [
  'Price match',
  'Damaged or display item',
  'Shelf label price',
  'Open-price item',
] as const;

type Price = { unitPriceCents: number; reason: string };
type Approval = { pin: string; managerId: string | null };

export function PriceDialog(props: {
  productName: string;
  /** The catalog's price; 0 = an open-price item; null = unknown (a recalled line). */
  catalogPriceCents: number | null;
  currentPriceCents: number | null;
  currentReason: string | null;
  needsApproval: boolean;
  onApply: (price: Price | null, approval: Approval | null) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const { notify } = useNotice();
  const approver = useApprover();
  const open = props.catalogPriceCents === 0;
  const [priceText, setPriceText] = useState(
    props.currentPriceCents === null || open ? '' : formatMoney(props.currentPriceCents),
  );
  const [reason, setReason] = useState(props.currentReason ?? (open ? 'Open-price item' : ''));
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const money = (c: number): string => formatMoney(c, store.currency);

  // Empty price: back to the catalog price (not for an open-price item: it has none).
  const restore = priceText.trim() === '' && !open && props.catalogPriceCents !== null;
  const parsed = restore ? null : parseAmount(priceText);
  const whys =
    parsed?.ok && props.catalogPriceCents !== null
      ? overrideApprovalReasons(
          [
            {
              productName: props.productName,
              unitPriceCents: parsed.cents,
              catalogPriceCents: props.catalogPriceCents,
              costCents: null,
            },
          ],
          { limitPpm: store.priceOverrideLimitPpm, openPriceLimitCents: store.openPriceLimitCents },
          money,
        )
      : [];
  const askPin = whys.length > 0 && props.needsApproval;

  const fail = (message: string): void => {
    setError(message);
    notify('error', `${message}. The cart is unchanged.`);
  };
  const apply = async (): Promise<void> => {
    if (restore) {
      props.onApply(null, null);
      return;
    }
    if (!parsed?.ok) return fail(parsed?.message ?? 'Type the price');
    if (open && parsed.cents === 0) return fail(`Type the price of ${props.productName}`);
    const why = reason.trim();
    if (why === '') return fail('A price set by hand needs a reason (Alt+1… or type one)');
    if (why.length > 200) return fail('The reason is at most 200 characters');
    if (askPin) {
      if (pin === '') return fail(`${whys.join('; ')}: a manager's PIN is required`);
      const approval = await call(api.verifyManager({ pin, ...approver.input }));
      setPin('');
      if (!approval.ok) return; // the message is on screen; the cart is unchanged
      props.onApply(
        { unitPriceCents: parsed.cents, reason: why },
        { pin, managerId: approver.managerId },
      );
      return;
    }
    props.onApply({ unitPriceCents: parsed.cents, reason: why }, null);
  };

  return (
    <Modal
      title={open ? `Open price: ${props.productName}` : `Price: ${props.productName}`}
      onClose={props.onClose}
      testId="price-dialog"
      actions={OVERRIDE_REASONS.map((r, i) => ({
        key: `Alt+${i + 1}`,
        label: r,
        show: false,
        run: () => setReason(r),
      }))}
      onScan={() => notify('error', 'Finish the price (Enter) or close it (Esc) before scanning')}
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <p data-testid="price-catalog">
          {open
            ? `No shelf price: type it (above ${money(store.openPriceLimitCents)} needs a manager)`
            : props.catalogPriceCents === null
              ? 'Price set by hand when the sale was held'
              : `Catalog price ${money(props.catalogPriceCents)} (empty: back to it)`}
        </p>
        <TextField
          label="Price"
          name="price"
          inputMode="decimal"
          autoComplete="off"
          maxLength={12}
          autoFocusField
          value={priceText}
          onChange={(e) => {
            setPriceText(e.target.value);
            setError(null);
          }}
          aria-invalid={parsed && !parsed.ok && priceText !== '' ? true : undefined}
          data-testid="price-input"
        />
        <TextField
          label="Reason"
          name="overrideReason"
          autoComplete="off"
          maxLength={201}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
          hint={`Alt+1…${OVERRIDE_REASONS.length}: ${OVERRIDE_REASONS.map((r, i) => `${i + 1} ${r}`).join(' · ')}`}
          data-testid="price-reason"
        />
        {whys.length > 0 ? (
          <p className={askPin ? 'warn' : 'muted'} data-testid="price-approval">
            {whys.join('; ')}
            {askPin ? ': a manager approves' : ''}
          </p>
        ) : null}
        {askPin ? approver.field : null}
        {askPin ? (
          <TextField
            label="Manager PIN"
            name="managerPin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
            data-testid="price-manager-pin"
          />
        ) : null}
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

/**
 * The checkout's side of prices set by hand: `add` puts a product in the cart (an open-price
 * item asks for its price first), `key` is Alt+P on the chosen line, `dialog` is rendered by
 * the screen.
 */
export function usePriceEntry(opts: {
  cart: CartState;
  dispatch: (action: CartAction) => void;
  onClosed: () => void;
}): { add: (product: CartProduct) => void; key: KeyAction; dialog: ReactNode } {
  const { cart, dispatch, onClosed } = opts;
  const staff = useStaff();
  const { notify } = useNotice();
  const [target, setTarget] = useState<
    { kind: 'line'; index: number } | { kind: 'open'; product: CartProduct } | null
  >(null);
  const close = (): void => {
    setTarget(null);
    onClosed();
  };
  const approve = (approval: Approval | null): void => {
    if (approval)
      dispatch({ type: 'managerPin', pin: approval.pin, managerId: approval.managerId });
  };
  const needsApproval = staff.role !== 'manager' && cart.managerPin === null;
  const add = useCallback(
    (product: CartProduct): void => {
      if (product.priceCents === 0) setTarget({ kind: 'open', product });
      else dispatch({ type: 'add', product });
    },
    [dispatch],
  );
  const key: KeyAction = {
    ...K.price,
    show: false,
    run: () => {
      if (!cart.items[cart.selected]) {
        notify('error', 'The cart is empty: scan an item before setting its price');
        return;
      }
      setTarget({ kind: 'line', index: cart.selected });
    },
  };
  let dialog: ReactNode = null;
  if (target?.kind === 'open') {
    dialog = (
      <PriceDialog
        productName={target.product.productName}
        catalogPriceCents={0}
        currentPriceCents={null}
        currentReason={null}
        needsApproval={needsApproval}
        onApply={(price, approval) => {
          if (price) dispatch({ type: 'add', product: target.product, price });
          approve(approval);
          close();
        }}
        onClose={close}
      />
    );
  } else if (target?.kind === 'line') {
    const line = cart.items[target.index];
    dialog = line ? (
      <PriceDialog
        productName={line.productName}
        catalogPriceCents={line.catalogPriceCents}
        currentPriceCents={line.unitPriceCents}
        currentReason={line.priceOverride?.reason ?? null}
        needsApproval={needsApproval}
        onApply={(price, approval) => {
          dispatch({ type: 'setPrice', index: target.index, price });
          approve(approval);
          close();
        }}
        onClose={close}
      />
    ) : null;
  }
  return { add, key, dialog };
}
