/**
 * Central migrations through the shared runner on a real PostgreSQL: up from empty, all the way
 * down and up again (every down script works), partial rollbacks, an idempotent bootstrap, and
 * the monitoring views answering for the reporting role.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapCentral } from '../../db/central/bootstrap';
import {
  centralMigrations,
  centralMigrationStatus,
  migrateCentral,
  migrateCentralDown,
} from '../../db/central/migrate';
import { pgQueryable } from '../../db/central/pool';
import { slowQueries, tableStats, unusedIndexes } from '../../db/central/queries/monitoring';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { PgCode } from '../../db/pg-errors';

let empty: TestDatabase;
let seeded: TestDatabase;

async function objects(
  db: TestDatabase,
): Promise<{ tables: number; functions: number; policies: number }> {
  const { rows } = await db.pools.admin.query<{
    tables: number;
    functions: number;
    policies: number;
  }>(
    `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname IN ('retail', 'monitoring') AND c.relkind IN ('r', 'p', 'v'))::int AS tables,
            (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname IN ('retail', 'monitoring'))::int AS functions,
            (SELECT count(*) FROM pg_policies WHERE schemaname = 'retail')::int AS policies`,
  );
  return rows[0]!;
}

beforeAll(async () => {
  [empty, seeded] = await Promise.all([
    createTestDatabase({ migrated: false }),
    createTestDatabase(),
  ]);
});
afterAll(async () => {
  await Promise.all([empty?.drop(), seeded?.drop()]);
});

describe('central migrations', () => {
  it('go up from empty, all the way down, and up again', async () => {
    const latest = centralMigrations().length;
    expect(latest).toBeGreaterThanOrEqual(6);
    expect((await centralMigrationStatus(empty.pools.owner)).pending).toHaveLength(latest);

    const up = await migrateCentral(empty.pools.owner);
    expect(up.version).toBe(latest);
    const full = await objects(empty);
    expect(full.tables).toBeGreaterThan(25);
    // Two policies per tenant table in retail (17 tables on main, daily_store_sales in 0021,
    // the console's hourly, tender and cashier rollups in 0026, promotions in 0029,
    // stored_value_ledger and stored_value_allowances in 0030, loyalty_ledger in 0032,
    // scheduled_prices in 0033, returns_elsewhere in 0034).
    expect(full.policies).toBe(54);

    const down = await migrateCentralDown(empty.pools.owner, { to: 0 });
    expect(down.version).toBe(0);
    expect(await objects(empty)).toEqual({ tables: 0, functions: 0, policies: 0 });

    await migrateCentral(empty.pools.owner, { to: 3 });
    expect((await centralMigrationStatus(empty.pools.owner)).version).toBe(3);
    const partial = await objects(empty);
    expect(partial.policies).toBe(0);
    await migrateCentralDown(empty.pools.owner, { to: 1 });
    await migrateCentral(empty.pools.owner);
    expect(await objects(empty)).toEqual(full);
    expect((await centralMigrationStatus(empty.pools.owner)).pending).toEqual([]);
  });

  it('the bootstrap is idempotent', async () => {
    await bootstrapCentral(empty.target);
    const again = await bootstrapCentral(empty.target);
    expect(again.createdDatabase).toBe(false);
    const roles = await empty.pools.admin.query(
      `SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname LIKE 'edgepos\\_%' ORDER BY 1`,
    );
    expect(roles.rows).toEqual([
      { rolname: 'edgepos_app', rolsuper: false, rolbypassrls: false, rolcanlogin: true },
      { rolname: 'edgepos_owner', rolsuper: false, rolbypassrls: false, rolcanlogin: true },
      { rolname: 'edgepos_reporting', rolsuper: false, rolbypassrls: false, rolcanlogin: true },
    ]);
  });
});

describe('monitoring', () => {
  it('reports slow statements, table stats and unused indexes to the reporting role', async () => {
    const reporting = pgQueryable(seeded.pools.reporting);
    await seeded.pools.reporting.query(`SELECT pg_sleep(0.02)`);
    const slow = await slowQueries(reporting, { minMeanMs: 10 });
    // The embedded server preloads pg_stat_statements and the bootstrap creates it.
    expect(slow.available).toBe(true);
    if (slow.available) expect(slow.rows.some((r) => r.query.includes('pg_sleep'))).toBe(true);

    const tables = await tableStats(reporting);
    expect(tables.map((t) => t.tableName)).toEqual(
      expect.arrayContaining(['sales_transactions', 'products', 'daily_sales']),
    );
    expect(tables.some((t) => t.partitionOf === 'sales_transaction_items')).toBe(true);

    const unused = await unusedIndexes(reporting);
    expect(unused.length).toBeGreaterThan(0);
    expect(unused.every((i) => !i.indexName.endsWith('_pkey'))).toBe(true);
  });

  it('explains what to do when pg_stat_statements is not installed', async () => {
    await empty.pools.admin.query('DROP EXTENSION IF EXISTS pg_stat_statements');
    try {
      const slow = await slowQueries(pgQueryable(empty.pools.owner));
      expect(slow).toEqual({
        available: false,
        message: expect.stringMatching(/CREATE EXTENSION pg_stat_statements/) as unknown,
      });
      await expect(
        empty.pools.owner.query('SELECT * FROM monitoring.slow_queries'),
      ).rejects.toMatchObject({
        code: PgCode.objectNotInPrerequisiteState,
        message: expect.stringMatching(/not installed/) as unknown,
      });
    } finally {
      await empty.pools.admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    }
  });

  it('gives the application role no access to monitoring', async () => {
    await expect(
      seeded.pools.app.query('SELECT * FROM monitoring.table_stats'),
    ).rejects.toMatchObject({ code: PgCode.insufficientPrivilege });
  });
});
