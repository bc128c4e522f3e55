/**
 * Promotions at HQ (issue 18, item 4): defined by HQ staff through the admin API / CLI, one row
 * per store the promotion runs in (same promotion ID), each write recorded in that store's
 * change feed in the same transaction, so the store's tills receive it in commit order
 * (db/synced/registry.ts 'promotion'). The rules they follow are core/promotions.ts; a
 * definition is checked with the same schema the tills validate it with.
 */
import type pg from 'pg';
import type { PromotionEntity } from '../../contract/catalog';
import type { PromotionDefine, PromotionDefined } from '../../contract/admin-protocol';
import { newId } from '../../core/ids';
import { normaliseCode, Promotion } from '../../core/promotions';
import { recomputeSalePrices, type PriceRecomputation } from '../../db/central/price-check';
import { withTenant } from '../../db/central/tenant';
import type { Queryable } from '../../db/queryable';
import {
  recomputeSalePromotions,
  type PromotionRecomputation,
} from '../../db/central/promotion-check';
import { ENTITY_SPECS } from './entities';
import { badRequest, notFound } from './errors';
import { assertStore, listStoreIds } from './stores';

const PROMOTION_JSON = ENTITY_SPECS.find((s) => s.entity === 'promotion')!.json;

/** Create or replace a promotion in the stores named (or every store). */
export async function definePromotion(
  app: pg.Pool,
  input: PromotionDefine,
): Promise<PromotionDefined> {
  const parsed = Promotion.safeParse({
    promotionId: input.promotion.promotionId ?? newId(),
    ...input.promotion,
    couponCode:
      input.promotion.couponCode == null ? null : normaliseCode(input.promotion.couponCode),
    endsAt: input.promotion.endsAt ?? null,
    priority: input.promotion.priority ?? 0,
    isActive: input.promotion.isActive ?? true,
  });
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((i) => i.message).join('; '));
  }
  const p = parsed.data;
  const stores = input.storeIds ?? (await listStoreIds(app));
  for (const storeId of input.storeIds ?? []) await assertStore(app, storeId);
  let written: PromotionEntity | undefined;
  for (const storeId of stores) {
    written = await withTenant(app, storeId, async (tx) => {
      await tx.query(
        `INSERT INTO retail.promotions AS x
           (store_id, promotion_id, promotion_name, rule, target, coupon_code, starts_at, ends_at,
            priority, is_active)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10)
         ON CONFLICT (store_id, promotion_id) DO UPDATE SET
           promotion_name = EXCLUDED.promotion_name, rule = EXCLUDED.rule,
           target = EXCLUDED.target, coupon_code = EXCLUDED.coupon_code,
           starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
           priority = EXCLUDED.priority, is_active = EXCLUDED.is_active`,
        [
          storeId,
          p.promotionId,
          p.name,
          JSON.stringify(p.rule),
          JSON.stringify(p.target),
          p.couponCode,
          p.startsAt,
          p.endsAt,
          p.priority,
          p.isActive,
        ],
      );
      tx.changes.record('promotion', [p.promotionId]);
      return readPromotion(tx, storeId, p.promotionId);
    });
  }
  if (!written) throw notFound('There is no store to run the promotion in');
  return { promotion: written, stores };
}

async function readPromotion(
  tx: Queryable,
  storeId: string,
  promotionId: string,
): Promise<PromotionEntity> {
  const { rows } = await tx.query<{ j: PromotionEntity }>(
    `SELECT ${PROMOTION_JSON} AS j FROM retail.promotions t
      WHERE t.store_id = $1 AND t.promotion_id = $2`,
    [storeId, promotionId],
  );
  const row = rows[0];
  if (!row) throw notFound(`Store ${storeId} has no promotion ${promotionId}`);
  return row.j;
}

export async function listPromotions(app: pg.Pool, storeId: string): Promise<PromotionEntity[]> {
  await assertStore(app, storeId);
  return withTenant(app, storeId, async (tx) => {
    const { rows } = await tx.query<{ j: PromotionEntity }>(
      `SELECT ${PROMOTION_JSON} AS j FROM retail.promotions t
        WHERE t.store_id = $1 ORDER BY t.starts_at, t.promotion_id`,
      [storeId],
    );
    return rows.map((r) => r.j);
  });
}

/**
 * End a promotion at `endsAt` (default: HQ's now) in every store it runs in. Sales already
 * rung under it stay as they were; tills stop applying it from that moment.
 */
export async function endPromotion(
  app: pg.Pool,
  options: { promotionId: string; endsAt?: string | undefined },
): Promise<{ stores: string[] }> {
  const stores: string[] = [];
  for (const storeId of await listStoreIds(app)) {
    const ended = await withTenant(app, storeId, async (tx) => {
      const { rows } = await tx.query<{ promotion_id: string }>(
        `UPDATE retail.promotions
            SET ends_at = greatest(starts_at + interval '1 millisecond',
                                   coalesce($3::timestamptz, date_trunc('milliseconds', now())))
          WHERE store_id = $1 AND promotion_id = $2
            AND (ends_at IS NULL OR ends_at > coalesce($3::timestamptz, now()))
          RETURNING promotion_id`,
        [storeId, options.promotionId, options.endsAt ?? null],
      );
      tx.changes.record(
        'promotion',
        rows.map((r) => r.promotion_id),
      );
      return rows.length > 0;
    });
    if (ended) stores.push(storeId);
  }
  if (stores.length === 0) {
    throw notFound(`No store runs promotion ${options.promotionId} past that time`);
  }
  return { stores };
}

/** HQ's recomputation of a recorded sale's promotions (db/central/promotion-check.ts). */
export async function checkSalePromotions(
  app: pg.Pool,
  options: { storeId: string; transactionId: string },
): Promise<PromotionRecomputation> {
  await assertStore(app, options.storeId);
  const result = await withTenant(app, options.storeId, (tx) =>
    recomputeSalePromotions(tx, options),
  );
  if (!result) {
    throw notFound(`Store ${options.storeId} has no sale ${options.transactionId}`);
  }
  return result;
}

/** HQ's recomputation of a recorded sale's catalog prices (db/central/price-check.ts). */
export async function checkSalePrices(
  app: pg.Pool,
  options: { storeId: string; transactionId: string },
): Promise<PriceRecomputation> {
  await assertStore(app, options.storeId);
  const result = await withTenant(app, options.storeId, (tx) => recomputeSalePrices(tx, options));
  if (!result) {
    throw notFound(`Store ${options.storeId} has no sale ${options.transactionId}`);
  }
  return result;
}
