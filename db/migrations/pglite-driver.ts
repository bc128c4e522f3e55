/** MigrationDriver for PGlite: one connection, already single-writer through the dir lock. */
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { MigrationConnection, MigrationDriver } from './runner';

function wrapTx(tx: Transaction): MigrationConnection {
  return {
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(wrapTx(tx)),
  };
}

export function pgliteMigrationDriver(db: PGlite): MigrationDriver {
  const conn: MigrationConnection = {
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(wrapTx(tx))),
  };
  return { withLock: (fn) => fn(conn) };
}
