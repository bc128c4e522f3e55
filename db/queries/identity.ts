/** Who this till is and the store settings checkout needs (tax, approval, offline card cap). */
import { ConflictError, NotFoundError } from '../errors';
import { centsFromNumeric, type Cents } from '../../core/money';
import { TaxComponents, type TaxComponent, type TaxRounding } from '../../core/tax';
import type { TillIdentity } from '../mutations/apply-edge';
import type { Queryable } from '../queryable';
import { PromotionEntity, type NoReceiptRefund } from '../../contract/catalog';
import type { Promotion } from '../../core/promotions';
import { hqJsonSql, syncedEntity } from '../synced/registry';

export async function readIdentity(db: Queryable): Promise<TillIdentity | undefined> {
  const { rows } = await db.query<{ store_id: string; register_id: string; device_id: string }>(
    `SELECT store_id, register_id, device_id FROM pos.identity`,
  );
  const row = rows[0];
  return row
    ? { storeId: row.store_id, registerId: row.register_id, deviceId: row.device_id }
    : undefined;
}

export interface StoreConfig {
  storeId: string;
  storeName: string;
  currency: string;
  taxRatePpm: number;
  categoryTaxRates: ReadonlyMap<number, number>;
  taxIncluded: boolean;
  taxRounding: TaxRounding;
  /** Empty: the single store/category rate (core/tax.ts legacyTaxSettings). */
  taxComponents: readonly TaxComponent[];
  managerDiscountThresholdPpm: number;
  offlineCardLimitCents: Cents;
  /** Price overrides: largest reduction a cashier gives alone (ppm), largest open price. */
  priceOverrideLimitPpm: number;
  openPriceLimitCents: Cents;
  /** Cash control: largest cash-out a cashier records alone; count the drawer blind at close. */
  cashOutLimitCents: Cents;
  blindClose: boolean;
  /** Returns without a receipt: how they may be refunded ('none': not taken). */
  noReceiptRefund: NoReceiptRefund;
  /** A no-sale drawer open needs a manager's PIN. */
  noSaleNeedsManager: boolean;
  /** HQ's promotions of the store, every one it sent (in force or not; core/promotions.ts). */
  promotions: readonly Promotion[];
}

/** The store settings' columns, in this order, over `retail.stores s` (the caller adds FROM). */
export const STORE_CONFIG_SQL = `
  SELECT s.store_name, s.currency, s.tax_rate_ppm, s.manager_discount_threshold_ppm, s.offline_card_limit,
         s.tax_included, s.tax_rounding, s.tax_components, s.price_override_limit_ppm,
         s.open_price_limit, s.cash_out_limit, s.blind_close, s.no_receipt_refund,
         s.no_sale_needs_manager,
         coalesce((SELECT json_agg(json_build_array(r.category_id, r.tax_rate_ppm))
                     FROM retail.category_tax_rates r WHERE r.store_id = s.store_id), '[]') AS category_rates,
         coalesce((SELECT json_agg(${hqJsonSql(syncedEntity('promotion'))} ORDER BY t.promotion_id)
                     FROM retail.promotions t WHERE t.store_id = s.store_id), '[]') AS promotions`;

export interface StoreConfigRow {
  store_name: string;
  currency: string;
  tax_rate_ppm: number;
  manager_discount_threshold_ppm: number;
  offline_card_limit: string;
  tax_included: boolean;
  tax_rounding: TaxRounding;
  tax_components: unknown;
  price_override_limit_ppm: number;
  open_price_limit: string;
  cash_out_limit: string;
  blind_close: boolean;
  no_receipt_refund: NoReceiptRefund;
  no_sale_needs_manager: boolean;
  category_rates: Array<[number, number]>;
  promotions: unknown;
}

export function toStoreConfig(storeId: string, store: StoreConfigRow | undefined): StoreConfig {
  if (!store) throw new NotFoundError(`Store ${storeId} is not set up on this till`);
  return {
    storeId,
    storeName: store.store_name,
    currency: store.currency,
    taxRatePpm: store.tax_rate_ppm,
    categoryTaxRates: new Map(store.category_rates),
    taxIncluded: store.tax_included,
    taxRounding: store.tax_rounding,
    // Written only through StoreEntity validation; parsed again because pricing trusts it.
    taxComponents: TaxComponents.parse(store.tax_components),
    managerDiscountThresholdPpm: store.manager_discount_threshold_ppm,
    offlineCardLimitCents: centsFromNumeric(store.offline_card_limit),
    priceOverrideLimitPpm: store.price_override_limit_ppm,
    openPriceLimitCents: centsFromNumeric(store.open_price_limit),
    cashOutLimitCents: centsFromNumeric(store.cash_out_limit),
    blindClose: store.blind_close,
    noReceiptRefund: store.no_receipt_refund,
    noSaleNeedsManager: store.no_sale_needs_manager,
    // Written only through PromotionEntity validation; parsed again because pricing trusts it.
    promotions: PromotionEntity.array().parse(store.promotions),
  };
}

export async function readStoreConfig(db: Queryable, storeId: string): Promise<StoreConfig> {
  const { rows } = await db.query<StoreConfigRow>(
    `${STORE_CONFIG_SQL} FROM retail.stores s WHERE s.store_id = $1`,
    [storeId],
  );
  return toStoreConfig(storeId, rows[0]);
}

export interface CheckoutContext {
  config: StoreConfig;
  /** The acting staff member, if active in this store. */
  staff: { staffId: string; displayName: string; role: 'cashier' | 'manager' } | undefined;
  /** Whether a transaction with this ID is already recorded (an idempotent retry). */
  transactionExists: boolean;
}

/** Everything a sale or return reads before its transaction, in one round trip. */
export async function readCheckoutContext(
  db: Queryable,
  options: { storeId: string; staffId: string; transactionId: string },
): Promise<CheckoutContext> {
  const { rows } = await db.query<
    StoreConfigRow & {
      staff: CheckoutContext['staff'] | null;
      transaction_exists: boolean;
    }
  >(
    `${STORE_CONFIG_SQL},
            (SELECT json_build_object('staffId', f.staff_id, 'displayName', f.display_name, 'role', f.role)
               FROM retail.staff f WHERE f.store_id = s.store_id AND f.staff_id = $2 AND f.is_active) AS staff,
            EXISTS (SELECT 1 FROM retail.sales_transactions t
                     WHERE t.store_id = s.store_id AND t.transaction_id = $3) AS transaction_exists
       FROM retail.stores s WHERE s.store_id = $1`,
    [options.storeId, options.staffId, options.transactionId],
  );
  const row = rows[0];
  return {
    config: toStoreConfig(options.storeId, row),
    staff: row?.staff ?? undefined,
    transactionExists: row?.transaction_exists ?? false,
  };
}

/** Make this database the till of one store and register (enrollment and seeding call it). */
export async function setIdentity(db: Queryable, identity: TillIdentity): Promise<void> {
  const current = await readIdentity(db);
  if (
    current &&
    (current.storeId !== identity.storeId || current.registerId !== identity.registerId)
  ) {
    throw new ConflictError(
      `This till is already set up as ${current.storeId}/${current.registerId}; it cannot become ${identity.storeId}/${identity.registerId}. Use a new store directory.`,
    );
  }
  await db.query(
    `INSERT INTO pos.identity (store_id, register_id, device_id) VALUES ($1, $2, $3)
     ON CONFLICT (singleton) DO UPDATE
       SET store_id = EXCLUDED.store_id, register_id = EXCLUDED.register_id, device_id = EXCLUDED.device_id`,
    [identity.storeId, identity.registerId, identity.deviceId],
  );
}
