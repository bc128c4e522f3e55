/**
 * How each synced central table becomes the entities of the pull feed and snapshots
 * (contract/sync-protocol.ts Changes). PostgreSQL builds the JSON itself (json_build_object), so a page
 * of 50,000 rows goes from the database to the response body as text, never parsed and
 * re-serialised in between. Money leaves as integer cents computed exactly in numeric.
 *
 * Contract: every query runs inside withTenant for the device's store; store-scoped tables
 * are additionally filtered by `store_id = $1` (the tenant key and the filter agree; the
 * filter lets the planner use the keys). Categories are shared reference data.
 */
import { MAX_INT4 } from '../../contract/mutations';
import { RegisterId, StoreId, type Changes } from '../../contract/sync-protocol';

export type ChangeEntity =
  | 'store'
  | 'category'
  | 'category_tax_rate'
  | 'register'
  | 'staff'
  | 'product'
  | 'customer'
  | 'stock_level'
  | 'embedding';

export interface EntitySpec {
  entity: ChangeEntity;
  /** Field of Changes / Deletes this entity travels in. */
  field: keyof Changes;
  table: string;
  /** The change_log key as text, over alias t. */
  keyText: string;
  /** Matches keys given as $2 text[] (the feed). */
  keyIn: string;
  /** Order of a snapshot (a unique key). */
  orderBy: string;
  /** Rows after the key given as $2 text (a snapshot page). */
  keyAfter: string;
  /**
   * Whether a text is a key of this entity: a snapshot token's key is checked with it before
   * it reaches keyAfter's cast (a forged token's non-UUID key was a 500).
   */
  isKey: (key: string) => boolean;
  storeScoped: boolean;
  json: string;
}

const UUID_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A positive integer that fits PostgreSQL's integer (at most 2147483647). */
/** `<productId>/<model>` (keyText of embeddings). */
const EMBEDDING_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/.{1,100}$/su;
const isUuidKey = (key: string): boolean => UUID_KEY.test(key);
/** A positive integer that fits PostgreSQL's integer. */
const isInt4Key = (key: string): boolean =>
  /^[1-9][0-9]{0,9}$/.test(key) && Number(key) <= MAX_INT4;

const cents = (column: string): string => `(${column} * 100)::bigint`;

/** Dependency order: a row's references are applied before it (and deleted after it). */
export const ENTITY_SPECS: readonly EntitySpec[] = [
  {
    entity: 'store',
    field: 'stores',
    table: 'retail.stores',
    keyText: 't.store_id',
    keyIn: 't.store_id = ANY($2::text[])',
    orderBy: 't.store_id',
    keyAfter: 't.store_id > $2',
    isKey: (key) => StoreId.safeParse(key).success,
    storeScoped: true,
    json: `json_build_object('storeId', t.store_id, 'storeName', t.store_name,
      'storeLocation', t.store_location, 'storeType', t.store_type, 'region', t.region,
      'currency', t.currency, 'timezone', t.timezone, 'taxRatePpm', t.tax_rate_ppm,
      'taxIncluded', t.tax_included, 'taxRounding', t.tax_rounding,
      'taxComponents', t.tax_components,
      'managerDiscountThresholdPpm', t.manager_discount_threshold_ppm,
      'offlineCardLimitCents', ${cents('t.offline_card_limit')},
      'priceOverrideLimitPpm', t.price_override_limit_ppm,
      'openPriceLimitCents', ${cents('t.open_price_limit')}, 'isActive', t.is_active,
      'version', t.version)`,
  },
  {
    entity: 'category',
    field: 'categories',
    table: 'retail.product_categories',
    keyText: 't.category_id::text',
    keyIn: 't.category_id = ANY($2::int[])',
    orderBy: 't.category_id',
    keyAfter: 't.category_id > $2::int',
    isKey: isInt4Key,
    storeScoped: false,
    json: `json_build_object('categoryId', t.category_id, 'categoryName', t.category_name,
      'parentCategoryId', t.parent_category_id, 'description', t.description,
      'isActive', t.is_active, 'version', t.version)`,
  },
  {
    entity: 'category_tax_rate',
    field: 'categoryTaxRates',
    table: 'retail.category_tax_rates',
    keyText: 't.category_id::text',
    keyIn: 't.category_id = ANY($2::int[])',
    orderBy: 't.category_id',
    keyAfter: 't.category_id > $2::int',
    isKey: isInt4Key,
    storeScoped: true,
    json: `json_build_object('categoryId', t.category_id, 'taxRatePpm', t.tax_rate_ppm,
      'version', t.version)`,
  },
  {
    entity: 'register',
    field: 'registers',
    table: 'retail.registers',
    keyText: 't.register_id',
    keyIn: 't.register_id = ANY($2::text[])',
    orderBy: 't.register_id',
    keyAfter: 't.register_id > $2',
    isKey: (key) => RegisterId.safeParse(key).success,
    storeScoped: true,
    json: `json_build_object('registerId', t.register_id, 'registerName', t.register_name,
      'isActive', t.is_active, 'version', t.version)`,
  },
  {
    entity: 'staff',
    field: 'staff',
    table: 'retail.staff',
    keyText: 't.staff_id::text',
    keyIn: 't.staff_id = ANY($2::uuid[])',
    orderBy: 't.staff_id',
    keyAfter: 't.staff_id > $2::uuid',
    isKey: isUuidKey,
    storeScoped: true,
    json: `json_build_object('staffId', t.staff_id, 'displayName', t.display_name,
      'role', t.role, 'pinHash', t.pin_hash, 'isActive', t.is_active, 'version', t.version)`,
  },
  {
    entity: 'product',
    field: 'products',
    table: 'retail.products',
    keyText: 't.product_id::text',
    keyIn: 't.product_id = ANY($2::uuid[])',
    orderBy: 't.product_id',
    keyAfter: 't.product_id > $2::uuid',
    isKey: isUuidKey,
    storeScoped: true,
    json: `json_build_object('productId', t.product_id, 'sku', t.sku, 'barcode', t.barcode,
      'productName', t.product_name, 'productDescription', t.product_description,
      'categoryId', t.category_id, 'brand', t.brand, 'model', t.model, 'color', t.color,
      'size', t.size, 'weightKg', t.weight_kg::text, 'priceCents', ${cents('t.price')},
      'costCents', ${cents('t.cost')}, 'minimumStock', t.minimum_stock,
      'reorderPoint', t.reorder_point, 'supplierName', t.supplier_name,
      'isActive', t.is_active, 'isFeatured', t.is_featured, 'tags', t.tags,
      'metadata', t.metadata, 'version', t.version)`,
  },
  {
    entity: 'customer',
    field: 'customers',
    table: 'retail.customers',
    keyText: 't.customer_id::text',
    keyIn: 't.customer_id = ANY($2::uuid[])',
    orderBy: 't.customer_id',
    keyAfter: 't.customer_id > $2::uuid',
    isKey: isUuidKey,
    storeScoped: true,
    json: `json_build_object('customerId', t.customer_id, 'firstName', t.first_name,
      'lastName', t.last_name, 'email', t.email, 'phone', t.phone,
      'dateOfBirth', t.date_of_birth::text, 'gender', t.gender,
      'customerSince', t.customer_since::text, 'loyaltyTier', t.loyalty_tier,
      'totalLifetimeValueCents', ${cents('t.total_lifetime_value')}, 'version', t.version)`,
  },
  {
    entity: 'stock_level',
    field: 'stockLevels',
    table: 'retail.stock_levels',
    keyText: 't.product_id::text',
    keyIn: 't.product_id = ANY($2::uuid[])',
    orderBy: 't.product_id',
    keyAfter: 't.product_id > $2::uuid',
    isKey: isUuidKey,
    storeScoped: true,
    json: `json_build_object('productId', t.product_id, 'onHand', t.on_hand, 'version', t.version)`,
  },
  {
    entity: 'embedding',
    field: 'embeddings',
    table: 'retail.product_embeddings',
    // A UUID is 36 characters: the model starts at character 38, after the slash.
    keyText: `t.product_id::text || '/' || t.embedding_model`,
    keyIn: `(t.product_id, t.embedding_model) IN (
        SELECT split_part(k, '/', 1)::uuid, substr(k, 38) FROM unnest($2::text[]) AS k)`,
    orderBy: 't.product_id, t.embedding_model',
    keyAfter: `(t.product_id, t.embedding_model) > (split_part($2, '/', 1)::uuid, substr($2, 38))`,
    isKey: (key) => EMBEDDING_KEY.test(key),
    storeScoped: true,
    json: `json_build_object('productId', t.product_id, 'embeddingModel', t.embedding_model,
      'embeddingText', t.embedding_text, 'embedding', t.embedding, 'version', t.version)`,
  },
];

export const SPEC_BY_ENTITY: ReadonlyMap<string, EntitySpec> = new Map(
  ENTITY_SPECS.map((s) => [s.entity, s]),
);

function storeFilter(spec: EntitySpec): string {
  return spec.storeScoped ? 't.store_id = $1' : '$1::text IS NOT NULL';
}

/**
 * Current rows for the given keys: their JSON array (text) and the keys found. A key not
 * found is a row HQ no longer has (a tombstone for the till).
 */
export function rowsByKeySql(spec: EntitySpec): string {
  return `SELECT coalesce(json_agg(${spec.json} ORDER BY ${spec.orderBy}), '[]')::text AS json,
                 coalesce(array_agg(${spec.keyText}), '{}') AS keys
            FROM ${spec.table} t
           WHERE ${storeFilter(spec)} AND ${spec.keyIn}`;
}

/** One snapshot page: up to $3 rows after key $2 (NULL: from the start), in key order. */
export function rowsAfterSql(spec: EntitySpec, fromStart: boolean): string {
  // $2 is always referenced so its type is known either way.
  const after = fromStart ? ' AND $2::text IS NULL' : ` AND ${spec.keyAfter}`;
  return `SELECT coalesce(json_agg(s.j ORDER BY s.rn), '[]')::text AS json,
                 count(*)::int AS n,
                 (array_agg(s.k ORDER BY s.rn DESC))[1] AS last
            FROM (SELECT ${spec.json} AS j, ${spec.keyText} AS k,
                         row_number() OVER (ORDER BY ${spec.orderBy}) AS rn
                    FROM ${spec.table} t
                   WHERE ${storeFilter(spec)}${after}
                   ORDER BY ${spec.orderBy}
                   LIMIT $3) s`;
}

export function countSql(spec: EntitySpec): string {
  return `SELECT count(*)::int AS n FROM ${spec.table} t WHERE ${storeFilter(spec)}`;
}

/** A Changes object as JSON text, from per-field JSON arrays (missing fields are empty). */
export function changesJson(parts: ReadonlyMap<keyof Changes, string>): string {
  return `{${ENTITY_SPECS.map((s) => `"${s.field}":${parts.get(s.field) ?? '[]'}`).join(',')}}`;
}
