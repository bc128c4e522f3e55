/**
 * One gift card, two stores, both offline (issue 18, item 1), against the real HQ service and
 * two real PGlite tills behind fault proxies: each till redeems from its own register's
 * allowance without HQ and is refused beyond it; when both come back, HQ settles every
 * redemption exactly once and the card was never spent beyond its balance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { cardBalance, grantAllowance, issueCard } from '../../db/central/stored-value';
import { commitSale } from '../../db/checkout/sale';
import { currentShift, openShift } from '../../db/checkout/shifts';
import { lookUpStoredValueCard } from '../../db/checkout/stored-value';
import { PosError } from '../../db/errors';
import type { SaleResult } from '../../contract/till-api/sale';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import { eventually, openSyncTill, startTestHq, type TestHq, type TestTillHandle } from './harness';

const CARD = '7100000000000042';
let hq: TestHq;
const proxies: FaultProxy[] = [];
let seattle: TestTillHandle;
let redmond: TestTillHandle;

beforeAll(async () => {
  hq = await startTestHq();
  const open = async (storeId: string) => {
    const proxy = await startFaultProxy({ target: hq.url, seed: proxies.length + 1, rates: {} });
    proxies.push(proxy);
    return openSyncTill({ url: proxy.url, code: await hq.code(storeId), storeId });
  };
  seattle = await open('seattle');
  redmond = await open('redmond');
});

afterAll(async () => {
  await seattle?.close();
  await redmond?.close();
  for (const p of proxies) await p.close();
  await hq?.close();
});

async function available(t: TestTillHandle): Promise<number | string> {
  const till = await t.till();
  return lookUpStoredValueCard(till, { currency: 'USD' }, CARD).then(
    (v) => v.availableCents,
    (e: unknown) => (e instanceof PosError ? e.message : String(e)),
  );
}

/** A sale of one product, `fromCardCents` paid from the card and the rest in cash. */
async function redeem(t: TestTillHandle, fromCardCents: number): Promise<SaleResult> {
  const till = await t.till();
  if (!(await currentShift(till))) {
    await openShift(till, { staffId: t.cashierId, openingFloatCents: 10_000 });
  }
  const { rows } = await t.store.db.query<{
    product_id: string;
    sku: string;
    product_name: string;
    category_id: number | null;
    cents: number;
  }>(
    `SELECT product_id, sku, product_name, category_id, (price * 100)::int AS cents
       FROM retail.products WHERE is_active AND price > $1 ORDER BY sku LIMIT 1`,
    [fromCardCents / 100],
  );
  const r = rows[0]!;
  return commitSale(till, {
    cart: {
      lines: [
        {
          productId: r.product_id,
          sku: r.sku,
          productName: r.product_name,
          categoryId: r.category_id,
          unitPriceCents: Number(r.cents),
          quantity: 1,
        },
      ],
    },
    tenders: [
      { type: 'stored_value', cardNumber: CARD, amountCents: fromCardCents },
      { type: 'cash', tenderedCents: 100_000_000 },
    ],
    cashierId: t.cashierId,
  });
}

describe('one gift card at two offline stores', () => {
  it('is never spent beyond its balance, and HQ settles each redemption once', async () => {
    // $100 sold at Seattle: $40 reserved for each of its registers; $20 for Redmond's R01.
    await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      issueCard(tx, {
        cardId: '0190a6f0-0000-7000-8000-0000000c4a2d',
        cardNumber: CARD,
        kind: 'gift_card',
        amountCents: 10_000,
        expiresOn: null,
        reserveCents: 4_000,
      }),
    );
    await withTenant(hq.db.pools.app, 'redmond', (tx) =>
      grantAllowance(tx, { cardNumber: CARD, registerId: 'R01', amountCents: 2_000 }),
    );
    // Nothing is left to reserve: a third store could not be promised any of it.
    await expect(
      withTenant(hq.db.pools.app, 'bellevue', (tx) =>
        grantAllowance(tx, { cardNumber: CARD, registerId: 'R01', amountCents: 1 }),
      ),
    ).rejects.toThrow('left to reserve');
    await eventually(async () => expect(await available(seattle)).toBe(4_000));
    await eventually(async () => expect(await available(redmond)).toBe(2_000));

    // Both stores lose HQ.
    for (const p of proxies) p.offline = true;
    await eventually(async () => expect((await seattle.client.status()).online).toBe(false));
    await eventually(async () => expect((await redmond.client.status()).online).toBe(false));

    await redeem(seattle, 2_500);
    await redeem(seattle, 1_500);
    await expect(redeem(seattle, 1)).rejects.toThrow(
      'Gift card ••••0042 has nothing left to spend at this till',
    );
    await redeem(redmond, 1_200);
    await expect(redeem(redmond, 1_000)).rejects.toThrow(
      'Gift card ••••0042 has $8.00 to spend at this till; $10.00 is more',
    );
    await redeem(redmond, 800);
    expect(await available(seattle)).toBe(0);
    expect(await available(redmond)).toBe(0);

    // Back online: every redemption reaches HQ once, and the tills see them settled.
    for (const p of proxies) p.offline = false;
    for (const t of [seattle, redmond]) {
      await eventually(async () => expect((await t.client.status()).pendingCount).toBe(0));
      await t.client.syncNow();
    }
    const balance = await withTenant(hq.db.pools.app, 'seattle', (tx) => cardBalance(tx, CARD));
    expect(balance).toMatchObject({
      creditedCents: 10_000,
      redeemedCents: 6_000,
      balanceCents: 4_000,
      overspentCents: 0,
    });
    const { rows } = await hq.db.pools.admin.query<{ store_id: string; n: number; cents: number }>(
      `SELECT store_id, count(*)::int AS n, (-sum(amount) * 100)::int AS cents
         FROM retail.stored_value_ledger WHERE entry_kind = 'redeem'
        GROUP BY store_id ORDER BY store_id`,
    );
    expect(rows).toEqual([
      { store_id: 'redmond', n: 2, cents: 2_000 },
      { store_id: 'seattle', n: 2, cents: 4_000 },
    ]);
    const exceptions = await hq.db.pools.admin.query(
      `SELECT kind FROM sync.exceptions WHERE kind LIKE '%stored_value%'`,
    );
    expect(exceptions.rows).toEqual([]);
    // Settled and acknowledged: nothing pending, nothing more to spend at either till.
    await eventually(async () => expect(await available(seattle)).toBe(0));
    await eventually(async () => {
      const again = await seattle.store.db.query<{ s: number }>(
        `SELECT (settled * 100)::int AS s FROM retail.stored_value_allowances
          WHERE card_number = $1 AND register_id = 'R01'`,
        [CARD],
      );
      expect(again.rows).toEqual([{ s: 4_000 }]);
    });
  });
});
