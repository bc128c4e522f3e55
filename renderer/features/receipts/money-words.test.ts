import { describe, expect, it } from 'vitest';
import type { Receipt, ReceiptPayment } from '../../../contract/till-api/receipts';
import { moneyHeadline, overShort, paymentAmount, paymentLabel } from './money-words';

const money = (c: number): string => `$${(c / 100).toFixed(2)}`;

const pay = (p: Partial<ReceiptPayment> & Pick<ReceiptPayment, 'tenderType' | 'amountCents'>) =>
  ({
    paymentId: 'p',
    tenderedCents: null,
    changeCents: null,
    cardStatus: p.tenderType === 'card' ? 'approved' : null,
    cardLast4: null,
    ...p,
  }) satisfies ReceiptPayment;

const receipt = (totalCents: number, payments: ReceiptPayment[]): Receipt =>
  ({ totalCents, payments }) as Receipt;

describe('who gives what to whom', () => {
  it('a cash sale says the change to give', () => {
    const r = receipt(1841, [
      pay({ tenderType: 'cash', amountCents: 1841, tenderedCents: 2000, changeCents: 159 }),
    ]);
    expect(moneyHeadline(r, 'completed', money)).toBe('Change due — give the customer $1.59');
    expect(moneyHeadline(r, 'reprint', money)).toBeNull();
  });
  it('a cash refund headlines the refund due, a card refund where it goes', () => {
    const cash = receipt(-1159, [
      pay({ tenderType: 'cash', amountCents: -1159, tenderedCents: -1159, changeCents: 0 }),
    ]);
    expect(moneyHeadline(cash, 'completed', money)).toBe(
      'Refund due — give the customer $11.59 in cash',
    );
    const split = receipt(-3000, [
      pay({ tenderType: 'card', amountCents: -2000, cardLast4: '4242' }),
      pay({ tenderType: 'cash', amountCents: -1000, tenderedCents: -1000, changeCents: 0 }),
    ]);
    expect(moneyHeadline(split, 'completed', money)).toBe(
      'Refund due — give the customer $10.00 in cash; $20.00 goes back to the card ••4242',
    );
  });
  it('a void says to hand the money back (or take it back for a voided refund)', () => {
    const sale = receipt(1841, [
      pay({ tenderType: 'cash', amountCents: 1841, tenderedCents: 2000, changeCents: 159 }),
    ]);
    expect(moneyHeadline(sale, 'voided', money)).toBe(
      'Voided — give the customer back $18.41 in cash',
    );
    const refund = receipt(-500, [
      pay({ tenderType: 'cash', amountCents: -500, tenderedCents: -500 }),
    ]);
    expect(moneyHeadline(refund, 'voided', money)).toBe(
      'Voided refund — take back $5.00 in cash from the customer',
    );
  });
  it('labels refunds and offline cards, sent or not', () => {
    const card = pay({
      tenderType: 'card',
      amountCents: 500,
      cardStatus: 'store_and_forward',
      cardLast4: '4242',
    });
    expect(paymentLabel(card, false)).toBe('Card ••4242 (offline, to be sent)');
    expect(paymentLabel(card, true)).toBe('Card ••4242 (taken offline, sent)');
    expect(paymentLabel(pay({ tenderType: 'card', amountCents: -500 }), true)).toBe(
      'Refunded to card',
    );
    const refund = pay({ tenderType: 'cash', amountCents: -500, tenderedCents: -500 });
    expect([paymentLabel(refund, false), paymentAmount(refund)]).toEqual(['Cash refunded', 500]);
  });
  it('a gift card or store credit is named by its kind on the receipt and in the headline', () => {
    const gift = pay({
      tenderType: 'stored_value',
      amountCents: 2000,
      cardLast4: '0042',
      cardKind: 'gift_card',
    });
    const credit = pay({
      tenderType: 'stored_value',
      amountCents: -700,
      cardLast4: '0077',
      cardKind: 'store_credit',
    });
    expect(paymentLabel(gift, false)).toBe('Gift card ••0042');
    expect(paymentLabel(credit, false)).toBe('Refunded to store credit ••0077');
    expect(moneyHeadline(receipt(2000, [gift]), 'completed', money)).toBe(
      'Paid from the gift card ••0042: no cash changes hands',
    );
    const split = receipt(2500, [
      gift,
      pay({ tenderType: 'cash', amountCents: 500, tenderedCents: 500, changeCents: 0 }),
    ]);
    expect(moneyHeadline(split, 'voided', money)).toBe(
      'Voided — give the customer back $5.00 in cash; $20.00 goes back on the gift card ••0042',
    );
  });
  it('over/short has a sign and a word', () => {
    expect(overShort(125, money).figure).toBe('+$1.25 over');
    expect(overShort(-125, money)).toEqual({
      figure: '−$1.25 short',
      sentence: 'The drawer holds $1.25 less than expected',
    });
    expect(overShort(0, money).figure).toBe('$0.00 even');
  });
});
