/**
 * Tax rates per store and category from the console (contract/console-tax.ts). A category's
 * rate in a store is a row of `retail.category_tax_rates` (a tenant table: written as
 * edgepos_app in ONE withTenants transaction over the stores named, all or none); the store's
 * own rate is a column of `retail.stores`, which the application role may only read, so it is
 * written through the owner pool, with the 'store' change appended to each store's feed under
 * that store's tenant key in the same transaction. Each change carries its audit entry in its
 * transaction; tills receive it with their next pull and price with it (core/tax.ts).
 *
 * A store that charges several taxes keeps its rates in its tax components (per component and
 * category); setting a single rate there would be ignored by its tills, so it is refused.
 */
import type pg from 'pg';
import type {
  ConsoleCategoryTaxRate,
  ConsoleStoreTaxRate,
  ConsoleTaxChanged,
  ConsoleTaxRates,
} from '../../../contract/console-tax';
import { percentFromPpm } from '../../../contract/console-tax';
import { appendChanges } from '../../../db/central/feed-log';
import { clearTenantKey, setTenantKey, withTenant, withTenants } from '../../../db/central/tenant';
import type { Queryable } from '../../../db/queryable';
import { badRequest, notFound } from '../errors';
import { assertStore } from '../stores';
import { recordAudit, type Actor } from './audit';
import { inTransaction } from './transaction';

interface StoreTaxRow {
  store_id: string;
  tax_rate_ppm: number;
  tax_components: unknown[];
}

function refuseComponents(row: StoreTaxRow): void {
  if (row.tax_components.length > 0) {
    throw badRequest(
      `Store ${row.store_id} charges several taxes; its rates are set per tax, not here`,
    );
  }
}

export async function listTaxRates(app: pg.Pool, storeId: string): Promise<ConsoleTaxRates> {
  await assertStore(app, storeId);
  return withTenant(
    app,
    storeId,
    async (tx) => {
      const { rows } = await tx.query<StoreTaxRow>(
        `SELECT store_id, tax_rate_ppm, tax_components FROM retail.stores WHERE store_id = $1`,
        [storeId],
      );
      const { rows: rates } = await tx.query<{ category_id: number; tax_rate_ppm: number }>(
        `SELECT category_id, tax_rate_ppm FROM retail.category_tax_rates
          WHERE store_id = $1 ORDER BY category_id`,
        [storeId],
      );
      const store = rows[0]!;
      return {
        storeId,
        storeRatePpm: store.tax_rate_ppm,
        components: store.tax_components.length > 0,
        categoryRates: rates.map((r) => ({ categoryId: r.category_id, ratePpm: r.tax_rate_ppm })),
      };
    },
    { snapshot: true },
  );
}

/** A category's rate in several stores: every store changes, or none does. */
export async function setCategoryTaxRate(
  app: pg.Pool,
  options: { input: ConsoleCategoryTaxRate; actor: Actor },
): Promise<ConsoleTaxChanged> {
  const { input } = options;
  for (const storeId of input.storeIds) await assertStore(app, storeId);
  const { rows: category } = await app.query<{ category_name: string }>(
    `SELECT category_name FROM retail.product_categories WHERE category_id = $1`,
    [input.categoryId],
  );
  if (!category[0]) throw notFound(`There is no category ${input.categoryId}`);
  const outcomes = await withTenants(app, input.storeIds, async (tx) => {
    const { rows: store } = await tx.query<StoreTaxRow>(
      `SELECT store_id, tax_rate_ppm, tax_components FROM retail.stores WHERE store_id = $1`,
      [tx.storeId],
    );
    refuseComponents(store[0]!);
    const { rows } = await tx.query<{ tax_rate_ppm: number }>(
      `SELECT tax_rate_ppm FROM retail.category_tax_rates
        WHERE store_id = $1 AND category_id = $2 FOR UPDATE`,
      [tx.storeId, input.categoryId],
    );
    const before = rows[0]?.tax_rate_ppm ?? null;
    if (before === input.ratePpm) return { storeId: tx.storeId, changed: false };
    if (input.ratePpm === null) {
      await tx.query(
        `DELETE FROM retail.category_tax_rates WHERE store_id = $1 AND category_id = $2`,
        [tx.storeId, input.categoryId],
      );
      tx.changes.record('category_tax_rate', [String(input.categoryId)], 'delete');
    } else if (before === null) {
      await tx.query(
        `INSERT INTO retail.category_tax_rates (store_id, category_id, tax_rate_ppm)
         VALUES ($1, $2, $3)`,
        [tx.storeId, input.categoryId, input.ratePpm],
      );
      tx.changes.record('category_tax_rate', [String(input.categoryId)]);
    } else {
      await tx.query(
        `UPDATE retail.category_tax_rates SET tax_rate_ppm = $3
          WHERE store_id = $1 AND category_id = $2`,
        [tx.storeId, input.categoryId, input.ratePpm],
      );
      tx.changes.record('category_tax_rate', [String(input.categoryId)]);
    }
    const storeRate = percentFromPpm(store[0]!.tax_rate_ppm);
    await recordAudit(tx, options.actor, {
      action: 'tax.category-rate',
      storeId: tx.storeId,
      target: category[0]!.category_name,
      before: { rate: before === null ? `store rate (${storeRate})` : percentFromPpm(before) },
      after: {
        rate: input.ratePpm === null ? `store rate (${storeRate})` : percentFromPpm(input.ratePpm),
      },
    });
    return { storeId: tx.storeId, changed: true };
  });
  return {
    updated: outcomes.filter((o) => o.changed).map((o) => o.storeId),
    unchanged: outcomes.filter((o) => !o.changed).map((o) => o.storeId),
  };
}

/**
 * The stores' own rate, in one owner transaction: rows locked in store order, every store
 * changes or none does, and each changed store's row is appended to its own feed under its
 * tenant key as the transaction's last statements.
 */
export async function setStoreTaxRate(
  owner: pg.Pool,
  options: { input: ConsoleStoreTaxRate; actor: Actor },
): Promise<ConsoleTaxChanged> {
  const { input } = options;
  const storeIds = [...input.storeIds].sort();
  return inTransaction(owner, async (tx: Queryable) => {
    const { rows } = await tx.query<StoreTaxRow>(
      `SELECT store_id, tax_rate_ppm, tax_components FROM retail.stores
        WHERE store_id = ANY($1::text[]) ORDER BY store_id FOR UPDATE`,
      [storeIds],
    );
    const found = new Map(rows.map((r) => [r.store_id, r]));
    const missing = storeIds.find((s) => !found.has(s));
    if (missing) throw notFound(`There is no store ${missing}`);
    rows.forEach(refuseComponents);
    const changed = rows.filter((r) => r.tax_rate_ppm !== input.ratePpm);
    for (const row of changed) {
      await tx.query(`UPDATE retail.stores SET tax_rate_ppm = $2 WHERE store_id = $1`, [
        row.store_id,
        input.ratePpm,
      ]);
      await recordAudit(tx, options.actor, {
        action: 'tax.store-rate',
        storeId: row.store_id,
        target: row.store_id,
        before: { rate: percentFromPpm(row.tax_rate_ppm) },
        after: { rate: percentFromPpm(input.ratePpm) },
      });
    }
    for (const row of changed) {
      await setTenantKey(tx, row.store_id);
      await appendChanges(tx, row.store_id, [
        { entity: 'store', key: row.store_id, op: 'upsert', version: null },
      ]);
    }
    if (changed.length > 0) await clearTenantKey(tx);
    const updated = new Set(changed.map((r) => r.store_id));
    return {
      updated: input.storeIds.filter((s) => updated.has(s)),
      unchanged: input.storeIds.filter((s) => !updated.has(s)),
    };
  });
}
