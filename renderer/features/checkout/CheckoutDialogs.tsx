/**
 * The checkout's own dialogs over the cart: customer, hold and recall, quantity, line and order
 * discounts, coupon, payment and cancel. Which one is up is the checkout's state (`panel`).
 */
import type { Dispatch } from 'react';
import type { Discount, PricedCart } from '../../../core/pricing';
import type { Promotion } from '../../../core/promotions';
import type { SaleResult } from '../../../contract/till-api/sale';
import { useCall } from '../../shell/call';
import { useNotice, useSession, useStaff, useStore } from '../../shell/context';
import { CustomerPanel } from '../customers/CustomerPanel';
import { HoldDialog, RecallPanel } from '../holds/HoldPanel';
import { toCart, type CartAction, type CartState } from './cart';
import { CouponDialog } from './CouponDialog';
import { ConfirmDialog, DiscountDialog, QuantityDialog } from './EditDialogs';
import { PayPanel } from './PayPanel';
import { TaxExemptDialog } from './TaxExemptDialog';

export type Panel =
  | null
  | 'customer'
  | 'hold'
  | 'recall'
  | 'quantity'
  | 'discount'
  | 'orderDiscount'
  | 'coupon'
  | 'taxExempt'
  | 'pay'
  | 'payCard'
  | 'cancel';

export function CheckoutDialogs(props: {
  panel: Panel;
  cart: CartState;
  dispatch: Dispatch<CartAction>;
  price: (cart: ReturnType<typeof toCart>) => PricedCart;
  promotions: Promotion[];
  totals: PricedCart | null;
  onPaid: (result: SaleResult) => void;
  close: () => void;
}) {
  const { api } = useSession();
  const call = useCall();
  const store = useStore();
  const staff = useStaff();
  const { notify } = useNotice();
  const { panel, cart, dispatch, promotions, totals, close } = props;
  const selected = cart.items[cart.selected];
  const evaluate =
    (build: (discount: Discount | null) => ReturnType<typeof toCart>) =>
    (discount: Discount | null) => {
      const p = props.price(build(discount));
      return { maxDiscountPpm: p.maxDiscountPpm, discountCents: p.discountCents };
    };

  return (
    <>
      {panel === 'customer' ? (
        <CustomerPanel
          current={cart.customer}
          onPick={(customer) => {
            dispatch({ type: 'customer', customer });
            close();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'hold' ? (
        <HoldDialog
          onHold={(label) =>
            void call(
              api.holdCart({
                cart: toCart(cart),
                label,
                customerId: cart.customer?.customerId ?? null,
              }),
            ).then((r) => {
              if (r.ok) {
                notify('success', `Held as "${r.data.label}". F4 recalls it.`);
                dispatch({ type: 'clear' });
                close();
              }
            })
          }
          onClose={close}
        />
      ) : null}
      {panel === 'recall' ? (
        <RecallPanel
          onRecall={(holdId) =>
            void call(api.recallCart({ holdId })).then((r) => {
              if (r.ok) {
                dispatch({
                  type: 'load',
                  cart: r.data.cart,
                  label: r.data.label,
                  customer: r.data.customer,
                });
                if (r.data.customerMissing)
                  notify('info', 'The customer of this held sale is no longer in this store.');
                close();
              }
            })
          }
          onClose={close}
        />
      ) : null}
      {panel === 'quantity' && selected ? (
        <QuantityDialog
          productName={selected.productName}
          quantity={selected.quantity}
          onApply={(quantity) => {
            dispatch({ type: 'setQuantity', index: cart.selected, quantity });
            close();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'discount' && selected ? (
        <DiscountDialog
          title={`Discount: ${selected.productName}`}
          evaluate={evaluate((discount) => {
            const c = toCart(cart);
            return {
              ...c,
              lines: c.lines.map((l, i) => (i === cart.selected ? { ...l, discount } : l)),
            };
          })}
          thresholdPpm={store.managerDiscountThresholdPpm}
          needsApproval={staff.role !== 'manager' && cart.managerPin === null}
          currency={store.currency}
          onApply={(discount, approval) => {
            dispatch({ type: 'lineDiscount', index: cart.selected, discount });
            if (approval) dispatch({ type: 'managerPin', ...approval });
            close();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'orderDiscount' ? (
        <DiscountDialog
          title="Discount on the whole sale"
          evaluate={evaluate((discount) => ({ ...toCart(cart), orderDiscount: discount }))}
          thresholdPpm={store.managerDiscountThresholdPpm}
          needsApproval={staff.role !== 'manager' && cart.managerPin === null}
          currency={store.currency}
          onApply={(discount, approval) => {
            dispatch({ type: 'orderDiscount', discount });
            if (approval) dispatch({ type: 'managerPin', ...approval });
            close();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'coupon' ? (
        <CouponDialog
          promotions={promotions}
          entered={cart.coupons}
          onApply={(promotion, code) => {
            dispatch({ type: 'coupon', code });
            notify('success', `Coupon ${code} added: ${promotion.name}`);
            close();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'taxExempt' && cart.customer ? (
        <TaxExemptDialog
          customerName={`${cart.customer.firstName} ${cart.customer.lastName}`}
          reference={cart.taxExemptReference}
          onApply={(reference) => {
            dispatch({ type: 'taxExempt', reference });
            notify(
              'success',
              reference === null
                ? 'Tax is charged again on this sale'
                : `Tax-exempt sale (reference ${reference})`,
            );
            close();
          }}
          onClose={close}
        />
      ) : null}
      {(panel === 'pay' || panel === 'payCard') && totals ? (
        <PayPanel
          startWithCard={panel === 'payCard'}
          cart={cart}
          totalCents={totals.totalCents}
          currency={store.currency}
          onPaid={props.onPaid}
          onClose={close}
        />
      ) : null}
      {panel === 'cancel' ? (
        <ConfirmDialog
          title="Cancel this sale?"
          text={`${cart.items.length} line(s) will be removed. Nothing is recorded.`}
          confirm="Cancel sale"
          onConfirm={() => {
            dispatch({ type: 'clear' });
            close();
          }}
          onClose={close}
        />
      ) : null}
    </>
  );
}
