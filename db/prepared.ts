/**
 * Named prepared statements on PGlite, each run as ONE protocol call.
 *
 * Why: `PGlite.query()` sends Parse, Describe, Bind, Describe, Execute and Sync as six separate
 * calls into the WASM backend and parses and plans the SQL every time; for the small statements
 * of a sale that is about half the time spent inside PGlite (issue 19). A statement prepared
 * here is parsed once per database session (Parse + Sync, the first time it runs); every run is
 * then Bind + Execute + Sync in a single call, on a plan PostgreSQL caches like any prepared
 * statement (re-planned automatically when the schema it uses changes).
 *
 * Contract:
 * - By default it runs outside any transaction of the caller, as `PGlite.query()` does: it
 *   waits for a transaction another caller holds open (PGlite's transaction lock), then for the
 *   query lock, so it never lands inside somebody else's BEGIN...COMMIT; the statement then
 *   runs in PostgreSQL's implicit transaction of its Sync and commits as a whole or not at
 *   all (data-modifying CTEs included).
 * - With `{ inTransaction: true }` it runs inside the transaction the caller holds: call it
 *   only from inside a `db.transaction()` callback (it then takes the query lock only, as
 *   `tx.query()` does; without the option it would wait on the caller's own lock).
 * - Parameters travel as text (the SQL casts them: `$1::uuid`) or, for a Uint8Array, in
 *   PostgreSQL's binary format of the parameter's type (see `float4ArrayBinary`). Results
 *   come back as text; the caller converts them. NULL is null.
 * - Errors are PGlite's DatabaseError with the SQLSTATE in `code` (map them with toPosError).
 */
import { protocol } from '@electric-sql/pglite';

/** What a prepared statement needs from a PGlite instance (PGlite itself satisfies it). */
export interface ProtocolDb {
  execProtocol(
    message: Uint8Array,
    options?: { syncToFs?: boolean },
  ): Promise<{ messages: ReadonlyArray<{ name: string }> }>;
  /** PGlite's transaction lock (what `query()` and `transaction()` take first). */
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  /** PGlite's query lock (what every statement takes). */
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
}

export interface PreparedStatement {
  /** Session-wide statement name: unique per SQL text. */
  readonly name: string;
  readonly text: string;
  /**
   * 'generic': always run on the plan cached at the first run, never re-planned for the
   * values (plan_cache_mode = force_generic_plan for that run only). For a statement whose
   * best plan does not depend on its parameters but whose estimates do (e.g. it unnests an
   * array parameter), so PostgreSQL would otherwise plan it again at every run.
   */
  readonly plan?: 'generic';
}

export type Row = ReadonlyArray<string | null>;

const defined = new Map<string, string>();

/** Declare a statement once, at module level. Two different texts may not share a name. */
export function preparedStatement(
  name: string,
  text: string,
  options: { plan?: 'generic' } = {},
): PreparedStatement {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`bad prepared statement name ${name}`);
  const existing = defined.get(name);
  if (existing !== undefined && existing !== text) {
    throw new Error(`prepared statement ${name} is declared twice with different SQL`);
  }
  defined.set(name, text);
  return options.plan ? { name, text, plan: options.plan } : { name, text };
}

/** Statement names prepared in each open database session. */
const preparedIn = new WeakMap<object, Set<string>>();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const { serialize } = protocol;
const SYNC = serialize.sync();
const EXECUTE = serialize.execute({});
/**
 * Before a 'generic' statement, in the same implicit transaction (it ends at Sync, which
 * undoes the local setting): the Bind that follows takes the cached generic plan.
 */
const GENERIC_PLAN = concat([
  serialize.parse({
    text: `SELECT set_config('plan_cache_mode', 'force_generic_plan', true)`,
  }),
  serialize.bind({}),
  EXECUTE,
]);

/** PostgreSQL's "prepared statement does not exist" (e.g. after DEALLOCATE ALL). */
const UNDEFINED_STATEMENT = '26000';
/** "prepared statement already exists": prepared through another wrapper of this session. */
const DUPLICATE_STATEMENT = '42P05';

function sqlState(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Whether `db` can run prepared statements (a PGlite instance, not a transaction object). */
export function isProtocolDb(db: unknown): db is ProtocolDb {
  const d = db as Partial<ProtocolDb> | null;
  return (
    typeof d?.execProtocol === 'function' &&
    typeof d._runExclusiveTransaction === 'function' &&
    typeof d._runExclusiveQuery === 'function'
  );
}

function assertProtocolDb(db: ProtocolDb): void {
  if (
    typeof db.execProtocol !== 'function' ||
    typeof db._runExclusiveTransaction !== 'function' ||
    typeof db._runExclusiveQuery !== 'function'
  ) {
    throw new Error('Prepared statements need a PGlite instance (execProtocol and its locks)');
  }
}

/**
 * Run a prepared statement with text parameters and return its rows (text values). One call
 * into PGlite per run (two the first time in a session).
 */
export async function runPrepared(
  db: ProtocolDb,
  statement: PreparedStatement,
  params: ReadonlyArray<string | Uint8Array | null>,
  options: { inTransaction?: boolean } = {},
): Promise<Row[]> {
  assertProtocolDb(db);
  const inTransaction = options.inTransaction ?? false;
  if (inTransaction && statement.plan === 'generic') {
    // The setting would last until the caller's transaction ends, for its other statements too.
    throw new Error(
      `prepared statement ${statement.name}: a generic plan is for its own transaction only`,
    );
  }
  const locked = <T>(fn: () => Promise<T>): Promise<T> =>
    inTransaction
      ? db._runExclusiveQuery(fn)
      : db._runExclusiveTransaction(() => db._runExclusiveQuery(fn));
  return locked(async () => {
    let names = preparedIn.get(db);
    if (!names) {
      names = new Set();
      preparedIn.set(db, names);
    }
    const run = async (): Promise<Row[]> => {
      if (!names.has(statement.name)) {
        try {
          await db.execProtocol(
            concat([serialize.parse({ name: statement.name, text: statement.text }), SYNC]),
            { syncToFs: false },
          );
        } catch (error) {
          // Names are unique per SQL text (preparedStatement), so an existing one is ours.
          if (sqlState(error) !== DUPLICATE_STATEMENT) throw error;
        }
        names.add(statement.name);
      }
      const { messages } = await db.execProtocol(
        concat([
          ...(statement.plan === 'generic' ? [GENERIC_PLAN] : []),
          serialize.bind({ statement: statement.name, values: [...params] }),
          EXECUTE,
          SYNC,
        ]),
        // Inside a transaction nothing is committed yet: no copy to a browser's storage.
        { syncToFs: !inTransaction },
      );
      const rows: Row[] = [];
      // The setting's own row comes first, up to its commandComplete.
      let ours = statement.plan !== 'generic';
      for (const m of messages) {
        if (ours && m.name === 'dataRow') rows.push((m as unknown as { fields: Row }).fields);
        if (m.name === 'commandComplete') ours = true;
      }
      return rows;
    };
    try {
      return await run();
    } catch (error) {
      // The session lost its prepared statements (DEALLOCATE ALL / DISCARD ALL): once more,
      // unless the failure aborted the caller's transaction (then the caller must roll back).
      if (sqlState(error) !== UNDEFINED_STATEMENT || inTransaction) throw error;
      names.delete(statement.name);
      return run();
    }
  });
}

/**
 * A `real[]` (float4[]) parameter in PostgreSQL's binary array format: one dimension, no
 * NULLs, each value as a big-endian IEEE float. Sending vectors this way skips parsing their
 * decimal text in the database (most of the cost of loading embeddings).
 */
export function float4ArrayBinary(values: ArrayLike<number>): Uint8Array {
  const FLOAT4_OID = 700;
  const out = new Uint8Array(20 + values.length * 8);
  const view = new DataView(out.buffer);
  view.setInt32(0, 1); // dimensions
  view.setInt32(4, 0); // has NULLs
  view.setInt32(8, FLOAT4_OID);
  view.setInt32(12, values.length);
  view.setInt32(16, 1); // lower bound
  for (let i = 0, at = 20; i < values.length; i++, at += 8) {
    view.setInt32(at, 4);
    view.setFloat32(at + 4, values[i] ?? 0);
  }
  return out;
}

/** Forget what was prepared in this session (for tests that DEALLOCATE behind our back). */
export function forgetPrepared(db: object): void {
  preparedIn.delete(db);
}
