/**
 * Issue 12, findings 1 and 2: the service roles cannot run code as the schema owner.
 *
 * The attack: a SECURITY DEFINER function whose search_path does not list pg_temp searches the
 * caller's temporary schema FIRST for type names. A caller who can create temporary objects
 * defines `pg_temp.date` as a domain whose CHECK calls its own function, then calls a definer
 * function that casts to `date`: the CHECK runs inside the definer's context, as the owner.
 *
 * Defences proven here, each on its own: (1) no service role may create temporary objects;
 * (2) even a role that could, cannot shadow names inside definer functions (search_path pins
 * pg_temp last); (3) PUBLIC executes none of our functions and each service role executes
 * exactly its allow-list.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_NAMES } from '../../db/central/connection';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const SERVICE_ROLES = ['app', 'reporting'] as const;
const OUR_SCHEMAS = ['retail', 'sync', 'monitoring', 'public'];

/** Creates the trap in the session's pg_temp; returns false when temp objects are refused. */
async function plantTrap(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query(`CREATE TEMP TABLE trap_log (who text)`);
  } catch (error) {
    expect(String(error)).toMatch(/permission denied to create temporary tables/);
    return false;
  }
  // The attacker lets anyone log into its table and run its function: the owner must be
  // able to, once the trap runs in the owner's context.
  await client.query(`GRANT ALL ON pg_temp.trap_log TO PUBLIC`);
  await client.query(`
    CREATE FUNCTION pg_temp.trap(v pg_catalog.date) RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO pg_temp.trap_log VALUES (current_user);
      RETURN true;
    END $$`);
  await client.query(`GRANT EXECUTE ON FUNCTION pg_temp.trap(pg_catalog.date) TO PUBLIC`);
  // Shadows the `date` type that definer functions cast to and declare variables of.
  await client.query(`CREATE DOMAIN pg_temp.date AS pg_catalog.date CHECK (pg_temp.trap(VALUE))`);
  return true;
}

/** How to call each definer function a service role may execute (a new one must be added). */
const CALLS: Record<string, string> = {
  'retail.ensure_sales_partitions_for(timestamp with time zone[])': `SELECT retail.ensure_sales_partitions_for(ARRAY[now()])`,
  'retail.ensure_sales_partitions(timestamp with time zone,timestamp with time zone)': `SELECT retail.ensure_sales_partitions(now(), now())`,
};

/** Calls every definer function the role may execute, in the trapped session. */
async function springTrap(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ sig: string }>(
    `SELECT p.oid::regprocedure::text AS sig
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prosecdef AND n.nspname = ANY($1) AND has_function_privilege(p.oid, 'EXECUTE')`,
    [OUR_SCHEMAS],
  );
  for (const row of rows) {
    const call = CALLS[row.sig];
    expect(call, `no attack call written for definer function ${row.sig}`).toBeDefined();
    await client.query(call!);
  }
  return rows.map((r) => r.sig);
}

async function trapLog(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ who: string }>(`SELECT who FROM pg_temp.trap_log`);
  return rows.map((r) => r.who);
}

describe('definer functions cannot be hijacked by a service role', () => {
  for (const role of SERVICE_ROLES) {
    it(`${role}: may not create temporary objects`, async () => {
      const client = await db.pools[role].connect();
      try {
        expect(await plantTrap(client)).toBe(false);
      } finally {
        client.release(true);
      }
    });

    it(`${role}: even with TEMP granted, shadowing a type never runs code as the owner`, async () => {
      // Defence in depth: grant TEMP for this test only (as the superuser), then attack.
      await db.pools.admin.query(`GRANT TEMP ON DATABASE "${db.name}" TO ${ROLE_NAMES[role]}`);
      const client = await db.pools[role].connect();
      try {
        expect(await plantTrap(client)).toBe(true);
        const called = await springTrap(client);
        if (role === 'app') {
          expect(called).toContain(
            'retail.ensure_sales_partitions_for(timestamp with time zone[])',
          );
        }
        // Also a plain cast in the caller's own context fires the trap: proof it is armed.
        await client.query(`SELECT '2026-01-01'::date`);
        const log = await trapLog(client);
        expect(log.length, 'the trap is armed in the caller context').toBeGreaterThan(0);
        expect(log.filter((who) => who !== ROLE_NAMES[role])).toEqual([]);
        const forced = await db.pools.admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'retail' AND c.relkind IN ('r','p') AND c.relrowsecurity
              AND NOT c.relforcerowsecurity`,
        );
        expect(forced.rows[0]?.n).toBe(0);
      } finally {
        client.release(true);
        await db.pools.admin.query(`REVOKE TEMP ON DATABASE "${db.name}" FROM ${ROLE_NAMES[role]}`);
      }
    });
  }

  it('every SECURITY DEFINER function pins search_path to pg_catalog, pg_temp (temp last)', async () => {
    const { rows } = await db.pools.admin.query<{ sig: string; config: string[] | null }>(
      `SELECT p.oid::regprocedure::text AS sig, p.proconfig AS config
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE p.prosecdef AND n.nspname = ANY($1)`,
      [OUR_SCHEMAS],
    );
    expect(rows.length).toBeGreaterThan(0);
    const bad = rows.filter((r) => !(r.config ?? []).includes('search_path=pg_catalog, pg_temp'));
    expect(bad).toEqual([]);
  });
});

describe('function privileges', () => {
  it('PUBLIC may execute none of our functions', async () => {
    const { rows } = await db.pools.admin.query<{ sig: string }>(
      `SELECT p.oid::regprocedure::text AS sig
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ANY($1)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
          AND (p.proacl IS NULL OR EXISTS (
                SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))`,
      [OUR_SCHEMAS],
    );
    expect(rows.map((r) => r.sig)).toEqual([]);
  });

  it('each service role executes exactly its allow-list', async () => {
    const allowed: Record<(typeof SERVICE_ROLES)[number], string[]> = {
      app: [
        'retail.ensure_sales_partitions_for(timestamp with time zone[])',
        'retail.sales_partition_months()',
        'retail.search_products_by_similarity(real[],text,double precision,integer)',
      ],
      reporting: [
        'monitoring.pg_stat_statements_status()',
        'monitoring.statement_stats(double precision)',
        'retail.sales_partition_months()',
        'retail.search_products_by_similarity(real[],text,double precision,integer)',
      ],
    };
    for (const role of SERVICE_ROLES) {
      const { rows } = await db.pools.admin.query<{ sig: string }>(
        `SELECT p.oid::regprocedure::text AS sig
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            AND p.prokind = 'f'
            AND has_function_privilege($2, p.oid, 'EXECUTE')
          ORDER BY 1`,
        [OUR_SCHEMAS, ROLE_NAMES[role]],
      );
      expect(
        rows.map((r) => r.sig).filter((s) => !allowed[role].includes(s)),
        role,
      ).toEqual([]);
    }
  });
});
