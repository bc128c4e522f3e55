/**
 * What the screen says when money changes hands: who gives what to whom (issue 13, item 4).
 * Pure, from the recorded receipt: the amounts are the payments the till wrote, so the words
 * and the printed tenders always agree (a reprint says the same as the first print).
 */
import type { Receipt, ReceiptPayment } from '../../../contract/till-api/receipts';
import type { TenderInput } from '../../../core/tenders';
import { storedValueTenderName } from '../../../core/stored-value';

type Format = (cents: number) => string;

/** The moment a receipt is shown: just paid or refunded, just voided, or looked up again. */
export type ReceiptMoment = 'completed' | 'voided' | 'reprint';

const sum = (payments: readonly ReceiptPayment[], type: ReceiptPayment['tenderType']): number =>
  payments.filter((p) => p.tenderType === type).reduce((a, p) => a + p.amountCents, 0);

/** The change the customer got back in cash (0 when none). */
export function changeGiven(receipt: Receipt): number {
  return receipt.payments.reduce(
    (a, p) => a + (p.tenderType === 'cash' && p.changeCents !== null ? p.changeCents : 0),
    0,
  );
}

/** "gift card ••0042", "store credit ••0077", "gift cards" when more than one. */
function storedName(receipt: Receipt): string {
  const cards = receipt.payments.filter((p) => p.tenderType === 'stored_value');
  const first = cards[0];
  if (!first) return 'gift card';
  if (cards.length > 1) return 'gift cards and store credit';
  const name = storedValueTenderName(first.cardKind ?? null, first.cardLast4);
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
}

function cardName(receipt: Receipt): string {
  const last4 = receipt.payments.find((p) => p.tenderType === 'card' && p.cardLast4)?.cardLast4;
  return last4 ? `card ••${last4}` : 'card';
}

/**
 * The headline of the receipt dialog, or null when no money moves (a reprint). A sale says the
 * change to give; a refund what to give back and how; a void what to hand back.
 */
export function moneyHeadline(
  receipt: Receipt,
  moment: ReceiptMoment,
  money: Format,
): string | null {
  if (moment === 'reprint') return null;
  const cash = sum(receipt.payments, 'cash');
  const card = sum(receipt.payments, 'card');
  const card_ = cardName(receipt);
  const stored = sum(receipt.payments, 'stored_value');
  if (moment === 'voided' && receipt.totalCents >= 0 && stored > 0) {
    const back = [
      cash > 0 ? `give the customer back ${money(cash)} in cash` : null,
      card > 0 ? `${money(card)} goes back to the ${card_}` : null,
      `${money(stored)} goes back on the ${storedName(receipt)}`,
    ].filter(Boolean);
    return `Voided — ${back.join('; ')}`;
  }
  if (moment === 'voided') {
    // The sale's money goes back; a voided refund's money comes back to the drawer.
    if (receipt.totalCents < 0) {
      const parts = [
        cash !== 0 ? `take back ${money(-cash)} in cash from the customer` : null,
        card !== 0 ? `charge ${money(-card)} to the ${card_} again` : null,
      ].filter(Boolean);
      return `Voided refund — ${parts.join(' and ') || 'no money changes hands'}`;
    }
    if (cash > 0 && card > 0)
      return `Voided — give the customer back ${money(cash)} in cash and ${money(card)} to the ${card_}`;
    if (cash > 0) return `Voided — give the customer back ${money(cash)} in cash`;
    if (card > 0) return `Voided — ${money(card)} goes back to the customer's ${card_}`;
    return 'Voided — no money changes hands';
  }
  if (receipt.totalCents < 0) {
    if (cash < 0 && card < 0)
      return `Refund due — give the customer ${money(-cash)} in cash; ${money(-card)} goes back to the ${card_}`;
    if (cash < 0) return `Refund due — give the customer ${money(-cash)} in cash`;
    if (card < 0) return `Refund due — ${money(-card)} goes back to the customer's ${card_}`;
    return 'Nothing to refund';
  }
  const change = changeGiven(receipt);
  if (change > 0) return `Change due — give the customer ${money(change)}`;
  if (cash > 0) return 'No change due';
  if (card > 0) return `Paid by ${card_}: no cash changes hands`;
  if (stored > 0) return `Paid from the ${storedName(receipt)}: no cash changes hands`;
  return 'Nothing to pay';
}

/** Before a refund is recorded: what the cashier is about to give back, from the chosen tenders. */
export function refundHeadline(tenders: readonly TenderInput[], money: Format): string {
  const cash = tenders.reduce((a, t) => a + (t.type === 'cash' ? t.tenderedCents : 0), 0);
  const card = tenders.reduce((a, t) => a + (t.type === 'card' ? t.amountCents : 0), 0);
  if (cash > 0 && card > 0)
    return `Refund due — give the customer ${money(cash)} in cash; ${money(card)} goes back to the card`;
  if (cash > 0) return `Refund due — give the customer ${money(cash)} in cash`;
  if (card > 0) return `Refund due — ${money(card)} goes back to the customer's card`;
  return 'Nothing to refund';
}

/** A payment's line on the receipt: what was handed over or given back, and how. */
export function paymentLabel(p: ReceiptPayment, sentToHq: boolean): string {
  const refund = p.amountCents < 0;
  if (p.tenderType === 'cash') return refund ? 'Cash refunded' : 'Cash';
  if (p.tenderType === 'stored_value') {
    const name = storedValueTenderName(p.cardKind ?? null, p.cardLast4);
    return refund ? `Refunded to ${name.charAt(0).toLowerCase()}${name.slice(1)}` : name;
  }
  const card = `card${p.cardLast4 ? ` ••${p.cardLast4}` : ''}`;
  const offline =
    p.cardStatus === 'store_and_forward'
      ? sentToHq
        ? ' (taken offline, sent)'
        : ' (offline, to be sent)'
      : '';
  return `${refund ? `Refunded to ${card}` : `Card${card.slice(4)}`}${offline}`;
}

/** A payment's amount on the receipt: cash tendered for a sale, otherwise what moved. */
export function paymentAmount(p: ReceiptPayment): number {
  if (p.tenderType === 'cash' && p.tenderedCents !== null && p.amountCents > 0)
    return p.tenderedCents;
  return Math.abs(p.amountCents);
}

/** The Z report's over/short with its sign and its word, and the sentence for the manager. */
export function overShort(cents: number, money: Format): { figure: string; sentence: string } {
  if (cents === 0)
    return { figure: `${money(0)} even`, sentence: 'The drawer holds exactly what was expected' };
  if (cents > 0)
    return {
      figure: `+${money(cents)} over`,
      sentence: `The drawer holds ${money(cents)} more than expected`,
    };
  return {
    figure: `−${money(-cents)} short`,
    sentence: `The drawer holds ${money(-cents)} less than expected`,
  };
}
