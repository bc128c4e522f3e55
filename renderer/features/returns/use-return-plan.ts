/**
 * The return being planned on the returns screen: the receipt loaded (typed or scanned), what
 * the cashier picked on each line (checked here), and the till's quote for exactly that pick
 * (amounts always come from the till, never from the page).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { toCart, type CartState } from '../checkout/cart';
import type { Receipt } from '../../../contract/till-api/receipts';
import type { ReturnQuote, ReturnableLine } from '../../../contract/till-api/returns';

export const REASONS = [
  'Changed mind',
  'Defective',
  'Wrong size',
  'Not as described',
  'Damaged in transit',
];

export interface Choice {
  quantity: string;
  reason: string;
  restock: boolean;
}

export interface PickedLine {
  originalItemId: string;
  quantity: number;
  reason: string;
  restock: boolean;
}

export function useReturnPlan(exchangeCart: CartState) {
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  const [number, setNumber] = useState('');
  const [loaded, setLoaded] = useState<{ receipt: Receipt; lines: ReturnableLine[] } | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
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

  const newLines = useMemo(() => toCart(exchangeCart).lines, [exchangeCart]);

  // What the cashier picked, checked here; the amounts come from the till's own quote.
  const picked = useMemo(() => {
    const problems: string[] = [];
    const lines: PickedLine[] = [];
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

  const setChoice = (itemId: string, patch: Partial<Choice>): void => {
    setChoices((c) => {
      const current = c[itemId];
      return current ? { ...c, [itemId]: { ...current, ...patch } } : c;
    });
  };

  return {
    number,
    setNumber,
    load,
    loaded,
    choices,
    setChoice,
    newLines,
    picked,
    quote,
    transactionId,
  };
}
