/**
 * The checkout screen: the search/scan box, the cart, live totals, and the cart's own keys and
 * dialogs (customer, hold/recall, quantity, discounts, pay, cancel). The sale in progress, the
 * shift, the receipt overlay and the panels every screen shares belong to the shell
 * (renderer/shell/Workspace.tsx), handed in as `workspace`. Totals come from the till's own
 * pricing code (core/pricing.ts), so what the cashier sees is what the sale records.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Discount } from '../../../core/pricing';
import { priceCart, type PricedCart } from '../../../core/pricing';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useNotice, useSession, useStaff, useStore } from '../../shell/context';
import { useKeyLayer, type KeyAction } from '../../shell/keys';
import { scanFailedCue } from '../../shell/cue';
import { CHECKOUT_KEYS as K } from '../../shell/shortcuts';
import type { WorkspaceHandle } from '../../shell/workspace-handle';
import { CustomerPanel } from '../customers/CustomerPanel';
import { HoldDialog, RecallPanel } from '../holds/HoldPanel';
import { SearchBox, type SearchBoxHandle } from '../search/SearchBox';
import { toCart } from './cart';
import { CartTable } from './CartTable';
import { ConfirmDialog, DiscountDialog, QuantityDialog } from './EditDialogs';
import { CouponDialog } from './CouponDialog';
import { TaxExemptDialog } from './TaxExemptDialog';
import type { Promotion } from '../../../core/promotions';
import { PayPanel } from './PayPanel';
import { getErrorMessage } from '../../../contract/errors';
import type { SaleResult } from '../../../contract/till-api';

type Panel =
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
  | 'cancel';

export function Checkout({ workspace }: { workspace: WorkspaceHandle }) {
  const { api } = useSession();
  const call = useCall();
  const store = useStore();
  const staff = useStaff();
  const { notify, clear: clearNotice } = useNotice();
  const { cart, dispatch, shift, focusSoon, registerFocus, keys: shellKeys } = workspace;
  const [panel, setPanel] = useState<Panel>(null);
  const search = useRef<SearchBoxHandle>(null);

  // When the shell's panels or the receipt close, focus comes back to the scan box.
  useEffect(() => registerFocus(() => search.current?.focus()), [registerFocus]);

  const exempt = cart.taxExemptReference !== null;
  const rates = useMemo(
    () => ({
      storeRatePpm: store.taxRatePpm,
      categoryRates: new Map(store.categoryTaxRates),
      exempt,
    }),
    [store.taxRatePpm, store.categoryTaxRates, exempt],
  );
  // HQ's promotions as the till holds them, read again whenever a new sale starts (the till
  // prices the sale again at commit with its own copy and clock: the receipt is the truth).
  const [promotions, setPromotions] = useState<Promotion[]>([]);
  const startingSale = cart.items.length === 0;
  useEffect(() => {
    if (!startingSale) return;
    let live = true;
    void call(api.promotions(), { quiet: true }).then((r) => {
      if (live && r.ok) setPromotions(r.data);
    });
    return () => {
      live = false;
    };
  }, [api, call, startingSale]);
  const price = useCallback(
    (c: ReturnType<typeof toCart>) => priceCart(c, rates, { promotions, now: new Date() }),
    [rates, promotions],
  );
  const priced: PricedCart | { error: string } = useMemo(() => {
    try {
      return price(toCart(cart));
    } catch (error) {
      return { error: getErrorMessage(error) };
    }
  }, [cart, price]);
  const totals = 'error' in priced ? null : priced;

  const close = useCallback(() => {
    setPanel(null);
    focusSoon();
  }, [focusSoon]);

  const addByCode = useCallback(
    async (code: string): Promise<boolean> => {
      const r = await call(api.scan({ code }), { quiet: true });
      if (r.ok) {
        dispatch({ type: 'add', product: r.data });
        clearNotice(); // an earlier error is stale once the next item went through
      } else {
        notify('error', `${r.error.message}. Nothing was added.`);
        scanFailedCue();
      }
      return r.ok;
    },
    [api, call, notify, clearNotice, dispatch],
  );

  const selected = cart.items[cart.selected];
  const needsItems = (what: string): boolean => {
    if (cart.items.length > 0) return true;
    notify('error', `The cart is empty: scan an item before ${what}`);
    return false;
  };

  const evaluate =
    (build: (discount: Discount | null) => ReturnType<typeof toCart>) =>
    (discount: Discount | null) => {
      const p = price(build(discount));
      return { maxDiscountPpm: p.maxDiscountPpm, discountCents: p.discountCents };
    };

  const paid = (result: SaleResult): void => {
    dispatch({ type: 'clear' });
    setPanel(null);
    workspace.completed(result, `Sale complete: ${result.receipt.receiptNumber}`);
    if (result.stockWarnings.length > 0) {
      notify(
        'info',
        `Stock below zero for ${result.stockWarnings.map((w) => w.sku).join(', ')}: HQ will reconcile`,
      );
    }
  };

  const actions: KeyAction[] = [
    shellKeys.help,
    { ...K.search, run: () => search.current?.focus() },
    { ...K.customer, run: () => setPanel('customer') },
    { ...K.hold, run: () => setPanel(cart.items.length > 0 ? 'hold' : 'recall') },
    { ...K.quantity, run: () => selected && setPanel('quantity'), disabled: !selected },
    { ...K.discount, run: () => selected && setPanel('discount'), disabled: !selected },
    {
      ...K.orderDiscount,
      run: () => needsItems('an order discount') && setPanel('orderDiscount'),
      show: false,
    },
    {
      ...K.coupon,
      run: () => needsItems('a coupon') && setPanel('coupon'),
      // In the help (F1), not the key bar: the bar keeps its width at 1024 pixels.
      show: false,
    },
    {
      ...K.taxExempt,
      run: () => {
        if (!cart.customer) {
          notify('error', 'A tax-exempt sale needs the customer: attach the customer first (F3)');
          return;
        }
        setPanel('taxExempt');
      },
      show: false,
    },
    shellKeys.receipts,
    shellKeys.void,
    shellKeys.returns,
    shellKeys.shift,
    shellKeys.sync,
    {
      ...K.pay,
      run: () => {
        if (!needsItems('taking payment')) return;
        if (!totals) {
          notify('error', 'error' in priced ? priced.error : 'The cart cannot be priced');
          return;
        }
        if (!shift) {
          workspace.openPanel('shift');
          notify('error', 'Open the shift before taking payment');
          return;
        }
        setPanel('pay');
      },
    },
    {
      ...K.remove,
      run: () => {
        if (search.current?.text !== '' || !selected) return;
        dispatch({ type: 'remove', index: cart.selected });
        notify('info', `Removed ${selected.productName}. Ctrl+Z puts it back.`);
      },
      show: false,
    },
    {
      ...K.undoRemove,
      run: () => {
        if (!cart.removed) return;
        dispatch({ type: 'undoRemove' });
        notify('info', `${cart.removed.item.productName} is back in the cart.`);
      },
      show: cart.removed !== null,
    },
    {
      ...K.cancel,
      run: () => cart.items.length > 0 && setPanel('cancel'),
      show: cart.items.length > 0,
    },
    shellKeys.logout,
    {
      key: 'ArrowUp',
      label: 'Previous line',
      show: false,
      run: () => dispatch({ type: 'move', by: -1 }),
    },
    {
      key: 'ArrowDown',
      label: 'Next line',
      show: false,
      run: () => dispatch({ type: 'move', by: 1 }),
    },
  ];
  useKeyLayer({ actions, onScan: (code) => void addByCode(code) });

  return (
    <section
      className="checkout"
      aria-label="Checkout"
      data-shift={shift === undefined ? 'loading' : shift === null ? 'none' : 'open'}
    >
      <div className="checkout-main">
        <div className="checkout-top">
          <SearchBox
            ref={search}
            currency={store.currency}
            onPick={(hit) => dispatch({ type: 'add', product: hit })}
            onCode={addByCode}
            onAdjust={(by) =>
              selected &&
              dispatch({
                type: 'setQuantity',
                index: cart.selected,
                quantity: selected.quantity + by,
              })
            }
          />
          <div className="customer-chip" data-testid="customer-chip">
            {cart.customer ? (
              <>
                Customer:{' '}
                <strong>
                  {cart.customer.firstName} {cart.customer.lastName}
                </strong>
              </>
            ) : (
              <span className="muted">No customer (F3)</span>
            )}
          </div>
        </div>
        <CartTable
          cart={cart}
          lines={totals?.lines}
          onSelect={(index) => dispatch({ type: 'select', index })}
        />
      </div>
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
          <dt>Tax</dt>
          <dd>
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
          <span>Total</span>
          <strong data-testid="cart-total">
            {totals ? formatMoney(totals.totalCents, store.currency) : '—'}
          </strong>
        </div>
        {'error' in priced ? (
          <p className="error-text" role="alert">
            {priced.error}
          </p>
        ) : null}
        <button
          type="button"
          className="primary pay"
          onClick={() => actions.find((a) => a.key === K.pay.key)?.run()}
          tabIndex={-1}
        >
          Pay (F12)
        </button>
        {shift === null ? <p className="warn">No shift open (F10)</p> : null}
      </aside>

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
      {panel === 'pay' && totals ? (
        <PayPanel
          cart={cart}
          totalCents={totals.totalCents}
          currency={store.currency}
          onPaid={paid}
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
    </section>
  );
}
