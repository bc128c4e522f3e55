/**
 * The logged-in workspace (the app shell around the screens): which screen is up (checkout, or
 * returns and exchanges), the sale in progress that both share (the exchange items of a return
 * are the cart's), the register's shift, the receipt on screen, and the panels every screen
 * reaches by function key: help (F1), receipts (F7), void (F8), shift (F10), sync (F11) and
 * log out (Ctrl+L). A screen owns its own keys and dialogs; the shell's keys join the screen's
 * key layer (`WorkspaceHandle.keys`), so the key bar shows them in one row.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Receipt } from '../../contract/till-api/receipts';
import type { SaleResult } from '../../contract/till-api/sale';
import type { ShiftSummary } from '../../contract/till-api/shift';
import { Checkout } from '../features/checkout/Checkout';
import { cartReducer, emptyCart } from '../features/checkout/cart';
import { ConfirmDialog } from '../features/checkout/EditDialogs';
import { HelpPanel } from '../features/help/HelpPanel';
import { ReceiptsPanel } from '../features/receipts/ReceiptsPanel';
import { ReceiptView } from '../features/receipts/ReceiptView';
import type { ReceiptMoment } from '../features/receipts/money-words';
import { ReturnsScreen } from '../features/returns/ReturnsScreen';
import { NoSaleDialog } from '../features/shift/NoSaleDialog';
import { ShiftPanel } from '../features/shift/ShiftPanel';
import { SyncPanel } from '../features/sync/SyncPanel';
import { VoidPanel } from '../features/voids/VoidPanel';
import { useCall } from './call';
import { useSession, useStaff } from './context';
import { CHECKOUT_KEYS as K } from './shortcuts';
import type { ShellKeys, ShellPanel, WorkspaceHandle } from './workspace-handle';

interface ShownReceipt {
  receipt: Receipt;
  moment: ReceiptMoment;
  title: string;
}

export function Workspace() {
  const { api, refresh } = useSession();
  const call = useCall();
  const staff = useStaff();
  const [cart, dispatch] = useReducer(cartReducer, emptyCart);
  const [panel, setPanel] = useState<ShellPanel>(null);
  const [screen, setScreen] = useState<'checkout' | 'returns'>('checkout');
  const [receipt, setReceipt] = useState<ShownReceipt | null>(null);
  const [lastReceipt, setLastReceipt] = useState('');
  const [shift, setShift] = useState<ShiftSummary | null | undefined>(undefined);
  const focusTarget = useRef<(() => void) | null>(null);

  /** Back to the screen once a dialog closed, unless the cashier already opened another. */
  const focusSoon = useCallback(() => {
    setTimeout(() => {
      if (!document.querySelector('[role="dialog"]')) focusTarget.current?.();
    }, 0);
  }, []);

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
    focusSoon();
  }, [focusSoon]);

  const completed = useCallback((result: SaleResult, title: string) => {
    setLastReceipt(result.receipt.receiptNumber);
    setPanel(null);
    setReceipt({ receipt: result.receipt, moment: 'completed', title });
  }, []);

  const openReceipt = async (receiptNumber: string): Promise<void> => {
    const r = await call(api.receipt({ receiptNumber }));
    if (r.ok) {
      setPanel(null);
      setReceipt({ receipt: r.data, moment: 'reprint', title: `Receipt ${r.data.receiptNumber}` });
    }
  };

  const keys = useMemo<ShellKeys>(
    () => ({
      help: { ...K.help, run: () => setPanel('help') },
      receipts: { ...K.receipts, run: () => setPanel('receipts') },
      void: { ...K.void, run: () => setPanel('void') },
      returns: { ...K.returns, run: () => setScreen('returns') },
      shift: { ...K.shift, run: () => setPanel('shift') },
      noSale: { ...K.noSale, run: () => setPanel('noSale'), show: false },
      sync: { ...K.sync, run: () => setPanel('sync') },
      logout: { ...K.logout, run: () => setPanel('logout'), show: false },
    }),
    [],
  );

  const registerFocus = useCallback((focus: () => void) => {
    focusTarget.current = focus;
    return () => {
      if (focusTarget.current === focus) focusTarget.current = null;
    };
  }, []);

  const handle: WorkspaceHandle = {
    cart,
    dispatch,
    shift,
    keys,
    openPanel: setPanel,
    completed,
    registerFocus,
    focusSoon,
  };

  if (screen === 'returns') {
    return (
      <ReturnsScreen
        exchangeCart={cart}
        onDone={(result) => {
          setScreen('checkout');
          if (result) {
            if (result.receipt.transactionType === 'exchange') dispatch({ type: 'clear' });
            completed(
              result,
              `${result.receipt.transactionType === 'exchange' ? 'Exchange' : 'Return'} complete: ${result.receipt.receiptNumber}`,
            );
          }
          focusSoon();
        }}
      />
    );
  }

  return (
    <>
      <Checkout workspace={handle} />
      {panel === 'help' ? <HelpPanel onClose={close} /> : null}
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
              moment: 'voided',
              title: `Voided: ${voided.receiptNumber}`,
            });
          }}
          onClose={close}
        />
      ) : null}
      {panel === 'shift' ? (
        <ShiftPanel shift={shift ?? null} onChanged={() => void loadShift()} onClose={close} />
      ) : null}
      {panel === 'noSale' ? <NoSaleDialog onClose={close} /> : null}
      {panel === 'sync' ? <SyncPanel onClose={close} /> : null}
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
          moment={receipt.moment}
          title={receipt.title}
          onClose={() => {
            setReceipt(null);
            focusSoon();
          }}
        />
      ) : null}
    </>
  );
}
