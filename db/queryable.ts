/**
 * What query modules need from a database: PGlite, a PGlite transaction, or a node-postgres
 * client wrapped by `pgQueryable`. Callers choose the transaction by what they pass.
 */
export interface QueryResult<T> {
  rows: T[];
  affectedRows?: number | undefined;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** A database that can also open a transaction and run multi-statement scripts. */
export interface TransactionalDb extends Queryable {
  exec(sql: string): Promise<unknown>;
  transaction<T>(
    fn: (tx: Queryable & { exec(sql: string): Promise<unknown> }) => Promise<T>,
  ): Promise<T>;
}
