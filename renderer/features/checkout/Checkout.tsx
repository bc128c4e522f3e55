/**
 * The checkout screen: the search/scan box, the cart, live totals and every function key.
 * The cart lives here (a reducer); totals come from the till's own pricing code.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Discount } from '../../../core/pricing';
import { priceCart, type PricedCart } from '../../../core/pricing';
import { formatMoney } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useNotice, useSession, useStaff, useStore } from '../../shell/context';
import { useKeyLayer, type KeyAction } from '../../shell/keys';
import { CHECKOUT_KEYS as K } from '../../shell/shortcuts';
import { CustomerPanel } from '../customers/CustomerPanel';
import { HelpPanel } from '../help/HelpPanel';
import { HoldDialog, RecallPanel } from '../holds/HoldPanel';
import { ReceiptsPanel } from '../receipts/ReceiptsPanel';
import { ReceiptView } from '../receipts/ReceiptView';
import { ReturnsScreen } from '../returns/ReturnsScreen';
import { SearchBox, type SearchBoxHandle } from '../search/SearchBox';
import { ShiftPanel } from '../shift/ShiftPanel';
import { SyncPanel } from '../sync/SyncStatus';
import { VoidPanel } from '../voids/VoidPanel';
import { cartReducer, emptyCart, toCart } from './cart';
import { ConfirmDialog, DiscountDialog, QuantityDialog } from './EditDialogs';
import { PayPanel } from './PayPanel';
import { getErrorMessage } from '../../../contract/errors';
import type { Receipt, SaleResult, ShiftSummary, SyncView } from '../../../contract/till-api';

type Panel =
  | null
  | 'help'
  | 'customer'
  | 'hold'
  | 'recall'
  | 'quantity'
  | 'discount'
  | 'orderDiscount'
  | 'pay'
  | 'receipts'
  | 'void'
  | 'shift'
  | 'sync'
  | 'cancel'
  | 'logout';

export function Workspace({
  sync,
  onSyncChanged,
}: {
  sync: SyncView | null;
  onSyncChanged: () => void;
}) {
  const { api, refresh } = useSession();
  const call = useCall();
  const store = useStore();
  const staff = useStaff();
  const { notify, clear: clearNotice } = useNotice();
  const [cart, dispatch] = useReducer(cartReducer, emptyCart);
  const [panel, setPanel] = useState<Panel>(null);
  const [mode, setMode] = useState<'checkout' | 'returns'>('checkout');
  const [receipt, setReceipt] = useState<{
    receipt: Receipt;
    changeCents: number | null;
    title: string;
  } | null>(null);
  const [lastReceipt, setLastReceipt] = useState('');
  const [shift, setShift] = useState<ShiftSummary | null | undefined>(undefined);
  const search = useRef<SearchBoxHandle>(null);
  /** Back to the scan box once a dialog closed, unless the cashier already opened another. */
  const focusSearchSoon = useCallback(() => {
    setTimeout(() => {
      if (!document.querySelector('[role="dialog"]')) search.current?.focus();
    }, 0);
  }, []);

  const rates = useMemo(
    () => ({ storeRatePpm: store.taxRatePpm, categoryRates: new Map(store.categoryTaxRates) }),
    [store.taxRatePpm, store.categoryTaxRates],
  );
  const priced: PricedCart | { error: string } = useMemo(() => {
    try {
      return priceCart(toCart(cart), rates);
    } catch (error) {
      return { error: getErrorMessage(error) };
    }
  }, [cart, rates]);
  const totals = 'error' in priced ? null : priced;

  const askedForShift = useRef(false);
  const loadShift = useCallback(
    () =>
      call(api.currentShift()).then((r) => {
        if (!r.ok) return;
        setShift(r.data);
        // A till with no open shift cannot sell: ask to open one right after login.
        if (r.data === null && !askedForShift.current) {
          askedForShift.current = true;
          setPanel('shift');
        }
      }),
    [api, call],
  );

  useEffect(() => {
    void loadShift();
  }, [loadShift]);

  const close = useCallback(() => {
    setPanel(null);
    focusSearchSoon();
  }, [focusSearchSoon]);

  const addByCode = useCallback(
    async (code: string): Promise<boolean> => {
      const r = await call(api.scan({ code }), { quiet: true });
      if (r.ok) {
        dispatch({ type: 'add', product: r.data });
        clearNotice(); // an earlier error is stale once the next item went through
      } else notify('error', `${r.error.message}. Nothing was added.`);
      return r.ok;
    },
    [api, call, notify, clearNotice],
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
      const p = priceCart(build(discount), rates);
      return { maxDiscountPpm: p.maxDiscountPpm, discountCents: p.discountCents };
    };

  const paid = (result: SaleResult): void => {
    dispatch({ type: 'clear' });
    setLastReceipt(result.receipt.receiptNumber);
    setReceipt({
      receipt: result.receipt,
      changeCents: result.changeCents,
      title: `Sale complete: ${result.receipt.receiptNumber}`,
    });
    setPanel(null);
    onSyncChanged();
    if (result.stockWarnings.length > 0) {
      notify(
        'info',
        `Stock below zero for ${result.stockWarnings.map((w) => w.sku).join(', ')}: HQ will reconcile`,
      );
    }
  };

  const openReceipt = async (receiptNumber: string): Promise<void> => {
    const r = await call(api.receipt({ receiptNumber }));
    if (r.ok) {
      setPanel(null);
      setReceipt({ receipt: r.data, changeCents: null, title: `Receipt ${r.data.receiptNumber}` });
    }
  };

  const actions: KeyAction[] = [
    { ...K.help, run: () => setPanel('help') },
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
    { ...K.receipts, run: () => setPanel('receipts') },
    { ...K.void, run: () => setPanel('void') },
    { ...K.returns, run: () => setMode('returns') },
    { ...K.shift, run: () => setPanel('shift') },
    { ...K.sync, run: () => setPanel('sync') },
    {
      ...K.pay,
      run: () => {
        if (!needsItems('taking payment')) return;
        if (!totals) {
          notify('error', 'error' in priced ? priced.error : 'The cart cannot be priced');
          return;
        }
        if (!shift) {
          setPanel('shift');
          notify('error', 'Open the shift before taking payment');
          return;
        }
        setPanel('pay');
      },
    },
    {
      ...K.remove,
      run: () =>
        search.current?.text === '' &&
        selected &&
        dispatch({ type: 'remove', index: cart.selected }),
      show: false,
    },
    {
      ...K.cancel,
      run: () => cart.items.length > 0 && setPanel('cancel'),
      show: cart.items.length > 0,
    },
    { ...K.logout, run: () => setPanel('logout'), show: false },
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
  useKeyLayer({
    actions: mode === 'checkout' ? actions : [],
    onScan: (code) => void addByCode(code),
  });

  if (mode === 'returns') {
    return (
      <ReturnsScreen
        exchangeCart={cart}
        onDone={(result) => {
          setMode('checkout');
          if (result) {
            if (result.receipt.transactionType === 'exchange') dispatch({ type: 'clear' });
            setLastReceipt(result.receipt.receiptNumber);
            setReceipt({
              receipt: result.receipt,
              changeCents: result.changeCents,
              title: `${result.receipt.transactionType === 'exchange' ? 'Exchange' : 'Return'} complete: ${result.receipt.receiptNumber}`,
            });
            onSyncChanged();
          }
          focusSearchSoon();
        }}
      />
    );
  }

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
        <table className="cart" aria-label="Cart" data-testid="cart">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Item</th>
              <th className="num">Qty</th>
              <th className="num">Price</th>
              <th className="num">Discount</th>
              <th className="num">Total</th>
            </tr>
          </thead>
          <tbody>
            {cart.items.length === 0 ? (
              <tr className="empty">
                <td colSpan={6}>
                  Scan an item or type to search.{' '}
                  {cart.recalledFrom ? '' : 'F4 recalls a held sale.'}
                </td>
              </tr>
            ) : null}
            {cart.items.map((item, i) => {
              const line = totals?.lines[i];
              return (
                <tr
                  key={item.key}
                  className={i === cart.selected ? 'selected' : ''}
                  aria-selected={i === cart.selected}
                  onClick={() => dispatch({ type: 'select', index: i })}
                  data-testid="cart-line"
                  data-sku={item.sku}
                >
                  <td className="num">{i + 1}</td>
                  <td>
                    {item.productName}
                    <div className="muted">
                      {item.sku}
                      {item.onHand !== null && item.onHand - item.quantity < 0 ? (
                        <span className="warn"> · stock {item.onHand}</span>
                      ) : null}
                    </div>
                  </td>
                  <td className="num qty" data-testid="line-qty">
                    {item.quantity}
                  </td>
                  <td className="num">{formatMoney(item.unitPriceCents)}</td>
                  <td className="num">
                    {line && line.discountCents > 0 ? `−${formatMoney(line.discountCents)}` : ''}
                  </td>
                  <td className="num">{line ? formatMoney(line.netCents) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
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
          <dt>Tax</dt>
          <dd>{totals ? formatMoney(totals.taxCents, store.currency) : '—'}</dd>
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

      {panel === 'help' ? <HelpPanel onClose={close} /> : null}
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
          onApply={(discount, pin) => {
            dispatch({ type: 'lineDiscount', index: cart.selected, discount });
            if (pin) dispatch({ type: 'managerPin', pin });
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
          onApply={(discount, pin) => {
            dispatch({ type: 'orderDiscount', discount });
            if (pin) dispatch({ type: 'managerPin', pin });
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
      {panel === 'receipts' ? (
        <ReceiptsPanel onOpen={(n) => void openReceipt(n)} onClose={close} />
      ) : null}
      {panel === 'void' ? (
        <VoidPanel
          defaultReceipt={lastReceipt}
          onVoided={(voided) => {
            setPanel(null);
            setReceipt({
              receipt: voided,
              changeCents: null,
              title: `Voided: ${voided.receiptNumber}`,
            });
            onSyncChanged();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'shift' ? (
        <ShiftPanel
          shift={shift ?? null}
          onChanged={() => {
            void loadShift();
            onSyncChanged();
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'sync' ? <SyncPanel view={sync} onClose={close} /> : null}
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
      {panel === 'logout' ? (
        <ConfirmDialog
          title="Log out?"
          text={
            cart.items.length > 0
              ? 'The cart is not empty: it will be lost. Hold it first (F4) to keep it.'
              : `Log out ${staff.displayName}.`
          }
          confirm="Log out"
          onConfirm={() => void call(api.logout()).then(() => refresh())}
          onClose={close}
        />
      ) : null}
      {receipt ? (
        <ReceiptView
          receipt={receipt.receipt}
          changeCents={receipt.changeCents}
          title={receipt.title}
          onClose={() => {
            setReceipt(null);
            focusSearchSoon();
          }}
        />
      ) : null}
    </section>
  );
}
