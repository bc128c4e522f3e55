import { describe, expect, it } from 'vitest';
import { InsufficientTenderError, ValidationError } from './errors';
import { seededIdGenerator } from './ids';
import { TenderInput, settleTenders } from './tenders';

const opts = (online = true) => ({
  online,
  offlineCardLimitCents: 50_000,
  newId: seededIdGenerator(1),
  currency: 'USD',
});

describe('settleTenders', () => {
  it('gives change on cash and settles split tenders card-first', () => {
    expect(settleTenders(1234, [{ type: 'cash', tenderedCents: 2000 }], opts()).changeCents).toBe(
      766,
    );
    const split = settleTenders(
      1234,
      [
        { type: 'card', amountCents: 1000 },
        { type: 'cash', tenderedCents: 500 },
      ],
      opts(),
    );
    expect(split.payments.map((p) => [p.tenderType, p.amountCents, p.changeCents])).toEqual([
      ['card', 1000, null],
      ['cash', 234, 266],
    ]);
  });

  it("words its refusals in the store's currency, never as bare figures", () => {
    const store = { ...opts(false), currency: 'USD', locale: 'en-US' };
    expect(() => settleTenders(525_169, [{ type: 'cash', tenderedCents: 500_000 }], store)).toThrow(
      'Tendered $5,000.00 is short of the total $5,251.69 by $251.69',
    );
    expect(() => settleTenders(1234, [{ type: 'card', amountCents: 2000 }], store)).toThrow(
      'Card amounts ($20.00) exceed the amount due ($12.34)',
    );
    expect(() => settleTenders(90_000, [{ type: 'card', amountCents: 90_000 }], store)).toThrow(
      'Offline card payments are limited to $500.00 per sale',
    );
    const euro = { ...store, currency: 'EUR', locale: 'de-DE' };
    expect(() => settleTenders(1234, [{ type: 'cash', tenderedCents: 1000 }], euro)).toThrow(
      'Tendered 10,00\u00a0€ is short of the total 12,34\u00a0€ by 2,34\u00a0€',
    );
  });

  it('refuses short tenders, card over the total, two cash tenders and unneeded cash', () => {
    expect(() => settleTenders(1234, [{ type: 'cash', tenderedCents: 1000 }], opts())).toThrow(
      InsufficientTenderError,
    );
    expect(() => settleTenders(1234, [{ type: 'card', amountCents: 2000 }], opts())).toThrow(
      /exceed/,
    );
    expect(() =>
      settleTenders(
        1234,
        [
          { type: 'cash', tenderedCents: 1000 },
          { type: 'cash', tenderedCents: 1000 },
        ],
        opts(),
      ),
    ).toThrow(ValidationError);
    expect(() =>
      settleTenders(
        1000,
        [
          { type: 'card', amountCents: 1000 },
          { type: 'cash', tenderedCents: 5 },
        ],
        opts(),
      ),
    ).toThrow(/Nothing is left/);
  });

  it('is given only tenders its schema accepts: positive amounts, a four-digit card ending', () => {
    // Checked once, where tenders enter (the till API's input schema uses `TenderInput`).
    expect(TenderInput.safeParse({ type: 'card', amountCents: 1000 }).success).toBe(true);
    expect(TenderInput.safeParse({ type: 'card', amountCents: 0 }).success).toBe(false);
    expect(TenderInput.safeParse({ type: 'cash', tenderedCents: -5 }).success).toBe(false);
    expect(TenderInput.safeParse({ type: 'card', amountCents: 5, last4: '12' }).success).toBe(
      false,
    );
  });

  it('marks offline card payments store-and-forward and caps them', () => {
    expect(
      settleTenders(1000, [{ type: 'card', amountCents: 1000 }], opts(false)).payments[0]
        ?.cardStatus,
    ).toBe('store_and_forward');
    expect(() =>
      settleTenders(60_000, [{ type: 'card', amountCents: 60_000 }], opts(false)),
    ).toThrow(/Offline card/);
  });

  it('settles refunds only when tenders add up exactly, as negative payments', () => {
    const r = settleTenders(
      -1500,
      [
        { type: 'card', amountCents: 1000 },
        { type: 'cash', tenderedCents: 500 },
      ],
      opts(),
    );
    expect(r.payments.map((p) => p.amountCents)).toEqual([-1000, -500]);
    expect(() => settleTenders(-1500, [{ type: 'cash', tenderedCents: 1000 }], opts())).toThrow(
      /add up/,
    );
  });
});
