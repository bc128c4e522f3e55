/**
 * Returns and exchanges from a receipt number (typed or scanned from the receipt's barcode).
 * Items in the checkout cart become the new items of an exchange: one transaction, the
 * difference settled either way.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import type { TenderInput } from '../../../core/tenders';
import { formatMoney, parseAmount } from '../../shell/amounts';
import { useCall } from '../../shell/call';
import { useApi, useNotice, useStaff, useStore } from '../../shell/context';
import { useKeyLayer } from '../../shell/keys';
import { TextField } from '../../shell/ui';
import { useApprover } from '../../shell/approver';
import { toCart, type CartState } from '../checkout/cart';
import { refundHeadline } from '../receipts/money-words';
import { ConfirmDialog } from '../checkout/EditDialogs';
import { NoReceiptReturn } from './NoReceiptReturn';
import type { Receipt, ReturnQuote, ReturnableLine, SaleResult } from '../../../contract/till-api';

const REASONS = [
  'Changed mind',
  'Defective',
  'Wrong size',
  'Not as described',
  'Damaged in transit',
];

interface Choice {
  quantity: string;
  reason: string;
  restock: boolean;
}

export function ReturnsScreen(props: {
  exchangeCart: CartState;
  onDone: (result: SaleResult | null) => void;
}) {
  const api = useApi();
  const call = useCall();
  const store = useStore();
  const staff = useStaff();
  const { notify } = useNotice();
  const [number, setNumber] = useState('');
  const [loaded, setLoaded] = useState<{ receipt: Receipt; lines: ReturnableLine[] } | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [refundBy, setRefundBy] = useState<'original' | 'cash'>('original');
  const [tendered, setTendered] = useState('');
  const [pin, setPin] = useState('');
  const approver = useApprover();
  const [busy, setBusy] = useState(false);
  const transactionId = useRef(uuidv7());

  const load = async (receiptNumber: string): Promise<void> => {
    const trimmed = receiptNumber.trim();
    if (trimmed === '') {
      notify('error', 'Type or scan the receipt number');
      return;
    }
    const r = await call(api.returnableLines({ receiptNumber: trimmed }));
    if (!r.ok) return;
    setNumber(r.data.receipt.receiptNumber);
    setLoaded(r.data);
    setChoices(
      Object.fromEntries(
        r.data.lines.map((l) => [
          l.itemId,
          { quantity: '0', reason: REASONS[0] ?? 'Changed mind', restock: true },
        ]),
      ),
    );
    transactionId.current = uuidv7();
    if (r.data.receipt.status === 'voided')
      notify(
        'error',
        `Receipt ${r.data.receipt.receiptNumber} was voided: nothing can be returned`,
      );
  };

  const newLines = useMemo(() => toCart(props.exchangeCart).lines, [props.exchangeCart]);

  // What the cashier picked, checked here; the amounts come from the till's own quote.
  const picked = useMemo(() => {
    const problems: string[] = [];
    const lines: Array<{
      originalItemId: string;
      quantity: number;
      reason: string;
      restock: boolean;
    }> = [];
    for (const line of loaded?.lines ?? []) {
      const choice = choices[line.itemId];
      if (!choice) continue;
      if (!/^\d{1,4}$/.test(choice.quantity.trim())) {
        problems.push(`${line.sku}: the quantity must be a whole number`);
        continue;
      }
      const q = Number(choice.quantity);
      if (q === 0) continue;
      if (q > line.returnableQuantity) {
        problems.push(`${line.sku}: at most ${line.returnableQuantity} can be returned`);
        continue;
      }
      lines.push({
        originalItemId: line.itemId,
        quantity: q,
        reason: choice.reason,
        restock: choice.restock,
      });
    }
    return { problems, lines };
  }, [loaded, choices]);

  // A quote answers one request; it is shown only while that request is still the current one.
  const request = useMemo(
    () =>
      loaded && picked.lines.length > 0 && picked.problems.length === 0
        ? { originalReceiptNumber: loaded.receipt.receiptNumber, lines: picked.lines, newLines }
        : null,
    [loaded, picked, newLines],
  );
  const [quoted, setQuoted] = useState<{ request: unknown; quote: ReturnQuote } | null>(null);
  useEffect(() => {
    if (!request) return;
    void call(api.quoteReturn(request)).then((r) => {
      if (r.ok) setQuoted({ request, quote: r.data });
    });
  }, [api, call, request]);
  const quote = quoted && quoted.request === request ? quoted.quote : null;

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
    onScan: (code) => void load(code),
  });

  const set = (itemId: string, patch: Partial<Choice>): void => {
    setChoices((c) => {
      const current = c[itemId];
      return current ? { ...c, [itemId]: { ...current, ...patch } } : c;
    });
  };

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
          void load(number);
        }}
      >
        <TextField
          label="Receipt number (type or scan)"
          name="receiptNumber"
          maxLength={80}
          autoFocus
          autoFocusField
          autoComplete="off"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
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
          <table className="table returns-lines">
            <thead>
              <tr>
                <th>Item</th>
                <th className="num">Sold</th>
                <th className="num">Returnable</th>
                <th>Return qty</th>
                <th>Reason</th>
                <th>Back to stock</th>
              </tr>
            </thead>
            <tbody>
              {loaded.lines.map((l, i) => {
                const c = choices[l.itemId];
                return (
                  <tr key={l.itemId} data-testid="return-line" data-sku={l.sku}>
                    <td>
                      {l.productName}
                      <div className="muted">
                        {l.sku} · paid {formatMoney(l.totalCents + l.taxCents, store.currency)}
                      </div>
                    </td>
                    <td className="num">{l.quantity}</td>
                    <td className="num">{l.returnableQuantity}</td>
                    <td>
                      <input
                        aria-label={`Return quantity of ${l.productName}`}
                        className="qty-input"
                        inputMode="numeric"
                        maxLength={4}
                        value={c?.quantity ?? '0'}
                        disabled={l.returnableQuantity === 0}
                        onFocus={(e) => e.target.select()}
                        onChange={(e) => set(l.itemId, { quantity: e.target.value })}
                        autoFocus={i === 0}
                        data-testid="return-qty"
                      />
                    </td>
                    <td>
                      <select
                        aria-label={`Reason for ${l.productName}`}
                        value={c?.reason}
                        onChange={(e) => set(l.itemId, { reason: e.target.value })}
                      >
                        {REASONS.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Put ${l.productName} back in stock`}
                        checked={c?.restock ?? true}
                        onChange={(e) => set(l.itemId, { restock: e.target.checked })}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {newLines.length > 0 ? (
            <p>Exchange: {newLines.length} new item(s) from the cart are included.</p>
          ) : null}
          <div className="returns-settle">
            {picked.problems.map((p) => (
              <p key={p} className="error-text">
                {p}
              </p>
            ))}
            {quote === null ? (
              <p className="muted">
                {picked.lines.length === 0
                  ? 'Type the quantity coming back on each line.'
                  : 'Working out the refund…'}
              </p>
            ) : quote.totalCents <= 0 ? (
              <>
                <p className="grand-total">
                  <span>Refund</span>{' '}
                  <strong data-testid="refund-total">
                    {formatMoney(-quote.totalCents, store.currency)}
                  </strong>
                </p>
                <p className="money-headline" data-testid="refund-headline">
                  {refundHeadline(
                    refundBy === 'original'
                      ? quote.defaultTenders
                      : [{ type: 'cash', tenderedCents: -quote.totalCents }],
                    (c) => formatMoney(c, store.currency),
                  )}
                </p>
                <fieldset className="radio-row">
                  <legend>Refund to</legend>
                  <label>
                    <input
                      type="radio"
                      name="refundBy"
                      checked={refundBy === 'original'}
                      onChange={() => setRefundBy('original')}
                    />{' '}
                    As paid (
                    {quote.defaultTenders
                      .map((t) =>
                        t.type === 'cash'
                          ? `cash ${formatMoney(t.tenderedCents, store.currency)}`
                          : `card ${formatMoney(t.amountCents, store.currency)}`,
                      )
                      .join(' + ') || 'nothing'}
                    )
                  </label>
                  <label>
                    <input
                      type="radio"
                      name="refundBy"
                      checked={refundBy === 'cash'}
                      onChange={() => setRefundBy('cash')}
                    />{' '}
                    All cash
                  </label>
                </fieldset>
              </>
            ) : (
              <>
                <p className="grand-total">
                  <span>Customer pays</span>{' '}
                  <strong>{formatMoney(quote.totalCents, store.currency)}</strong>
                </p>
                <p className="money-headline">
                  Take {formatMoney(quote.totalCents, store.currency)} from the customer
                </p>
                <TextField
                  label="Cash received"
                  name="tendered"
                  inputMode="decimal"
                  maxLength={12}
                  value={tendered}
                  onChange={(e) => setTendered(e.target.value)}
                />
              </>
            )}
            {staff.role !== 'manager' && newLines.some((l) => l.discount) ? approver.field : null}
            {staff.role !== 'manager' && newLines.some((l) => l.discount) ? (
              <TextField
                label="Manager PIN (discounted exchange items)"
                name="managerPin"
                type="password"
                maxLength={8}
                value={pin}
                onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
              />
            ) : null}
            <button
              type="button"
              className="primary"
              disabled={busy || quote === null}
              onClick={() => void submit()}
              data-testid="commit-return"
            >
              {quote && quote.totalCents > 0 ? 'Take payment' : 'Refund'} (F12)
            </button>
          </div>
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
