/**
 * Prepared statements on a real (in-memory) PGlite: one call per run, atomic, typed SQLSTATE
 * errors, never inside another caller's open transaction, and self-healing when the session's
 * statements are deallocated.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toPosError, ErrorKind } from './errors';
import { preparedStatement, runPrepared } from './prepared';

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL)`);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.exec(`TRUNCATE t`);
});

const INSERT = preparedStatement(
  'test_prepared_insert',
  `INSERT INTO t (id, note) VALUES ($1::int, $2::text) RETURNING id, note`,
);
const COUNT = preparedStatement('test_prepared_count', `SELECT count(*)::int, $1::text FROM t`);
/** Two rows in one statement: the second may violate the key after the first was inserted. */
const PAIR = preparedStatement(
  'test_prepared_pair',
  `WITH a AS (INSERT INTO t (id, note) VALUES ($1::int, 'a'))
   INSERT INTO t (id, note) VALUES ($2::int, 'b')`,
);

/** Rows in the order of an array parameter: PostgreSQL would plan it again at every run. */
const BY_ID = preparedStatement(
  'test_prepared_by_id',
  `SELECT t.id, t.note FROM unnest($1::int[]) WITH ORDINALITY u(id, i) JOIN t ON t.id = u.id ORDER BY u.i`,
  { plan: 'generic' },
);

async function count(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM t`);
  return rows[0]?.n ?? -1;
}

describe('runPrepared', () => {
  it('returns rows as text and NULL as null', async () => {
    expect(await runPrepared(db, INSERT, ['1', 'one'])).toEqual([['1', 'one']]);
    expect(await runPrepared(db, COUNT, [null])).toEqual([['1', null]]);
  });

  it('parses once per session, then runs in one protocol call', async () => {
    await runPrepared(db, COUNT, ['warm']);
    const calls: string[] = [];
    const counting = {
      execProtocol: (message: Uint8Array, options?: { syncToFs?: boolean }) => {
        calls.push(String.fromCharCode(message[0] ?? 0));
        return db.execProtocol(message, options);
      },
      _runExclusiveTransaction: <T>(fn: () => Promise<T>) => db._runExclusiveTransaction(fn),
      _runExclusiveQuery: <T>(fn: () => Promise<T>) => db._runExclusiveQuery(fn),
    };
    // Another wrapper of the same session: it tries Parse once, finds the statement, binds.
    await runPrepared(counting, COUNT, ['x']);
    expect(calls).toEqual(['P', 'B']);
    calls.length = 0;
    await runPrepared(counting, COUNT, ['y']);
    await runPrepared(counting, COUNT, ['z']);
    expect(calls).toEqual(['B', 'B']);
  });

  it('commits a statement whole or not at all, with the SQLSTATE on the error', async () => {
    await runPrepared(db, PAIR, ['1', '2']);
    expect(await count()).toBe(2);
    const error = await runPrepared(db, PAIR, ['3', '1']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('23505');
    expect(toPosError(error).kind).toBe(ErrorKind.conflict);
    expect(await count()).toBe(2); // row 3 was rolled back with the statement
    // The session is usable afterwards.
    expect(await runPrepared(db, COUNT, ['after'])).toEqual([['2', 'after']]);
  });

  it("waits for another caller's open transaction instead of running inside it", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const tx = db.transaction(async (t) => {
      await t.query(`INSERT INTO t (id, note) VALUES (10, 'in tx')`);
      order.push('tx wrote');
      await held;
      await t.rollback();
      order.push('tx rolled back');
    });
    await new Promise((r) => setTimeout(r, 20));
    const prepared = runPrepared(db, INSERT, ['11', 'outside']).then(() =>
      order.push('prepared ran'),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(['tx wrote']);
    release();
    await Promise.all([tx, prepared]);
    expect(order).toEqual(['tx wrote', 'tx rolled back', 'prepared ran']);
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM t ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual([11]); // not rolled back with the other transaction
  });

  it('prepares again after the session lost its statements', async () => {
    await runPrepared(db, INSERT, ['1', 'before']);
    await db.exec('DEALLOCATE ALL');
    expect(await runPrepared(db, INSERT, ['2', 'after'])).toEqual([['2', 'after']]);
  });

  it('refuses two different texts under one name', () => {
    expect(() => preparedStatement('test_prepared_insert', 'SELECT 1')).toThrow(/twice/);
  });

  it('runs a generic statement on its cached generic plan, for that run only', async () => {
    await runPrepared(db, INSERT, ['1', 'one']);
    await runPrepared(db, INSERT, ['2', 'two']);
    for (let i = 0; i < 3; i++) {
      expect(await runPrepared(db, BY_ID, ['{2,1}'])).toEqual([
        ['2', 'two'],
        ['1', 'one'],
      ]);
    }
    const { rows } = await db.query<{ generic_plans: number; custom_plans: number }>(
      `SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name = $1`,
      [BY_ID.name],
    );
    expect(rows).toEqual([{ generic_plans: 3, custom_plans: 0 }]);
    // The setting ended with the statement's own transaction.
    const { rows: mode } = await db.query<{ plan_cache_mode: string }>(`SHOW plan_cache_mode`);
    expect(mode[0]?.plan_cache_mode).toBe('auto');
    await runPrepared(db, COUNT, ['x']);
    const { rows: counted } = await db.query<{ custom_plans: number }>(
      `SELECT custom_plans::int FROM pg_prepared_statements WHERE name = $1`,
      [COUNT.name],
    );
    expect(counted[0]?.custom_plans).toBeGreaterThan(0);
  });

  it('refuses a generic statement inside the transaction of its caller', async () => {
    await expect(
      db.transaction(() => runPrepared(db, BY_ID, ['{1}'], { inTransaction: true })),
    ).rejects.toThrow(/generic plan/);
  });
});
