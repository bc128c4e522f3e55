/**
 * Ready for sharding by store (docs/scaling.md): on every tenant table, store_id leads the
 * primary key, every unique constraint and unique index, and every foreign key (on both sides).
 * Citus requires exactly this of tables distributed by store_id; it is also what stops one
 * store's UUID from colliding with or pointing at another store's row.
 *
 * Tables without store_id must be listed below as reference (replicated) or global tables, so
 * a new table forces an explicit decision instead of slipping through.
 *
 * And what else Citus refuses, checked here so the default suite catches a regression without
 * a cluster (`npm run test:citus` runs the real thing): sub-selects in row-level security
 * policies, SET NULL / SET DEFAULT foreign-key actions on keys with the distribution column,
 * triggers with side effects (transition tables, AFTER or statement-level triggers on
 * distributed and reference tables: the derived data and the change feed are written by the
 * code), non-immutable functions in ON CONFLICT ... DO UPDATE of the SQL HQ runs, and
 * migrations after the distribution that add a column with an inline constraint. Each
 * check has a control that plants the violation and must be caught.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import {
  doUpdateClauses,
  functionCalls,
  hqDoUpdateUses,
  hqSourceFiles,
  constraintsBesideOtherSubcommands,
  inlineConstraintColumns,
  templateLiterals,
} from './citus-rules';

/**
 * Replicated to every node under Citus; a tenant table may reference them. A gift card or store
 * credit (retail.stored_value_cards) belongs to the chain, not to the store that sold it: any
 * store's till redeems it and settles it in its own store's transaction (docs/checkout.md,
 * "Which store owns a card").
 */
const REFERENCE_TABLES = [
  'retail.stores',
  'retail.product_categories',
  'retail.stored_value_cards',
];
/**
 * Global bookkeeping with no tenant rows (sales_retention, chain_policy: replicated one-row
 * settings).
 */
const GLOBAL_TABLES = ['retail.sales_retention', 'retail.chain_policy', 'public.schema_migrations'];
/** Schemas whose tables are distributed or replicated on a cluster. */
const CLUSTER_SCHEMAS = ['retail', 'sync'];
/**
 * Not on the cluster's shards: catalogs, the monitoring views, and the HQ console's chain-level
 * tables (users, sessions, audit log: no tenant rows, local to the coordinator; the audit log's
 * store_id only says which store a change was about).
 */
const SKIPPED_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast', 'monitoring', 'console'];

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

describe('what a Citus cluster refuses', () => {
  async function subSelectPolicies(): Promise<string[]> {
    // pg_node_tree text: a sub-query in a policy expression is a SUBLINK node.
    const { rows } = await db.pools.admin.query<{ name: string }>(
      `SELECT polrelid::regclass::text || '.' || polname AS name FROM pg_policy
        WHERE polqual::text LIKE '%{SUBLINK%' OR polwithcheck::text LIKE '%{SUBLINK%'
        ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  }

  it('no row-level security policy has a sub-select', async () => {
    expect(await subSelectPolicies()).toEqual([]);
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_policy`,
    );
    expect(rows[0]!.n).toBeGreaterThan(40);
  });

  it('(control) a sub-select policy is caught', async () => {
    const client = await db.pools.owner.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE POLICY careless ON retail.customers USING (store_id = (SELECT current_user::text))`,
      );
      const { rows } = await client.query<{ name: string }>(
        `SELECT polrelid::regclass::text || '.' || polname AS name FROM pg_policy
          WHERE polqual::text LIKE '%{SUBLINK%'`,
      );
      expect(rows.map((r) => r.name)).toEqual(['retail.customers.careless']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  async function nullingForeignKeys(): Promise<string[]> {
    const { rows } = await db.pools.admin.query<{ name: string }>(
      `SELECT c.conrelid::regclass::text || '.' || c.conname AS name
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.conparentid = 0
          AND (c.confdeltype IN ('n', 'd') OR c.confupdtype IN ('n', 'd'))
          AND EXISTS (SELECT 1 FROM pg_attribute a
                       WHERE a.attrelid = c.conrelid AND a.attname = 'store_id'
                         AND a.attnum = ANY (c.conkey))
        ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  }

  it('no foreign key on a store-keyed table sets NULL or DEFAULT on delete or update', async () => {
    expect(await nullingForeignKeys()).toEqual([]);
  });

  it('(control) a SET NULL foreign key is caught', async () => {
    await db.pools.owner.query(`
      CREATE TABLE retail.bad_link (store_id text NOT NULL, id uuid NOT NULL, customer_id uuid,
        PRIMARY KEY (store_id, id),
        FOREIGN KEY (store_id, customer_id) REFERENCES retail.customers (store_id, customer_id)
          ON DELETE SET NULL (customer_id))`);
    try {
      expect(await nullingForeignKeys()).toEqual([
        expect.stringMatching(/^retail\.bad_link\./) as unknown as string,
      ]);
    } finally {
      await db.pools.owner.query(`DROP TABLE retail.bad_link`);
    }
  });

  async function sideEffectTriggers(): Promise<string[]> {
    // tgtype bits: 1 = row level, 2 = BEFORE. Anything else (AFTER, statement level, transition
    // tables) exists for its side effects on other rows.
    const { rows } = await db.pools.admin.query<{ name: string }>(
      `SELECT t.tgrelid::regclass::text || '.' || t.tgname AS name
         FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND n.nspname = ANY ($1)
          AND ((t.tgtype & 1) = 0 OR (t.tgtype & 2) = 0
               OR t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL)
        ORDER BY 1`,
      [CLUSTER_SCHEMAS],
    );
    return rows.map((r) => r.name);
  }

  it('no trigger writes elsewhere: only BEFORE row triggers, no transition tables', async () => {
    expect(await sideEffectTriggers()).toEqual([]);
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal AND c.relnamespace = 'retail'::regnamespace`,
    );
    // Version bumps and immutability guards remain (they only look at the row itself).
    expect(rows[0]!.n).toBeGreaterThan(10);
  });

  it('(control) an AFTER statement trigger with a transition table is caught', async () => {
    const client = await db.pools.owner.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE TRIGGER careless AFTER INSERT ON retail.stock_movements
           REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION retail.forbid_change()`,
      );
      const { rows } = await client.query<{ name: string }>(
        `SELECT tgname AS name FROM pg_trigger
          WHERE tgnewtable IS NOT NULL OR (NOT tgisinternal AND (tgtype & 1) = 0)`,
      );
      expect(rows.map((r) => r.name)).toEqual(['careless']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  /** Functions (by name) some overload of which is not IMMUTABLE. */
  async function mutable(names: readonly string[]): Promise<string[]> {
    const { rows } = await db.pools.admin.query<{ name: string }>(
      `SELECT DISTINCT p.proname AS name FROM pg_proc p
        WHERE p.proname = ANY ($1) AND p.provolatile <> 'i' ORDER BY 1`,
      [names.map((n) => n.replace(/^.*\./, ''))],
    );
    return rows.map((r) => r.name);
  }

  it('no ON CONFLICT ... DO UPDATE in the SQL HQ runs calls a non-immutable function', async () => {
    const files = hqSourceFiles();
    // The walk from HQ's entry points reaches the ingest, admin, feed and seed code.
    expect(files).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ingest-sales\.ts$/),
        expect.stringMatching(/derived\.ts$/),
        expect.stringMatching(/feed-log\.ts$/),
        expect.stringMatching(/catalog-write\.ts$/),
        expect.stringMatching(/admin\.ts$/),
      ]),
    );
    const uses = hqDoUpdateUses(files);
    expect(uses.length).toBeGreaterThan(12);
    const problems: string[] = [];
    for (const use of uses) {
      const bad = await mutable(use.functions);
      if (bad.length > 0)
        problems.push(`${use.where}: ${bad.join(', ')} in DO UPDATE SET ${use.clause}`);
    }
    // Functions and procedures in the database count too (plpgsql bodies).
    const { rows: bodies } = await db.pools.admin.query<{ name: string; src: string }>(
      `SELECT p.oid::regprocedure::text AS name, p.prosrc AS src
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('retail', 'sync', 'monitoring')`,
    );
    for (const body of bodies) {
      for (const clause of doUpdateClauses(body.src)) {
        const bad = await mutable(functionCalls(clause));
        if (bad.length > 0) problems.push(`${body.name}: ${bad.join(', ')} in DO UPDATE SET`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('(control) now(), CURRENT_TIMESTAMP or gen_random_uuid() in DO UPDATE is caught', async () => {
    const planted = templateLiterals(
      'const sql = `INSERT INTO retail.t AS t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET ' +
        'updated_at = now(), b = CURRENT_TIMESTAMP, c = coalesce(t.c, gen_random_uuid()), ' +
        'd = $2::numeric(12,2), e = EXCLUDED.e + 1 RETURNING t.a`;',
    ).flatMap(doUpdateClauses);
    expect(planted).toHaveLength(1);
    const calls = functionCalls(planted[0]!);
    expect(calls).toEqual(['gen_random_uuid', 'now']);
    expect(await mutable(calls)).toEqual(['gen_random_uuid', 'now']);
    // And a file of HQ's really is read: the feed's counter upsert is found.
    const feed = templateLiterals(readFileSync('db/central/feed-log.ts', 'utf8')).flatMap(
      doUpdateClauses,
    );
    expect(feed.join(' ')).toMatch(/last_seq = f\.last_seq \+ EXCLUDED\.last_seq/);
  });

  it('no migration after the distribution adds a column with an inline constraint', () => {
    const dir = 'db/migrations/central';
    const ups = readdirSync(dir)
      .filter((f) => f.endsWith('.up.sql'))
      .sort();
    const distribute = ups.findIndex((f) =>
      readFileSync(`${dir}/${f}`, 'utf8').includes('create_distributed_table'),
    );
    expect(distribute).toBeGreaterThan(0);
    const problems = ups
      .slice(distribute + 1)
      .flatMap((f) =>
        inlineConstraintColumns(readFileSync(`${dir}/${f}`, 'utf8')).map((c) => `${f}: ${c}`),
      );
    expect(problems).toEqual([]);
  });

  it('no migration after the distribution adds a constraint beside another subcommand', () => {
    const dir = 'db/migrations/central';
    const ups = readdirSync(dir)
      .filter((f) => f.endsWith('.up.sql'))
      .sort();
    const distribute = ups.findIndex((f) =>
      readFileSync(`${dir}/${f}`, 'utf8').includes('create_distributed_table'),
    );
    const problems = ups
      .slice(distribute + 1)
      .flatMap((f) =>
        constraintsBesideOtherSubcommands(readFileSync(`${dir}/${f}`, 'utf8')).map(
          (t) => `${f}: ${t}`,
        ),
      );
    expect(problems).toEqual([]);
  });

  it('(control) ADD CONSTRAINT with another subcommand is caught, alone it is not', () => {
    expect(
      constraintsBesideOtherSubcommands(`-- ALTER TABLE x ADD CONSTRAINT y CHECK (a), ADD COLUMN b
        ALTER TABLE retail.stores
          ADD CONSTRAINT a_check CHECK (length(a) <= 200),
          ADD CONSTRAINT b_check CHECK (length(b) <= 30);
        ALTER TABLE retail.products ADD CONSTRAINT c_check CHECK (c > 0);
        ALTER TABLE ONLY retail.registers ADD COLUMN d text, ADD CONSTRAINT d_check CHECK (d <> '');
        ALTER TABLE retail.staff ADD COLUMN e text, ADD COLUMN f text;`),
    ).toEqual(['retail.stores', 'retail.registers']);
  });

  it('(control) a column added with an inline CHECK, REFERENCES or UNIQUE is caught', () => {
    expect(
      inlineConstraintColumns(`-- ADD COLUMN in a comment, CHECK (x)
        ALTER TABLE retail.stores
          ADD COLUMN a text NOT NULL DEFAULT 'x' CHECK (a IN ('x', 'y')),
          ADD COLUMN b numeric(12,2),
          ADD COLUMN c uuid REFERENCES retail.stores (store_id),
          ADD CONSTRAINT d CHECK (b >= 0);
        ALTER TABLE retail.products ADD COLUMN IF NOT EXISTS e int UNIQUE;`),
    ).toEqual(['a', 'c', 'e']);
  });
});

describe('functions that run per store', () => {
  /**
   * Functions of the cluster's schemas with an argument that names a store. On a cluster such a
   * function would belong distributed by that argument (create_distributed_function(..., '$1',
   * colocate_with => 'retail.products')), so a call runs on the store's node in one round trip:
   * docs/scaling.md says why none exists (the per-store work is the service's statements, each
   * routed to the store's node by its store_id filter). A new one must come with that
   * migration and a cluster test.
   */
  async function storeArgumentFunctions(
    on: pg.Pool | pg.PoolClient = db.pools.admin,
  ): Promise<string[]> {
    const { rows } = await on.query<{ name: string }>(
      `SELECT p.oid::regprocedure::text AS name
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ANY ($1)
          AND EXISTS (SELECT 1 FROM unnest(coalesce(p.proargnames, '{}')) AS a WHERE a ILIKE '%store%')
        ORDER BY 1`,
      [CLUSTER_SCHEMAS],
    );
    return rows.map((r) => r.name);
  }

  it('no function of the cluster schemas takes a store: none to distribute by its argument', async () => {
    expect(await storeArgumentFunctions()).toEqual([]);
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_proc WHERE pronamespace = 'retail'::regnamespace`,
    );
    expect(rows[0]!.n).toBeGreaterThan(5);
  });

  it('(control) a function with a store argument is caught', async () => {
    const client = await db.pools.owner.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE FUNCTION retail.careless_total(p_store_id text) RETURNS bigint LANGUAGE sql STABLE
           AS $$ SELECT count(*) FROM retail.products WHERE store_id = p_store_id $$`,
      );
      expect(await storeArgumentFunctions(client)).toEqual(['retail.careless_total(text)']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
