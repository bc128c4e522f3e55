/**
 * Scheduled price changes from the console (issue 14, item 2; contract/console-prices.ts).
 * Setting one for several stores is ONE transaction over all of them (withTenants): every store
 * gets its row or none does. Each store's instant is the typed wall-clock time in that store's
 * time zone; a time that is not ahead of HQ's clock there is refused, as is a SKU a store does
 * not sell, naming the store. Cancelling deletes the row (the deletion travels to the tills)
 * and is refused once the change has taken effect. Every change carries its audit entry in its
 * transaction and its keys in the change feed buffer.
 */
import type pg from 'pg';
import type {
  ConsoleScheduledPrice,
  ConsoleScheduledPriceCreate,
  ConsoleScheduledPriceList,
} from '../../../contract/console-prices';
import type { Clock } from '../../../core/clock';
import { newId } from '../../../core/ids';
import { formatCurrency } from '../../../core/money';
import {
  instantToZonedTime,
  scheduleInForce,
  zonedTimeToInstant,
} from '../../../core/scheduled-prices';
import {
  deleteScheduledPrice,
  insertScheduledPrice,
  readScheduledPrices,
  type ScheduledPriceRow,
} from '../../../db/central/scheduled-prices';
import { withTenant, withTenants, type TenantTx } from '../../../db/central/tenant';
import { badRequest, conflict, notFound } from '../errors';
import { assertStore } from '../stores';
import { recordAudit, type Actor } from './audit';

interface StoreClock {
  timezone: string;
  currency: string;
}

async function storeClock(tx: TenantTx): Promise<StoreClock> {
  const { rows } = await tx.query<StoreClock>(
    `SELECT timezone, currency FROM retail.stores WHERE store_id = $1`,
    [tx.storeId],
  );
  if (!rows[0]) throw notFound(`There is no store ${tx.storeId}`);
  return rows[0];
}

/** "Dec 24, 2026, 6:00 AM" on the store's clock, for messages and the audit log. */
function inWords(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(at);
}

function toConsole(
  storeId: string,
  timezone: string,
  row: ScheduledPriceRow,
  all: readonly ScheduledPriceRow[],
  now: Date,
): ConsoleScheduledPrice {
  const at = new Date(row.effectiveAt);
  const inForce = scheduleInForce(
    all.filter((r) => r.productId === row.productId),
    now,
  );
  return {
    scheduleId: row.scheduleId,
    storeId,
    productId: row.productId,
    sku: row.sku,
    productName: row.productName,
    priceCents: row.priceCents,
    effectiveAt: row.effectiveAt,
    effectiveLocal: instantToZonedTime(at, timezone),
    timezone,
    supersededAt: row.supersededAt,
    status:
      at.getTime() > now.getTime()
        ? 'pending'
        : inForce?.scheduleId === row.scheduleId
          ? 'in_force'
          : 'ended',
  };
}

export async function schedulePrice(
  app: pg.Pool,
  options: { input: ConsoleScheduledPriceCreate; actor: Actor; clock: Clock },
): Promise<ConsoleScheduledPrice[]> {
  const { input } = options;
  for (const storeId of input.storeIds) await assertStore(app, storeId);
  const now = options.clock.now();
  return withTenants(app, input.storeIds, async (tx) => {
    const store = await storeClock(tx);
    const effectiveAt = zonedTimeToInstant(input.effectiveAt, store.timezone);
    if (effectiveAt.getTime() <= now.getTime()) {
      throw badRequest(
        `${inWords(effectiveAt, store.timezone)} has already passed at ${tx.storeId} (${store.timezone}): choose a later time`,
      );
    }
    const { rows } = await tx.query<{ product_id: string; product_name: string }>(
      `SELECT product_id, product_name FROM retail.products WHERE store_id = $1 AND sku = $2
        FOR UPDATE`,
      [tx.storeId, input.sku],
    );
    const product = rows[0];
    if (!product) throw notFound(`Store ${tx.storeId} does not sell ${input.sku}`);
    const scheduleId = newId();
    await insertScheduledPrice(tx, {
      scheduleId,
      productId: product.product_id,
      priceCents: input.priceCents,
      effectiveAt,
    });
    await recordAudit(tx, options.actor, {
      action: 'product.price-scheduled',
      storeId: tx.storeId,
      target: input.sku,
      after: {
        scheduleId,
        priceCents: input.priceCents,
        price: formatCurrency(input.priceCents, store.currency, 'en-US'),
        effectiveAt: effectiveAt.toISOString(),
        effectiveLocal: input.effectiveAt,
        timezone: store.timezone,
      },
    });
    const [row] = await readScheduledPrices(tx, { scheduleId });
    return toConsole(tx.storeId, store.timezone, row!, [row!], now);
  });
}

export async function listScheduledPrices(
  app: pg.Pool,
  options: { storeId: string; clock: Clock },
): Promise<ConsoleScheduledPriceList> {
  await assertStore(app, options.storeId);
  const now = options.clock.now();
  return withTenant(
    app,
    options.storeId,
    async (tx) => {
      const store = await storeClock(tx);
      const rows = await readScheduledPrices(tx);
      return {
        scheduled: rows.map((r) => toConsole(tx.storeId, store.timezone, r, rows, now)),
        now: now.toISOString(),
      };
    },
    { snapshot: true },
  );
}

export async function cancelScheduledPrice(
  app: pg.Pool,
  options: { storeId: string; scheduleId: string; actor: Actor; clock: Clock },
): Promise<void> {
  await assertStore(app, options.storeId);
  const now = options.clock.now();
  await withTenant(app, options.storeId, async (tx) => {
    const store = await storeClock(tx);
    const [row] = await readScheduledPrices(tx, {
      scheduleId: options.scheduleId,
      forUpdate: true,
    });
    if (!row) throw notFound('That scheduled price change is gone (already cancelled?)');
    const at = new Date(row.effectiveAt);
    if (at.getTime() <= now.getTime()) {
      throw conflict(
        `${row.productName} took its new price at ${inWords(at, store.timezone)}: set a new price instead of cancelling`,
      );
    }
    await deleteScheduledPrice(tx, row.scheduleId);
    await recordAudit(tx, options.actor, {
      action: 'product.price-schedule-cancel',
      storeId: tx.storeId,
      target: row.sku,
      before: {
        scheduleId: row.scheduleId,
        priceCents: row.priceCents,
        effectiveAt: row.effectiveAt,
        timezone: store.timezone,
      },
    });
  });
}
