/**
 * Settling the gift card and store credit payments the tills send with their sales (issue 18,
 * item 1; docs/checkout.md, "Store credit and gift cards"): exactly once per payment, inside the
 * sale's ingest transaction (withTenant of the selling store). The cards themselves (issue,
 * reserve, top up) are stored-value.ts.
 */
import { ExceptionKind } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import { cardLabel } from '../../core/stored-value';
import { sqlCents } from '../sql';
import { newId } from '../../core/ids';
import type { RaisedException } from './ingest-types';
import { cardBy, credit, usd } from './stored-value';
import type { TenantTx } from './tenant';

interface SaleToSettle {
  mutationId: number;
  sale: SaleRecorded;
  exceptions: RaisedException[];
}

/**
 * Settle the stored-value payments of sales HQ has just recorded (each sale once: the sales
 * registry decided that; the ledger's key on the payment ID makes it exactly once on its own
 * too). A redemption debits its card and its register's allowance; beyond the allowance it is
 * still recorded (the customer was served: a fact) and raises `stored_value_overspent`. A refund
 * to a card credits it. Cards are locked in card order so concurrent settlements of two stores
 * cannot deadlock.
 */
export async function settleStoredValue(
  tx: TenantTx,
  deviceId: string,
  sales: readonly SaleToSettle[],
): Promise<void> {
  const payments = sales
    .flatMap((s) =>
      s.sale.payments
        .filter((p) => p.tenderType === 'stored_value' && p.storedValueCardId !== null)
        .map((p) => ({ s, p, cardId: p.storedValueCardId! })),
    )
    .sort((a, b) => (a.cardId < b.cardId ? -1 : a.cardId > b.cardId ? 1 : 0));
  for (const { s, p, cardId } of payments) {
    const receipt = s.sale.receiptNumber;
    const raise = (kind: ExceptionKind, reason: string, detail: Record<string, unknown>) => {
      if (s.exceptions.some((e) => e.kind === kind && e.detail.paymentId === p.paymentId)) return;
      s.exceptions.push({
        kind,
        entity: 'sale',
        entityId: s.sale.transactionId,
        reason,
        detail: { ...detail, paymentId: p.paymentId },
        key: p.paymentId,
      });
    };
    const card = await cardBy(tx, { cardId }, true);
    if (!card) {
      raise(
        ExceptionKind.unknownStoredValueCard,
        `Sale ${receipt} ${p.amountCents > 0 ? 'took' : 'refunded'} ${usd(Math.abs(p.amountCents))} ${p.amountCents > 0 ? 'from' : 'to'} a card HQ does not hold. The sale is recorded; no card balance changed.`,
        { receiptNumber: receipt, cardId, amountCents: p.amountCents },
      );
      continue;
    }
    if (p.amountCents < 0) {
      await credit(tx, cardId, {
        kind: 'refund',
        amountCents: -p.amountCents,
        entryId: p.paymentId,
        transactionId: s.sale.transactionId,
        occurredAt: s.sale.occurredAt,
        registerId: s.sale.registerId,
        deviceId,
        mutationId: s.mutationId,
      });
      continue;
    }
    const { rows: added } = await tx.query(
      `INSERT INTO retail.stored_value_ledger
         (store_id, entry_id, card_id, entry_kind, amount, register_id, transaction_id,
          device_id, mutation_id, occurred_at)
       VALUES ($1, $2, $3, 'redeem', -${sqlCents('$4::bigint')}, $5, $6, $7, $8, $9)
       ON CONFLICT (store_id, entry_id) DO NOTHING
       RETURNING entry_id`,
      [
        tx.storeId,
        p.paymentId,
        cardId,
        p.amountCents,
        s.sale.registerId,
        s.sale.transactionId,
        deviceId,
        s.mutationId,
        s.sale.occurredAt,
      ],
    );
    if (added.length === 0) continue;
    // The register's allowance takes the whole redemption, so the till's own count (granted -
    // settled - its unacknowledged redemptions) stays right even after an overspend.
    const { rows } = await tx.query<{ allowance_id: string; before: string; granted: string }>(
      `UPDATE retail.stored_value_allowances a
          SET settled = a.settled + ${sqlCents('$4::bigint')}, updated_at = now()
         FROM (SELECT allowance_id, (settled * 100)::bigint AS before
                 FROM retail.stored_value_allowances
                WHERE store_id = $1 AND register_id = $2 AND card_id = $3
                FOR UPDATE) b
        WHERE a.store_id = $1 AND a.allowance_id = b.allowance_id
        RETURNING a.allowance_id, b.before, (a.granted * 100)::bigint AS granted`,
      [tx.storeId, s.sale.registerId, cardId, p.amountCents],
    );
    const allowance = rows[0];
    if (allowance) tx.changes.record('stored_value_allowance', [allowance.allowance_id]);
    const granted = allowance ? Number(allowance.granted) : 0;
    const before = allowance ? Number(allowance.before) : 0;
    const within = Math.max(0, Math.min(p.amountCents, granted - before));
    const over = p.amountCents - within;
    await tx.query(
      `UPDATE retail.stored_value_cards
          SET redeemed = redeemed + ${sqlCents('$2::bigint')},
              overspent = overspent + ${sqlCents('$3::bigint')}
        WHERE card_id = $1`,
      [cardId, p.amountCents, over],
    );
    if (over > 0) {
      raise(
        ExceptionKind.storedValueOverspent,
        `Sale ${receipt} took ${usd(p.amountCents)} from ${cardLabel(card.card_kind, card.card_number)} at register ${s.sale.registerId}, ${usd(over)} more than HQ had reserved for that register. The sale is recorded and the card debited; the card's balance is short by ${usd(over)}.`,
        {
          receiptNumber: receipt,
          cardNumber: card.card_number,
          amountCents: p.amountCents,
          overspentCents: over,
        },
      );
    }
  }
}

/**
 * A void gives a sale's redemptions back (docs/checkout.md, "Voiding a sale paid from a card"):
 * each card is credited what the sale took from it, and the voiding register's allowance is
 * reserved that much again (granted goes up on the allowance and the card, as the till counts it
 * from the moment of the void). Called once per void HQ records (the void's status change is
 * exactly once); the ledger's entry per payment (`md5('void:' || payment_id)`) makes it exactly
 * once on its own too. Refunds to a card (negative payments) are not given back.
 */
export async function creditVoidedStoredValue(
  tx: TenantTx,
  options: {
    transactionId: string;
    occurredAt: Date;
    voidedAt: string;
    deviceId: string;
    mutationId: number;
  },
): Promise<void> {
  const { rows: payments } = await tx.query<{
    payment_id: string;
    card_id: string;
    cents: string;
    register_id: string;
  }>(
    `SELECT p.payment_id, p.stored_value_card_id AS card_id, (p.amount * 100)::bigint AS cents,
            t.register_id
       FROM retail.payments p
       JOIN retail.sales_transactions t
         ON t.store_id = p.store_id AND t.transaction_id = p.transaction_id
        AND t.occurred_at = p.occurred_at
      WHERE p.store_id = $1 AND p.transaction_id = $2 AND p.occurred_at = $3
        AND p.tender_type = 'stored_value' AND p.stored_value_card_id IS NOT NULL
        AND p.amount > 0
      ORDER BY p.stored_value_card_id, p.payment_id`,
    [tx.storeId, options.transactionId, options.occurredAt],
  );
  for (const p of payments) {
    const card = await cardBy(tx, { cardId: p.card_id }, true);
    // A card HQ does not hold was never debited (unknown_stored_value_card): nothing to give back.
    if (!card) continue;
    const cents = Number(p.cents);
    const { rows: added } = await tx.query(
      `INSERT INTO retail.stored_value_ledger
         (store_id, entry_id, card_id, entry_kind, amount, register_id, transaction_id,
          device_id, mutation_id, occurred_at)
       VALUES ($1, md5('void:' || $2::text)::uuid, $3, 'refund', ${sqlCents('$4::bigint')}, $5,
               $6, $7, $8, $9)
       ON CONFLICT (store_id, entry_id) DO NOTHING
       RETURNING entry_id`,
      [
        tx.storeId,
        p.payment_id,
        p.card_id,
        cents,
        p.register_id,
        options.transactionId,
        options.deviceId,
        options.mutationId,
        options.voidedAt,
      ],
    );
    if (added.length === 0) continue;
    await tx.query(
      `UPDATE retail.stored_value_cards
          SET credited = credited + ${sqlCents('$2::bigint')},
              granted = granted + ${sqlCents('$2::bigint')}
        WHERE card_id = $1`,
      [p.card_id, cents],
    );
    const { rows } = await tx.query<{ allowance_id: string }>(
      `INSERT INTO retail.stored_value_allowances AS a
         (store_id, allowance_id, register_id, card_id, card_number, card_kind, expires_on,
          is_active, granted)
       VALUES ($1, $9::uuid, $2, $3::uuid, $4, $5, $6::date, $7, ${sqlCents('$8::bigint')})
       ON CONFLICT (store_id, register_id, card_id) DO UPDATE
         SET granted = a.granted + EXCLUDED.granted, updated_at = EXCLUDED.updated_at
       RETURNING a.allowance_id`,
      [
        tx.storeId,
        p.register_id,
        p.card_id,
        card.card_number,
        card.card_kind,
        card.expires_on,
        card.is_active,
        cents,
        newId(),
      ],
    );
    tx.changes.record(
      'stored_value_allowance',
      rows.map((r) => r.allowance_id),
    );
  }
}
