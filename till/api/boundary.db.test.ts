/**
 * The till API is the renderer's trust boundary: malformed input is refused there, once, with
 * a message a cashier can act on, before anything touches the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../contract/errors';
import { cartLine, checkoutSnapshot, openCheckoutTill } from '../../test/fixtures/checkout';
import type { TestTill } from '../../test/fixtures/till';
import { apiFor } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

let t: TestTill;
let api: TillApi;

beforeAll(async () => {
  t = await openCheckoutTill();
  api = apiFor(t);
});

/** The call is refused as `validation` with `message` (when given), and nothing was written. */
async function refused(call: () => Promise<Result<unknown>>, message?: string | RegExp) {
  const before = await checkoutSnapshot(t);
  const result = await call();
  expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
  if (message !== undefined && !result.ok) expect(result.error.message).toMatch(message);
  expect(await checkoutSnapshot(t)).toEqual(before);
}

afterAll(async () => {
  await t.close();
});

describe('till API boundary', () => {
  it('rejects malformed input at the boundary without touching the database', async () => {
    expect(
      await api.login({ staffId: t.cashier.staffId, pin: 1234 as unknown as string }),
    ).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    expect(await api.scan({ code: 'x'.repeat(5_000) })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
    expect(await api.scan({ code: 'x'.repeat(20_000) })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect(await api.scan({ code: '9999999999999' })).toMatchObject({
      ok: false,
      error: { kind: 'not_found', message: 'No product has the code 9999999999999' },
    });
    expect(await api.enroll({ hqUrl: 'not a url', code: 'ABCD-1234' })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    const search = await api.search({ query: `${'shoe '.repeat(1_000)}'&|!:*` });
    expect(search.ok).toBe(true);
  });

  it('checks every shape rule once, here: the database code behind it trusts its input', async () => {
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    const sale = (line: ReturnType<typeof cartLine>) =>
      api.commitSale({
        transactionId: t.till.ids(),
        cart: { lines: [line] },
        tenders: [{ type: 'cash', tenderedCents: 100_000_000 }],
      });
    await refused(() => sale(cartLine(t, 0, -1)), 'quantity must be at least 1');
    await refused(() => sale(cartLine(t, 0, 1.5)), 'quantity must be a whole number');
    await refused(() => sale(cartLine(t, 0, 1, { discount: { kind: 'percent', ppm: 1_000_001 } })));
    await refused(() =>
      api.commitSale({
        transactionId: 'not-a-uuid',
        cart: { lines: [cartLine(t, 0)] },
        tenders: [{ type: 'cash', tenderedCents: 100_000_000 }],
      }),
    );
    await refused(() =>
      api.commitSale({
        transactionId: t.till.ids(),
        cart: { lines: [cartLine(t, 0)] },
        tenders: [{ type: 'card', amountCents: 100, last4: '12' }],
      }),
    );

    const sold = await sale(cartLine(t, 0, 2));
    if (!sold.ok) throw new Error(sold.error.message);
    const receiptNumber = sold.data.receipt.receiptNumber;
    const itemId = sold.data.receipt.lines[0]?.itemId ?? '';
    await refused(
      () => api.voidSale({ receiptNumber, reason: '   ', managerPin: t.manager.pin }),
      'Give a reason for the void',
    );
    await refused(
      () => api.quoteReturn({ originalReceiptNumber: receiptNumber, lines: [] }),
      'Choose at least one line to return',
    );
    await refused(
      () =>
        api.commitReturn({
          transactionId: t.till.ids(),
          originalReceiptNumber: receiptNumber,
          lines: [{ originalItemId: itemId, quantity: 1, reason: ' ', restock: true }],
          tenders: [],
        }),
      'Give a reason for every returned line',
    );
    await refused(
      () =>
        api.commitReturn({
          transactionId: t.till.ids(),
          originalReceiptNumber: receiptNumber,
          lines: [{ originalItemId: itemId, quantity: 0, reason: 'x', restock: true }],
          tenders: [],
        }),
      'The quantity must be at least 1',
    );
    await refused(
      () => api.createCustomer({ firstName: ' ', lastName: 'Lovelace' }),
      'The first name is required',
    );
    await refused(
      () => api.createCustomer({ firstName: 'Ada', lastName: 'Lovelace', email: 'not-an-email' }),
      'That is not a valid email address',
    );
    await refused(
      () => api.createCustomer({ firstName: 'Ada', lastName: 'Lovelace', phone: 'call me' }),
      'That is not a valid phone number',
    );
    await refused(() => api.holdCart({ cart: { lines: [cartLine(t, 0)] }, label: 'x'.repeat(61) }));
    await refused(() => api.recallCart({ holdId: 'nope' }));
    await refused(() => api.moveCash({ kind: 'out', amountCents: 0, reason: 'bank drop' }));
    await refused(
      () => api.moveCash({ kind: 'out', amountCents: 500, reason: '  ' }),
      'Give a reason',
    );
    await refused(() => api.closeShift({ countedCashCents: -1, managerPin: t.manager.pin }));

    // Blank email and phone are "not given", and names are trimmed, before the database sees them.
    const ada = await api.createCustomer({
      firstName: ' Ada ',
      lastName: 'Lovelace',
      email: ' ',
      phone: '',
    });
    expect(ada).toMatchObject({
      ok: true,
      data: { firstName: 'Ada', lastName: 'Lovelace', email: null, phone: null },
    });
  });
});
