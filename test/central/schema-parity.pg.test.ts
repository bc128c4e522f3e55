/**
 * One set of mutation and entity schemas fits both ends only if the shared tables have the same
 * columns: a fresh till database (PGlite, edge migrations) and a fresh HQ database (PostgreSQL,
 * central migrations) must agree on every shared table's column names, types and nullability.
 * The differences HQ makes on purpose are listed here, each with its reason.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeExtensions } from '../../db/edge/extensions';
import { EDGE_MIGRATIONS_DIR, loadMigrations } from '../../db/migrations/node-source';
import { pgliteMigrationDriver } from '../../db/migrations/pglite-driver';
import { migrateUp } from '../../db/migrations/runner';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { SYNCED_ENTITIES, allColumns } from '../../db/synced/registry';

interface Column {
  table: string;
  column: string;
  type: string;
  notNull: boolean;
  generated: boolean;
}

const COLUMNS_SQL = `
  SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull AS "notNull", a.attgenerated <> '' AS generated
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'retail' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY 1, a.attnum`;

/** Deliberate differences: [table.column, edge type, central type, why]. */
const ALLOWED_TYPE_DIFFERENCES: ReadonlyArray<[string, string, string, string]> = [
  [
    'product_embeddings.embedding',
    'vector',
    'real[]',
    'pgvector is optional at HQ; the pull feed sends plain number arrays either way',
  ],
];

/** Tables only HQ has (derived data and sales bookkeeping). */
const CENTRAL_ONLY = [
  // Returns at another store (issue 13): the chain's policy, and the other stores' returns
  // against this store's sales; the till hears of them in HQ's receipt lookup.
  'chain_policy',
  'daily_cashier_sales',
  'daily_sales',
  'daily_store_sales',
  'daily_tender_sales',
  'hourly_store_sales',
  // Loyalty points: HQ holds the balance (issue 18, item 6).
  'loyalty_ledger',
  'returns_elsewhere',
  'sales_retention',
  'sales_transaction_ids',
  'stock_alerts',
  // Gift cards: the till holds its register's allowances only (issue 18).
  'stored_value_cards',
  'stored_value_ledger',
];

let edge: PGlite;
let central: TestDatabase;

beforeAll(async () => {
  edge = await PGlite.create({ extensions: edgeExtensions });
  await migrateUp(pgliteMigrationDriver(edge), loadMigrations(EDGE_MIGRATIONS_DIR));
  central = await createTestDatabase();
});
afterAll(async () => {
  await edge?.close();
  await central?.drop();
});

describe('shared tables', () => {
  it('have the same columns, types and nullability at the till and at HQ', async () => {
    const edgeCols = (await edge.query<Column>(COLUMNS_SQL)).rows;
    const centralCols = (await central.pools.admin.query<Column>(COLUMNS_SQL)).rows;
    const edgeTables = new Set(edgeCols.map((c) => c.table));
    const centralTables = new Set(centralCols.map((c) => c.table));

    // Every till table exists at HQ; HQ's extra tables are the documented ones.
    expect([...edgeTables].filter((t) => !centralTables.has(t))).toEqual([]);
    expect([...centralTables].filter((t) => !edgeTables.has(t)).sort()).toEqual(CENTRAL_ONLY);
    expect(edgeTables.size).toBeGreaterThanOrEqual(15);

    const key = (c: Column) => `${c.table}.${c.column}`;
    const centralByKey = new Map(centralCols.map((c) => [key(c), c]));
    const allowed = new Map(ALLOWED_TYPE_DIFFERENCES.map(([k, e, c]) => [k, { e, c }]));
    const mismatches: string[] = [];
    for (const col of edgeCols) {
      const other = centralByKey.get(key(col));
      if (!other) {
        mismatches.push(`${key(col)} missing at HQ`);
        continue;
      }
      const exception = allowed.get(key(col));
      if (exception) {
        expect([col.type, other.type]).toEqual([exception.e, exception.c]);
      } else if (col.type !== other.type) {
        mismatches.push(`${key(col)}: ${col.type} at the till, ${other.type} at HQ`);
      }
      if (col.notNull !== other.notNull) mismatches.push(`${key(col)}: nullability differs`);
      if (col.generated !== other.generated) mismatches.push(`${key(col)}: generated differs`);
    }
    // HQ adds no column to a shared table that the till lacks.
    for (const col of centralCols) {
      if (edgeTables.has(col.table) && !edgeCols.some((e) => key(e) === key(col))) {
        mismatches.push(`${key(col)} only at HQ`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

/** Columns of synced tables the feed does not carry, each with its reason. */
const NOT_SYNCED: Readonly<Record<string, string>> = {
  'stores.created_at': 'each database records when it first held the row',
  'products.created_at': 'each database records when it first held the row',
  'customers.created_at': 'each database records when it first held the row',
  'product_embeddings.created_at': 'each database records when it first held the row',
  'products.rating_average': 'reviews data of the source catalog; no till screen shows it',
  'products.rating_count': 'reviews data of the source catalog; no till screen shows it',
  'customers.linked_customer_id':
    "HQ's link between customers who share an email (issue 11); the till keeps both as they are",
};

/** The type family a column's SQL type reads as from JSON (jsonb_to_recordset). */
function family(sqlType: string): string {
  if (/^(text|character varying|character)\b/.test(sqlType)) {
    return sqlType.endsWith('[]') ? 'text[]' : 'text';
  }
  if (/^(integer|smallint)$/.test(sqlType)) return 'integer';
  if (sqlType === 'timestamp with time zone') return 'timestamptz';
  return sqlType;
}

describe('the registry of synced entities (db/synced/registry.ts)', () => {
  it('names every column of each synced table at the till and at HQ, with types that read back', async () => {
    const edgeCols = (await edge.query<Column>(COLUMNS_SQL)).rows;
    const centralCols = (await central.pools.admin.query<Column>(COLUMNS_SQL)).rows;
    const problems: string[] = [];
    for (const entity of SYNCED_ENTITIES) {
      const table = entity.table.replace(/^retail\./, '');
      const described = new Map(allColumns(entity).map((c) => [c.column, c]));
      const implied = [...(entity.storeScoped ? ['store_id'] : []), 'version', 'updated_at'];
      for (const [side, cols] of [
        ['till', edgeCols],
        ['HQ', centralCols],
      ] as const) {
        const actual = cols.filter((c) => c.table === table);
        if (actual.length === 0) problems.push(`${entity.table} missing at ${side}`);
        for (const c of actual) {
          // A generated column is computed by each database from the synced ones.
          if (c.generated || implied.includes(c.column) || NOT_SYNCED[`${table}.${c.column}`]) {
            continue;
          }
          const d = described.get(c.column);
          if (!d) problems.push(`${table}.${c.column} (${side}) is not in the registry`);
          else if (side === 'till' && !d.in && family(c.type) !== family(d.recordType)) {
            problems.push(`${table}.${c.column}: ${c.type} at the till, read as ${d.recordType}`);
          }
        }
        for (const column of [...described.keys(), ...implied]) {
          if (!actual.some((c) => c.column === column)) {
            problems.push(`${table}.${column} is in the registry but not at ${side}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists exactly the tables whose rows HQ versions (the version triggers of the migrations)', async () => {
    const { rows } = await central.pools.admin.query<{ table: string }>(
      `SELECT DISTINCT c.relname AS table
         FROM pg_trigger g
         JOIN pg_class c ON c.oid = g.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'retail' AND NOT g.tgisinternal AND g.tgname LIKE '%\\_version'
        ORDER BY 1`,
    );
    expect(rows.map((r) => `retail.${r.table}`)).toEqual(
      SYNCED_ENTITIES.map((e) => e.table).sort(),
    );
  });
});
