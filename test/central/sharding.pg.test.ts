/**
 * Ready for sharding by store (docs/scaling.md): on every tenant table, store_id leads the
 * primary key, every unique constraint and unique index, and every foreign key (on both sides).
 * Citus requires exactly this of tables distributed by store_id; it is also what stops one
 * store's UUID from colliding with or pointing at another store's row.
 *
 * Tables without store_id must be listed below as reference (replicated) or global tables, so
 * a new table forces an explicit decision instead of slipping through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

/** Replicated to every node under Citus; a tenant table may reference them. */
const REFERENCE_TABLES = ['retail.stores', 'retail.product_categories'];
/** Global bookkeeping with no tenant rows. */
const GLOBAL_TABLES = ['retail.sales_retention', 'public.schema_migrations'];
const SKIPPED_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast', 'monitoring'];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

interface TableInfo {
  name: string;
  has_store_id: boolean;
}

interface KeyInfo {
  table: string;
  name: string;
  kind: string;
  first_column: string | null;
  ref_table: string | null;
  ref_first_column: string | null;
}

describe('every tenant table', () => {
  it('is classified: tenant (has store_id), reference or global', async () => {
    const { rows } = await db.pools.admin.query<TableInfo>(
      `SELECT n.nspname || '.' || c.relname AS name,
              EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'store_id'
                                                     AND NOT a.attisdropped) AS has_store_id
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname <> ALL ($1)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                                     AND d.objid = c.oid AND d.deptype = 'e')
        ORDER BY 1`,
      [SKIPPED_SCHEMAS],
    );
    const unclassified = rows
      .filter((t) => !t.has_store_id)
      .map((t) => t.name)
      .filter((n) => !REFERENCE_TABLES.includes(n) && !GLOBAL_TABLES.includes(n));
    expect(unclassified).toEqual([]);
    expect(rows.filter((t) => t.has_store_id).length).toBeGreaterThanOrEqual(17);
  });

  it('leads its primary key, unique keys, unique indexes and foreign keys with store_id', async () => {
    expect(await keyProblems()).toEqual([]);
  });

  it('(control) a table with global keys is caught', async () => {
    await db.pools.owner.query(`
      CREATE TABLE retail.bad_tenant (
        store_id text NOT NULL, id uuid PRIMARY KEY, customer_id uuid, email text,
        FOREIGN KEY (store_id, customer_id) REFERENCES retail.customers (store_id, customer_id));
      CREATE UNIQUE INDEX bad_tenant_email ON retail.bad_tenant (email);
      CREATE TABLE retail.bad_child (store_id text NOT NULL, bad_id uuid REFERENCES retail.bad_tenant (id),
        PRIMARY KEY (store_id, bad_id));`);
    try {
      const problems = await keyProblems();
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringContaining('bad_tenant.bad_tenant_pkey (p)'),
          expect.stringContaining('bad_tenant.bad_tenant_email (unique-index)'),
          expect.stringContaining('bad_child.bad_child_bad_id_fkey (f -> retail.bad_tenant)'),
        ]),
      );
      expect(problems.some((p) => p.includes('bad_tenant_store_id_customer_id_fkey'))).toBe(false);
    } finally {
      await db.pools.owner.query(`DROP TABLE retail.bad_child, retail.bad_tenant`);
    }
  });
});

async function keyProblems(): Promise<string[]> {
  {
    const { rows: keys } = await db.pools.admin.query<KeyInfo>(
      `WITH tenant AS (
           SELECT c.oid, n.nspname || '.' || c.relname AS name
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname <> ALL ($1)
              AND c.oid <> 'retail.stores'::regclass
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'store_id'
                                                         AND NOT a.attisdropped)
       )
       -- constraints defined on tenant tables (PK, UNIQUE, FK, EXCLUDE)
       SELECT t.name AS table, con.conname AS name, con.contype::text AS kind,
              (SELECT attname FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = con.conkey[1]) AS first_column,
              CASE WHEN con.contype = 'f' THEN con.confrelid::regclass::text END AS ref_table,
              (SELECT attname FROM pg_attribute WHERE attrelid = con.confrelid AND attnum = con.confkey[1]) AS ref_first_column
         FROM pg_constraint con JOIN tenant t ON t.oid = con.conrelid
        WHERE con.contype IN ('p', 'u', 'f', 'x') AND con.conparentid = 0
       UNION ALL
       -- foreign keys from anywhere INTO a tenant table
       SELECT con.conrelid::regclass::text, con.conname, 'f-in',
              (SELECT attname FROM pg_attribute WHERE attrelid = con.conrelid AND attnum = con.conkey[1]),
              con.confrelid::regclass::text,
              (SELECT attname FROM pg_attribute WHERE attrelid = con.confrelid AND attnum = con.confkey[1])
         FROM pg_constraint con JOIN tenant t ON t.oid = con.confrelid
        WHERE con.contype = 'f' AND con.conparentid = 0
       UNION ALL
       -- unique indexes, including partial and expression ones
       SELECT t.name, (SELECT relname FROM pg_class WHERE oid = i.indexrelid)::text, 'unique-index',
              CASE WHEN i.indkey[0] = 0 THEN NULL
                   ELSE (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = i.indkey[0]) END,
              NULL, NULL
         FROM pg_index i JOIN tenant t ON t.oid = i.indrelid
        WHERE i.indisunique
        ORDER BY 1, 2`,
      [SKIPPED_SCHEMAS],
    );
    expect(keys.length).toBeGreaterThan(40);
    const problems: string[] = [];
    const tables = new Set(keys.map((k) => k.table));
    for (const table of tables) {
      if (!keys.some((k) => k.table === table && k.kind === 'p'))
        problems.push(`${table} has no primary key`);
    }
    for (const k of keys) {
      const ref = k.ref_table ?? '';
      const toReference = REFERENCE_TABLES.includes(
        ref.startsWith('retail.') ? ref : `retail.${ref}`,
      );
      if (k.kind === 'f' || k.kind === 'f-in') {
        if (toReference && ref.endsWith('stores')) {
          if (k.first_column !== 'store_id')
            problems.push(`${k.table}.${k.name}: FK to stores must be on store_id`);
          continue;
        }
        // Citus allows a distributed table to reference a replicated reference table.
        if (toReference && k.kind === 'f') continue;
        if (k.first_column !== 'store_id' || k.ref_first_column !== 'store_id') {
          problems.push(
            `${k.table}.${k.name} (${k.kind} -> ${ref}) does not lead with store_id on both sides`,
          );
        }
      } else if (k.first_column !== 'store_id') {
        problems.push(`${k.table}.${k.name} (${k.kind}) does not lead with store_id`);
      }
    }
    return problems;
  }
}
