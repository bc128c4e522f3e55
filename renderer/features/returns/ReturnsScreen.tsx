/**
 * Returns and exchanges from a receipt number (typed or scanned from the receipt's barcode).
 * Items in the checkout cart become the new items of an exchange: one transaction, the
 * difference settled either way.
 */
import { useState } from 'react';
import type { TenderInput } from '../../../core/tenders';
import { formatMoney, parseAmount } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import { useKeyLayer } from '../../shell/keys';
import { TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import type { CartState } from '../checkout/cart';
import { refundHeadline } from '../receipts/money-words';
import { ConfirmDialog } from '../checkout/EditDialogs';
import { NoReceiptReturn } from './NoReceiptReturn';
import { ReturnLinesTable } from './ReturnLinesTable';
import { ReturnSettle } from './ReturnSettle';
import { useReturnPlan } from './use-return-plan';
import type { SaleResult } from '../../../contract/till-api/sale';

export function ReturnsScreen(props: {
  exchangeCart: CartState;
  onDone: (result: SaleResult | null) => void;
}) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const staff = useStaff();
  const { notify } = useNotice();
  const plan = useReturnPlan(props.exchangeCart);
  const { loaded, picked, quote, newLines, transactionId } = plan;
  const [refundBy, setRefundBy] = useState<'original' | 'cash'>('original');
  const [tendered, setTendered] = useState('');
  const [pin, setPin] = useState('');
  const approver = useApprover();
  const [busy, setBusy] = useState(false);

  // F12 first asks (what goes back to whom); Enter in that dialog records the refund.
  const [confirming, setConfirming] = useState<{ text: string } | null>(null);
  const [noReceipt, setNoReceipt] = useState(false);

  const submit = async (confirmed = false): Promise<void> => {
    if (!loaded || busy) return;
    if (picked.problems.length > 0) {
      notify('error', picked.problems[0] ?? 'Check the quantities');
      return;
    }
    if (picked.lines.length === 0) {
      notify('error', 'Type how many of which item come back (at least one)');
      return;
    }
    if (!quote) {
      notify('error', 'The refund is still being worked out; press F12 again in a moment');
      return;
    }
    let tenders: TenderInput[] = [];
    if (quote.totalCents < 0) {
      tenders =
        refundBy === 'original'
          ? quote.defaultTenders
          : [{ type: 'cash', tenderedCents: -quote.totalCents }];
    } else if (quote.totalCents > 0) {
      const cash = parseAmount(tendered);
      if (!cash.ok) {
        notify('error', `Cash received: ${cash.message}`);
        return;
      }
      tenders = [{ type: 'cash', tenderedCents: cash.cents }];
    }
    if (!confirmed) {
      const money = (c: number): string => formatMoney(c, store.currency);
      setConfirming({
        text:
          quote.totalCents < 0
            ? refundHeadline(tenders, money)
            : quote.totalCents > 0
              ? `Take ${money(quote.totalCents)} from the customer`
              : 'No money changes hands',
      });
      return;
    }
    setConfirming(null);
    setBusy(true);
    const r = await call(
      api.commitReturn({
        transactionId: transactionId.current,
        originalReceiptNumber: loaded.receipt.receiptNumber,
        lines: picked.lines,
        newLines,
        tenders,
        managerPin: pin || undefined,
        ...(pin ? approver.input : {}),
      }),
    );
    setBusy(false);
    if (r.ok) props.onDone(r.data);
  };

  useKeyLayer({
    actions: [
      {
        key: 'F12',
        label: quote && quote.totalCents > 0 ? 'Take payment' : 'Refund',
        run: () => void submit(),
        disabled: !loaded,
      },
      { key: 'F6', label: 'No receipt', run: () => setNoReceipt(true) },
      { key: 'Escape', label: 'Back to checkout', run: () => props.onDone(null) },
    ],
    onScan: (code) => void plan.load(code),
  });

  return (
    <section
      className="screen returns"
      aria-labelledby="returns-title"
      data-testid="returns-screen"
    >
      <h1 id="returns-title">Return or exchange</h1>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void plan.load(plan.number);
        }}
      >
        <TextField
          label="Receipt number (type or scan)"
          name="receiptNumber"
          maxLength={80}
          autoFocus
          autoFocusField
          autoComplete="off"
          value={plan.number}
          onChange={(e) => plan.setNumber(e.target.value)}
          data-testid="return-receipt"
        />
        <button type="submit">Find (Enter)</button>
      </form>
      {loaded ? (
        <>
          <p>
            Receipt <strong>{loaded.receipt.receiptNumber}</strong> ·{' '}
            {new Date(loaded.receipt.occurredAt).toLocaleString('en-US')} · total{' '}
            {formatMoney(loaded.receipt.totalCents, store.currency)}
          </p>
          <ReturnLinesTable
            lines={loaded.lines}
            choices={plan.choices}
            currency={store.currency}
            onChoice={plan.setChoice}
          />
          {newLines.length > 0 ? (
            <p>Exchange: {newLines.length} new item(s) from the cart are included.</p>
          ) : null}
          <ReturnSettle
            problems={picked.problems}
            nothingPicked={picked.lines.length === 0}
            quote={quote}
            currency={store.currency}
            refundBy={refundBy}
            onRefundBy={setRefundBy}
            tendered={tendered}
            onTendered={setTendered}
            approval={
              staff.role !== 'manager' && newLines.some((l) => l.discount) ? (
                <>
                  {approver.field}
                  <TextField
                    label="Manager PIN (discounted exchange items)"
                    name="managerPin"
                    type="password"
                    maxLength={8}
                    value={pin}
                    onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                  />
                </>
              ) : null
            }
            busy={busy}
            onSubmit={() => void submit()}
          />
        </>
      ) : (
        <p className="muted">
          Scan the barcode on the receipt or type its number. No receipt: F6 (a manager approves).
          Esc goes back to checkout.
        </p>
      )}
      {noReceipt ? (
        <NoReceiptReturn
          onDone={(result) => props.onDone(result)}
          onClose={() => setNoReceipt(false)}
        />
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={quote && quote.totalCents > 0 ? 'Take the payment?' : 'Refund now?'}
          text={confirming.text}
          confirm={quote && quote.totalCents > 0 ? 'Take payment' : 'Refund'}
          onConfirm={() => void submit(true)}
          onClose={() => setConfirming(null)}
        />
      ) : null}
    </section>
  );
}
