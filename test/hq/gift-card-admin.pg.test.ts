/**
 * `npm run hq:admin -- gift-card ...` against a real HQ on the real PostgreSQL (issue 18, item 1):
 * issue at a store (reserved for its registers), balance and history across stores, top-up at
 * another store, freeze / unfreeze / expire reaching every store's allowance rows (what the tills
 * receive), list; bad input refused with a clear message and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GiftCardDetail, GiftCardView } from '../../contract/admin-gift-cards';
import { runHqAdmin } from './admin-cli';
import { startTestHq, type TestHq } from '../sync/harness';

const CARD = '6006490000007001';
let hq: TestHq;

beforeAll(async () => {
  hq = await startTestHq();
});
afterAll(async () => {
  await hq?.close();
});

async function detail(): Promise<GiftCardDetail> {
  const r = await hq.admin<{ ok: true; data: GiftCardDetail }>('GET', `/gift-cards/${CARD}`);
  expect(r.status).toBe(200);
  return r.body.data;
}

/** The card's allowance rows as the stores' tills receive them (owner's view, every store). */
async function allowanceStates(): Promise<Array<[string, boolean, string | null]>> {
  const { rows } = await hq.db.pools.owner.query<{
    store_id: string;
    is_active: boolean;
    expires_on: string | null;
  }>(
    `SELECT store_id, is_active, expires_on::text AS expires_on
       FROM retail.stored_value_allowances WHERE card_number = $1 ORDER BY store_id, register_id`,
    [CARD],
  );
  return rows.map((r) => [r.store_id, r.is_active, r.expires_on]);
}

describe('hq:admin gift-card', () => {
  it('issues, tops up, shows balance and history, freezes, expires and lists', async () => {
    const issued = await runHqAdmin(hq.url, [
      'gift-card',
      'issue',
      'seattle',
      '6006 4900 0000 7001',
      '50.00',
      '--expires',
      '2030-12-31',
    ]);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    expect(issued.stdout).toContain(`Gift card ${CARD} (active, last day 2030-12-31)`);
    expect(issued.stdout).toContain('Balance $50.00');
    let d = await detail();
    expect(d.card).toMatchObject({
      balanceCents: 5_000,
      issuedStoreId: 'seattle',
      kind: 'gift_card',
    });
    expect(d.allowances.length).toBeGreaterThan(0);
    expect(d.allowances.every((a) => a.storeId === 'seattle')).toBe(true);
    expect(d.allowances.reduce((a, x) => a + x.grantedCents, 0)).toBe(d.card.reservedCents);

    // The same number again, and bad input: refused in words, nothing written.
    const again = await runHqAdmin(hq.url, ['gift-card', 'issue', 'seattle', CARD, '10']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`Card ${CARD} is already issued`);
    const badAmount = await runHqAdmin(hq.url, ['gift-card', 'top-up', 'seattle', CARD, 'ten']);
    expect(badAmount.code).not.toBe(0);
    expect(badAmount.stderr).toContain('expected a price like 12.99');
    const badCard = await runHqAdmin(hq.url, ['gift-card', 'balance', '12']);
    expect(badCard.code).not.toBe(0);
    expect(badCard.stderr).toContain('A card number is 6 to 32 letters and digits');
    const badStore = await runHqAdmin(hq.url, ['gift-card', 'top-up', 'nowhere', CARD, '5']);
    expect(badStore.code).not.toBe(0);
    expect(badStore.stderr).toMatch(/nowhere/);
    const unknown = await runHqAdmin(hq.url, ['gift-card', 'balance', '6006490000009999']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No gift card or store credit 6006490000009999');
    expect((await detail()).card.balanceCents).toBe(5_000);

    // A top-up at another store: money on the card, reserved for that store's registers.
    const topUp = await runHqAdmin(hq.url, ['gift-card', 'top-up', 'redmond', CARD, '20']);
    expect(topUp.code).toBe(0);
    d = await detail();
    expect(d.card.balanceCents).toBe(7_000);
    expect(d.history.map((e) => [e.storeId, e.kind, e.amountCents])).toEqual([
      ['seattle', 'issue', 5_000],
      ['redmond', 'top_up', 2_000],
    ]);
    expect(new Set(d.allowances.map((a) => a.storeId))).toEqual(new Set(['seattle', 'redmond']));
    const balance = await runHqAdmin(hq.url, ['gift-card', 'balance', CARD]);
    expect(balance.stdout).toContain('Balance $70.00');
    expect(balance.stdout).toMatch(/redmond\ttop-up\t\+\$20\.00/);

    // Freeze: every store's allowance rows say so (the tills refuse the card from their next pull).
    expect((await runHqAdmin(hq.url, ['gift-card', 'freeze', CARD])).code).toBe(0);
    expect((await allowanceStates()).every(([, active]) => !active)).toBe(true);
    const frozenTopUp = await runHqAdmin(hq.url, ['gift-card', 'top-up', 'seattle', CARD, '5']);
    expect(frozenTopUp.stderr).toContain('is frozen: unfreeze it before topping it up');
    expect((await runHqAdmin(hq.url, ['gift-card', 'unfreeze', CARD])).code).toBe(0);
    expect((await allowanceStates()).every(([, active]) => active)).toBe(true);

    // Expire (a given last day), then list.
    const expire = await runHqAdmin(hq.url, ['gift-card', 'expire', CARD, '--on', '2026-01-31']);
    expect(expire.code).toBe(0);
    expect((await allowanceStates()).every(([, , on]) => on === '2026-01-31')).toBe(true);
    const badDay = await runHqAdmin(hq.url, ['gift-card', 'expire', CARD, '--on', '2026-02-30']);
    expect(badDay.code).not.toBe(0);
    expect(badDay.stderr).toContain('No such date');

    const list = await hq.admin<{ ok: true; data: { cards: GiftCardView[] } }>(
      'GET',
      '/gift-cards?storeId=seattle',
    );
    expect(list.body.data.cards.map((c) => c.cardNumber)).toContain(CARD);
    const listed = await runHqAdmin(hq.url, ['gift-card', 'list', '--kind', 'gift_card']);
    expect(listed.stdout).toContain(`${CARD}\tgift card\t$70.00\tactive, last day 2026-01-31`);
  });
});
