/**
 * The one registry of synced entities: every catalog table HQ sends down to the tills,
 * described once. HQ's projection (hq/services/entities.ts), the till's upserts
 * (db/queries/catalog-write.ts), the staging keys and swap of a staged download
 * (sync/client/snapshot.ts) and the apply and delete order (sync/client/apply.ts) are all
 * derived from it. Adding a synced column is one descriptor edit here plus a migration on each
 * side; `registry.test.ts`, `registry.db.test.ts` and `test/central/synced-registry.pg.test.ts`
 * fail on any drift between this file, the contract's entity schemas and both databases.
 *
 * Both databases name the columns alike. Every synced table also has `store_id` (unless
 * shared), `version` (HQ's per-row version, the till's upsert guard) and `updated_at`; those are
 * implied and not listed.
 */
import { StoreId, RegisterId } from '../../contract/mutations';
import { type Changes } from '../../contract/sync-protocol/changes';
import { MAX_INT4 } from '../../contract/mutations';
import { sqlCents } from '../sql';

/** What a key column holds, for casts and key checks. */
export type KeyType = 'text' | 'int' | 'uuid';

export interface SyncedColumn {
  /** Column name, the same in HQ's and the till's table. */
  column: string;
  /** Field name in the JSON the feed carries (contract/catalog.ts). */
  field: string;
  /** Type the till reads the field as (jsonb_to_recordset). */
  recordType: string;
  /** HQ's expression producing the field, over alias `t` (default: the column). */
  out?: string;
  /** The till's expression storing the field, over alias `r` (default: the field). */
  in?: string;
}

export interface SyncedKeyColumn {
  column: string;
  field: string;
  type: KeyType;
}

export type SyncedEntityName =
  | 'store'
  | 'category'
  | 'category_tax_rate'
  | 'register'
  | 'staff'
  | 'product'
  | 'customer'
  | 'stock_level'
  | 'stored_value_allowance'
  | 'embedding'
  | 'promotion'
  | 'scheduled_price';

export interface SyncedEntity {
  /** The change log's entity name. */
  entity: SyncedEntityName;
  /** The Changes / Deletes field this entity travels in. */
  field: keyof Changes;
  table: string;
  /** The row's key within its store, in order (a composite key joins its parts with '/'). */
  key: readonly SyncedKeyColumn[];
  /** Rows belong to one store (`store_id`); false: shared reference data. */
  storeScoped: boolean;
  /** Every other synced column (the key's columns are not repeated). */
  columns: readonly SyncedColumn[];
  /** Whether a text is a key of this entity (checked before it reaches a cast). */
  isKey: (key: string) => boolean;
}

const UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `<productId>/<model>`: a UUID is 36 characters, the model starts at character 38. */
const EMBEDDING_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/.{1,100}$/su;
const isUuidKey = (key: string): boolean => UUID_KEY.test(key);
/** A positive integer that fits PostgreSQL's integer. */
const isInt4Key = (key: string): boolean =>
  /^[1-9][0-9]{0,9}$/.test(key) && Number(key) <= MAX_INT4;

const col = (column: string, field: string, recordType: string): SyncedColumn => ({
  column,
  field,
  recordType,
});
/** numeric(12,2) at both ends, integer cents on the wire (computed exactly in numeric). */
const money = (column: string, field: string): SyncedColumn => ({
  column,
  field,
  recordType: 'bigint',
  out: `(t.${column} * 100)::bigint`,
  in: sqlCents(`r."${field}"`),
});
const isActive = col('is_active', 'isActive', 'boolean');
/** timestamptz at both ends, ISO-8601 UTC text with milliseconds on the wire. */
const time = (column: string, field: string): SyncedColumn => ({
  column,
  field,
  recordType: 'timestamptz',
  out: `to_char(t.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
});

/** Dependency order: a row's references are applied before it (and deleted after it). */
export const SYNCED_ENTITIES: readonly SyncedEntity[] = [
  {
    entity: 'store',
    field: 'stores',
    table: 'retail.stores',
    key: [{ column: 'store_id', field: 'storeId', type: 'text' }],
    storeScoped: true,
    isKey: (key) => StoreId.safeParse(key).success,
    columns: [
      col('store_name', 'storeName', 'text'),
      col('store_location', 'storeLocation', 'text'),
      col('store_address', 'storeAddress', 'text'),
      col('store_phone', 'storePhone', 'text'),
      col('store_type', 'storeType', 'text'),
      col('region', 'region', 'text'),
      col('currency', 'currency', 'text'),
      col('timezone', 'timezone', 'text'),
      col('tax_rate_ppm', 'taxRatePpm', 'integer'),
      col('tax_included', 'taxIncluded', 'boolean'),
      col('tax_rounding', 'taxRounding', 'text'),
      col('tax_components', 'taxComponents', 'jsonb'),
      col('manager_discount_threshold_ppm', 'managerDiscountThresholdPpm', 'integer'),
      money('offline_card_limit', 'offlineCardLimitCents'),
      col('price_override_limit_ppm', 'priceOverrideLimitPpm', 'integer'),
      money('open_price_limit', 'openPriceLimitCents'),
      money('cash_out_limit', 'cashOutLimitCents'),
      col('blind_close', 'blindClose', 'boolean'),
      col('no_sale_needs_manager', 'noSaleNeedsManager', 'boolean'),
      col('no_receipt_refund', 'noReceiptRefund', 'text'),
      isActive,
    ],
  },
  {
    entity: 'category',
    field: 'categories',
    table: 'retail.product_categories',
    key: [{ column: 'category_id', field: 'categoryId', type: 'int' }],
    storeScoped: false,
    isKey: isInt4Key,
    columns: [
      col('category_name', 'categoryName', 'text'),
      col('parent_category_id', 'parentCategoryId', 'integer'),
      col('description', 'description', 'text'),
      isActive,
    ],
  },
  {
    entity: 'category_tax_rate',
    field: 'categoryTaxRates',
    table: 'retail.category_tax_rates',
    key: [{ column: 'category_id', field: 'categoryId', type: 'int' }],
    storeScoped: true,
    isKey: isInt4Key,
    columns: [col('tax_rate_ppm', 'taxRatePpm', 'integer')],
  },
  {
    entity: 'register',
    field: 'registers',
    table: 'retail.registers',
    key: [{ column: 'register_id', field: 'registerId', type: 'text' }],
    storeScoped: true,
    isKey: (key) => RegisterId.safeParse(key).success,
    columns: [col('register_name', 'registerName', 'text'), isActive],
  },
  {
    entity: 'staff',
    field: 'staff',
    table: 'retail.staff',
    key: [{ column: 'staff_id', field: 'staffId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [
      col('display_name', 'displayName', 'text'),
      col('role', 'role', 'text'),
      col('pin_hash', 'pinHash', 'text'),
      isActive,
    ],
  },
  {
    entity: 'product',
    field: 'products',
    table: 'retail.products',
    key: [{ column: 'product_id', field: 'productId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [
      col('sku', 'sku', 'text'),
      col('barcode', 'barcode', 'text'),
      col('product_name', 'productName', 'text'),
      col('product_description', 'productDescription', 'text'),
      col('category_id', 'categoryId', 'integer'),
      col('brand', 'brand', 'text'),
      col('model', 'model', 'text'),
      col('color', 'color', 'text'),
      col('size', 'size', 'text'),
      // Exact decimal as text: a JSON number would round it.
      {
        column: 'weight_kg',
        field: 'weightKg',
        recordType: 'text',
        out: 't.weight_kg::text',
        in: 'r."weightKg"::numeric(8,3)',
      },
      money('price', 'priceCents'),
      money('cost', 'costCents'),
      col('minimum_stock', 'minimumStock', 'integer'),
      col('reorder_point', 'reorderPoint', 'integer'),
      col('supplier_name', 'supplierName', 'text'),
      isActive,
      col('is_featured', 'isFeatured', 'boolean'),
      { ...col('tags', 'tags', 'text[]'), in: `coalesce(r.tags, '{}')` },
      { ...col('metadata', 'metadata', 'jsonb'), in: `coalesce(r.metadata, '{}')` },
    ],
  },
  {
    entity: 'customer',
    field: 'customers',
    table: 'retail.customers',
    key: [{ column: 'customer_id', field: 'customerId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [
      col('first_name', 'firstName', 'text'),
      col('last_name', 'lastName', 'text'),
      col('email', 'email', 'text'),
      col('phone', 'phone', 'text'),
      { ...col('date_of_birth', 'dateOfBirth', 'date'), out: 't.date_of_birth::text' },
      col('gender', 'gender', 'text'),
      { ...col('customer_since', 'customerSince', 'date'), out: 't.customer_since::text' },
      col('loyalty_tier', 'loyaltyTier', 'text'),
      money('total_lifetime_value', 'totalLifetimeValueCents'),
    ],
  },
  {
    entity: 'stock_level',
    field: 'stockLevels',
    table: 'retail.stock_levels',
    key: [{ column: 'product_id', field: 'productId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [col('on_hand', 'onHand', 'integer')],
  },
  {
    // Gift card and store credit allowances per register (issue 18, item 1; docs/checkout.md).
    entity: 'stored_value_allowance',
    field: 'storedValueAllowances',
    table: 'retail.stored_value_allowances',
    key: [{ column: 'allowance_id', field: 'allowanceId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [
      col('register_id', 'registerId', 'text'),
      col('card_id', 'cardId', 'uuid'),
      col('card_number', 'cardNumber', 'text'),
      col('card_kind', 'cardKind', 'text'),
      { ...col('expires_on', 'expiresOn', 'date'), out: 't.expires_on::text' },
      isActive,
      money('granted', 'grantedCents'),
      money('settled', 'settledCents'),
    ],
  },
  {
    entity: 'embedding',
    field: 'embeddings',
    table: 'retail.product_embeddings',
    key: [
      { column: 'product_id', field: 'productId', type: 'uuid' },
      { column: 'embedding_model', field: 'embeddingModel', type: 'text' },
    ],
    storeScoped: true,
    isKey: (key) => EMBEDDING_KEY.test(key),
    columns: [
      col('embedding_text', 'embeddingText', 'text'),
      // The till writer sends the vector as pgvector's text form ('[0.1,...]').
      { ...col('embedding', 'embedding', 'text'), in: 'r.embedding::vector' },
    ],
  },
  {
    // HQ's promotions of the store (core/promotions.ts; rule and target as JSON).
    entity: 'promotion',
    field: 'promotions',
    table: 'retail.promotions',
    key: [{ column: 'promotion_id', field: 'promotionId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [
      col('promotion_name', 'name', 'text'),
      col('rule', 'rule', 'jsonb'),
      col('target', 'target', 'jsonb'),
      col('coupon_code', 'couponCode', 'text'),
      time('starts_at', 'startsAt'),
      time('ends_at', 'endsAt'),
      col('priority', 'priority', 'integer'),
      isActive,
    ],
  },
  {
    // Scheduled price changes (core/scheduled-prices.ts): after their products.
    entity: 'scheduled_price',
    field: 'scheduledPrices',
    table: 'retail.scheduled_prices',
    key: [{ column: 'schedule_id', field: 'scheduleId', type: 'uuid' }],
    storeScoped: true,
    isKey: isUuidKey,
    columns: [
      col('product_id', 'productId', 'uuid'),
      money('price', 'priceCents'),
      time('effective_at', 'effectiveAt'),
      time('superseded_at', 'supersededAt'),
    ],
  },
];

export const SYNCED_BY_ENTITY: ReadonlyMap<SyncedEntityName, SyncedEntity> = new Map(
  SYNCED_ENTITIES.map((e) => [e.entity, e]),
);

export const SYNCED_BY_FIELD: ReadonlyMap<keyof Changes, SyncedEntity> = new Map(
  SYNCED_ENTITIES.map((e) => [e.field, e]),
);

export function syncedEntity(entity: SyncedEntityName): SyncedEntity {
  const found = SYNCED_BY_ENTITY.get(entity);
  if (!found) throw new Error(`Not a synced entity: ${entity}`);
  return found;
}

/** The key columns, then the other synced columns. */
export function allColumns(e: SyncedEntity): SyncedColumn[] {
  return [
    ...e.key.map((k) => col(k.column, k.field, k.type === 'int' ? 'integer' : k.type)),
    ...e.columns,
  ];
}

/** The change log's key of a row, over alias `t` (text; a composite key joins with '/'). */
export function keyTextSql(e: SyncedEntity, alias = 't'): string {
  return e.key
    .map((k) => (k.type === 'text' ? `${alias}.${k.column}` : `${alias}.${k.column}::text`))
    .join(` || '/' || `);
}

/** The change log's key of a row given as JSON `e` (a staged row). */
export function keyFromJsonSql(e: SyncedEntity, alias = 'e'): string {
  if (e.key.length === 1) return `${alias}->>'${e.key[0]!.field}'`;
  return e.key.map((k) => `(${alias}->>'${k.field}')`).join(` || '/' || `);
}

/** The till's `INSERT ... ON CONFLICT` of one batch; $1 the store (scoped), then the JSON rows. */
export function tillUpsertSql(e: SyncedEntity): { sql: string; storeParam: boolean } {
  const ownKey = e.key.map((k) => k.column);
  // The store row carries its own key; other store-scoped rows get the till's store.
  const storeParam = e.storeScoped && !ownKey.includes('store_id');
  const json = storeParam ? '$2' : '$1';
  const columns = allColumns(e);
  const target = [...(storeParam ? ['store_id'] : []), ...columns.map((c) => c.column)];
  const values = [...(storeParam ? ['$1'] : []), ...columns.map((c) => c.in ?? `r."${c.field}"`)];
  const record = [...columns.map((c) => `"${c.field}" ${c.recordType}`), 'version bigint'];
  const conflict = [...(storeParam ? ['store_id'] : []), ...ownKey];
  const updates = e.columns.map((c) => `${c.column} = EXCLUDED.${c.column}`);
  const sql = `INSERT INTO ${e.table} AS x (${target.join(', ')}, version, updated_at)
     SELECT ${values.join(', ')}, r.version, now()
       FROM jsonb_to_recordset(${json}::jsonb) AS r(${record.join(', ')})
     ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET
       ${[...updates, 'version = EXCLUDED.version', 'updated_at = EXCLUDED.updated_at'].join(', ')}
     WHERE x.version < EXCLUDED.version`;
  return { sql, storeParam };
}

/** HQ's JSON of one row over alias `t` (json_build_object, money as exact cents). */
export function hqJsonSql(e: SyncedEntity): string {
  const pairs = [...allColumns(e), col('version', 'version', 'bigint')].map(
    (c) => `'${c.field}', ${c.out ?? `t.${c.column}`}`,
  );
  return `json_build_object(${pairs.join(', ')})`;
}
