/**
 * The totals beside the cart: items, subtotal, discounts, coupons, tax and the total, from the
 * cart priced with the till's own priceCart; the Pay button (F12) under them.
 */
import type { PricedCart } from '../../../core/pricing';
import { formatMoney } from '../../shell/amounts';
import { useStore } from '../../shell/context';
import type { CartState } from './cart';

export function TotalsAside(props: {
  cart: CartState;
  totals: PricedCart | null;
  /** Why the cart cannot be priced, in words (null when it can). */
  error: string | null;
  noShift: boolean;
  onPay: () => void;
}) {
  const store = useStore();
  const { cart, totals } = props;
  return (
    <aside className="totals" aria-label="Totals">
      {cart.recalledFrom ? <p className="muted">Recalled: {cart.recalledFrom}</p> : null}
      <dl>
        <dt>Items</dt>
        <dd data-testid="item-count">{cart.items.reduce((a, i) => a + i.quantity, 0)}</dd>
        <dt>Subtotal</dt>
        <dd>{totals ? formatMoney(totals.subtotalCents, store.currency) : '—'}</dd>
        <dt>Discounts</dt>
        <dd>
          {totals && totals.discountCents > 0
            ? `−${formatMoney(totals.discountCents, store.currency)}`
            : formatMoney(0, store.currency)}
        </dd>
        {cart.coupons.length > 0 ? (
          <>
            <dt>Coupons</dt>
            <dd data-testid="cart-coupons">{cart.coupons.join(', ')}</dd>
          </>
        ) : null}
        {/* A tax-inclusive store's prices contain the tax: it is shown, not added. */}
        <dt data-testid="cart-tax-label">{store.taxIncluded ? 'Tax (incl. in prices)' : 'Tax'}</dt>
        <dd data-testid="cart-tax">
          {cart.taxExemptReference !== null ? (
            <span data-testid="tax-exempt">Exempt ({cart.taxExemptReference})</span>
          ) : totals ? (
            formatMoney(totals.taxCents, store.currency)
          ) : (
            '—'
          )}
        </dd>
      </dl>
      <div className="grand-total">
        <span data-testid="cart-total-label">
          {store.taxIncluded ? 'Total incl. tax' : 'Total'}
        </span>
        <strong data-testid="cart-total">
          {totals ? formatMoney(totals.totalCents, store.currency) : '—'}
        </strong>
      </div>
      {props.error !== null ? (
        <p className="error-text" role="alert">
          {props.error}
        </p>
      ) : null}
      <button type="button" className="primary pay" onClick={props.onPay} tabIndex={-1}>
        Pay (F12)
      </button>
      {props.noShift ? <p className="warn">No shift open (F10)</p> : null}
    </aside>
  );
}
