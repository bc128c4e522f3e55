/**
 * Gift cards and store credit for HQ staff (the admin API's /gift-cards, `npm run hq:admin --
 * gift-card`): issue at a store, balance and history, top up, freeze / unfreeze / set the last
 * day, list. The money rules are db/central/stored-value.ts (never reserve beyond the card);
 * docs/checkout.md "Store credit and gift cards" says why a balance cannot be overspent.
 *
 * Money put on a card at a store (issue, top-up) is reserved at once for that store's active
 * registers in equal shares (the chain's policy), so the card is spendable there offline;
 * other stores get an allowance only when reserved for them.
 */
import type pg from 'pg';
import type { z } from 'zod';
import type {
  GiftCardDetail,
  GiftCardIssue,
  GiftCardQuery,
  GiftCardStateChange,
  GiftCardTopUp,
  GiftCardView,
} from '../../contract/admin-gift-cards';
import { ErrorKind } from '../../contract/errors';
import { newId } from '../../core/ids';
import { PosError } from '../../db/errors';
import { withTenant, withTenants, type TenantTx } from '../../db/central/tenant';
import { pgQueryable } from '../../db/central/pool';
import { grantAllowance, issueCard, topUpCard } from '../../db/central/stored-value';
import {
  cardAtStore,
  cardSummary,
  copyCardStateToAllowances,
  listCards,
  setCardState,
  type CardSummaryRow,
} from '../../db/central/stored-value-admin';
import { badRequest, conflict, notFound, type HqError } from './errors';
import { assertStore, listStoreIds } from './stores';

/** The db layer's typed errors as the admin API's (a PosError is not an HTTP answer). */
async function asHq<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PosError)) throw error;
    const mapped: HqError =
      error.kind === ErrorKind.notFound
        ? notFound(error.message)
        : error.kind === ErrorKind.conflict
          ? conflict(error.message)
          : badRequest(error.message);
    throw mapped;
  }
}

function view(c: CardSummaryRow): GiftCardView {
  const credited = Number(c.credited);
  const granted = Number(c.granted);
  const redeemed = Number(c.redeemed);
  const overspent = Number(c.overspent);
  return {
    cardNumber: c.card_number,
    kind: c.card_kind,
    issuedStoreId: c.issued_store_id,
    expiresOn: c.expires_on,
    isActive: c.is_active,
    balanceCents: credited - redeemed,
    // What the registers were given and have not spent (redemptions within allowances are
    // redeemed - overspent).
    reservedCents: granted - (redeemed - overspent),
    unreservedCents: credited - granted - overspent,
    overspentCents: overspent,
    createdAt: new Date(c.created_at).toISOString(),
  };
}

async function cardOrNotFound(app: pg.Pool, cardNumber: string): Promise<CardSummaryRow> {
  const card = await cardSummary(pgQueryable(app), cardNumber);
  if (!card) throw notFound(`No gift card or store credit ${cardNumber}`);
  return card;
}

/** Reserve `amountCents` for the store's active registers in equal shares (the remainder stays unreserved). */
async function reserveAtStore(
  tx: TenantTx,
  cardNumber: string,
  amountCents: number,
): Promise<void> {
  const { rows } = await tx.query<{ register_id: string }>(
    `SELECT register_id FROM retail.registers WHERE store_id = $1 AND is_active ORDER BY register_id`,
    [tx.storeId],
  );
  const share = rows.length > 0 ? Math.floor(amountCents / rows.length) : 0;
  if (share === 0) return;
  for (const r of rows) {
    await grantAllowance(tx, { cardNumber, registerId: r.register_id, amountCents: share });
  }
}

export async function issueGiftCard(
  app: pg.Pool,
  input: z.output<typeof GiftCardIssue>,
): Promise<GiftCardDetail> {
  await assertStore(app, input.storeId);
  if (await cardSummary(pgQueryable(app), input.cardNumber)) {
    throw conflict(`Card ${input.cardNumber} is already issued`);
  }
  await asHq(() =>
    withTenant(app, input.storeId, (tx) =>
      issueCard(tx, {
        cardId: newId(),
        cardNumber: input.cardNumber,
        kind: input.kind,
        amountCents: input.amountCents,
        expiresOn: input.expiresOn,
      }),
    ),
  );
  return giftCard(app, input.cardNumber);
}

export async function topUpGiftCard(
  app: pg.Pool,
  cardNumber: string,
  input: z.output<typeof GiftCardTopUp>,
  today: string = new Date().toISOString().slice(0, 10),
): Promise<GiftCardDetail> {
  await assertStore(app, input.storeId);
  const card = await cardOrNotFound(app, cardNumber);
  if (!card.is_active) {
    throw conflict(`Card ${cardNumber} is frozen: unfreeze it before topping it up`);
  }
  if (card.expires_on !== null && card.expires_on < today) {
    throw conflict(
      `Card ${cardNumber} expired on ${card.expires_on}: give it a later last day (gift-card expire ${cardNumber} --on YYYY-MM-DD) before topping it up`,
    );
  }
  await asHq(() =>
    withTenant(app, input.storeId, async (tx) => {
      await topUpCard(tx, { cardNumber, amountCents: input.amountCents, entryId: newId() });
      await reserveAtStore(tx, cardNumber, input.amountCents);
    }),
  );
  return giftCard(app, cardNumber);
}

/**
 * Freeze (no till may take it, even offline, once its allowance row arrives), unfreeze, or set
 * the last day it can be used (`expire`, default yesterday: expired now; a later day extends it).
 */
export async function changeGiftCardState(
  app: pg.Pool,
  cardNumber: string,
  input: z.output<typeof GiftCardStateChange>,
  now: Date = new Date(),
): Promise<GiftCardDetail> {
  const card = await cardOrNotFound(app, cardNumber);
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
  if (input.state !== 'expire' && input.on !== undefined) {
    throw badRequest('--on goes with expire only');
  }
  const isActive =
    input.state === 'freeze' ? false : input.state === 'unfreeze' ? true : card.is_active;
  const expiresOn = input.state === 'expire' ? (input.on ?? yesterday) : card.expires_on;
  const stores = await listStoreIds(app);
  let first = true;
  await withTenants(app, stores, async (tx) => {
    if (first) {
      first = false;
      await setCardState(tx, { cardId: card.card_id, isActive, expiresOn });
    }
    await copyCardStateToAllowances(tx, {
      cardId: card.card_id,
      isActive,
      expiresOn,
      at: now.toISOString(),
    });
  });
  return giftCard(app, cardNumber);
}

/** The card, its history in every store (oldest first) and its registers' allowances. */
export async function giftCard(app: pg.Pool, cardNumber: string): Promise<GiftCardDetail> {
  const card = await cardOrNotFound(app, cardNumber);
  const stores = await listStoreIds(app);
  const perStore = await withTenants(
    app,
    stores,
    async (tx) => ({
      storeId: tx.storeId,
      ...(await cardAtStore(tx, card.card_id)),
    }),
    { snapshot: true },
  );
  const history = perStore
    .flatMap((s) =>
      s.entries.map((e) => ({
        storeId: s.storeId,
        kind: e.entry_kind,
        amountCents: Number(e.amount),
        registerId: e.register_id,
        occurredAt: new Date(e.occurred_at).toISOString(),
      })),
    )
    .sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  const allowances = perStore.flatMap((s) =>
    s.allowances.map((a) => ({
      storeId: s.storeId,
      registerId: a.register_id,
      grantedCents: Number(a.granted),
      settledCents: Number(a.settled),
    })),
  );
  return { card: view(card), history, allowances };
}

export async function listGiftCards(
  app: pg.Pool,
  query: z.output<typeof GiftCardQuery>,
): Promise<GiftCardView[]> {
  if (query.storeId !== undefined) await assertStore(app, query.storeId);
  return (await listCards(pgQueryable(app), query)).map(view);
}
