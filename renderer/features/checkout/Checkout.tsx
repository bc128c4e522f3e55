/**
 * The checkout screen: the search/scan box, the cart, live totals, and the cart's own keys and
 * dialogs (customer, hold/recall, quantity, discounts, pay, cancel). The sale in progress, the
 * shift, the receipt overlay and the panels every screen shares belong to the shell
 * (renderer/shell/Workspace.tsx), handed in as `workspace`. Totals come from the till's own
 * pricing code (core/pricing.ts), so what the cashier sees is what the sale records.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useCall } from '../../shell/call';
import { useNotice, useSession, useStore } from '../../shell/context';
import { useKeyLayer, type KeyAction } from '../../shell/keys';
import { scanFailedCue } from '../../shell/cue';
import { CHECKOUT_KEYS as K } from '../../shell/shortcuts';
import type { WorkspaceHandle } from '../../shell/workspace-handle';
import { SearchBox, type SearchBoxHandle } from '../search/SearchBox';
import { CartTable } from './CartTable';
import { CheckoutDialogs, type Panel } from './CheckoutDialogs';
import { TotalsAside } from './TotalsAside';
import { useCartPricing } from './use-cart-pricing';
import { usePriceEntry } from './PriceDialog';
import type { SaleResult } from '../../../contract/till-api/sale';

export function Checkout({ workspace }: { workspace: WorkspaceHandle }) {
  const { api } = useSession();
  const call = useCall();
  const store = useStore();
  const { notify, clear: clearNotice } = useNotice();
  const { cart, dispatch, shift, focusSoon, registerFocus, keys: shellKeys } = workspace;
  const [panel, setPanel] = useState<Panel>(null);
  const search = useRef<SearchBoxHandle>(null);

  // When the shell's panels or the receipt close, focus comes back to the scan box.
  useEffect(() => registerFocus(() => search.current?.focus()), [registerFocus]);

  const { promotions, price, priced, totals } = useCartPricing(cart);

  const close = useCallback(() => {
    setPanel(null);
    focusSoon();
  }, [focusSoon]);
  const prices = usePriceEntry({ cart, dispatch, onClosed: focusSoon });
  const { add: addProduct } = prices;

  const addByCode = useCallback(
    async (code: string): Promise<boolean> => {
      const r = await call(api.scan({ code }), { quiet: true });
      if (r.ok) {
        addProduct(r.data);
        clearNotice(); // an earlier error is stale once the next item went through
      } else {
        notify('error', `${r.error.message}. Nothing was added.`);
        scanFailedCue();
      }
      return r.ok;
    },
    [api, call, notify, clearNotice, addProduct],
  );

  const selected = cart.items[cart.selected];
  const needsItems = (what: string): boolean => {
    if (cart.items.length > 0) return true;
    notify('error', `The cart is empty: scan an item before ${what}`);
    return false;
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

  const startPayment = (which: 'pay' | 'payCard'): void => {
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
    setPanel(which);
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
    prices.key,
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
    shellKeys.noSale,
    shellKeys.sync,
    {
      ...K.giftCard,
      run: () => startPayment('payCard'),
      // In the help (F1) and on the payment's key bar, not the cart's: it keeps its width.
      show: false,
    },
    { ...K.pay, run: () => startPayment('pay') },
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
            onPick={prices.add}
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
      <TotalsAside
        cart={cart}
        totals={totals}
        error={'error' in priced ? priced.error : null}
        noShift={shift === null}
        onPay={() => actions.find((a) => a.key === K.pay.key)?.run()}
      />

      {prices.dialog}
      <CheckoutDialogs
        panel={panel}
        cart={cart}
        dispatch={dispatch}
        price={price}
        promotions={promotions}
        totals={totals}
        onPaid={paid}
        close={close}
      />
    </section>
  );
}
