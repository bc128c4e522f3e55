/**
 * How the search modules run their statements: as named prepared statements (db/prepared.ts)
 * when the caller passes the PGlite instance itself, as plain queries otherwise (a transaction,
 * a wrapper, node-postgres). Same SQL, same rows either way.
 *
 * Why: a keystroke runs 5-10 small statements, and `query()` parses and plans each one every
 * time (the word analysis spent about two thirds of its 2-4 ms planning) and makes six calls
 * into PGlite for it. Prepared, a statement is parsed once per database session and each run
 * is one call, on a plan PostgreSQL caches (see docs/search.md for the figures).
 *
 * Contract: parameters are text, numbers, booleans, NULL or arrays of text (sent as a
 * PostgreSQL array literal; the SQL casts them, e.g. `$2::text[]`). Every result value comes
 * back as text (NULL as null): numbers and booleans ('t' / 'f') as PostgreSQL prints them,
 * json as its text. Statements therefore return arrays as json, never as a SQL array.
 */
import {
  isProtocolDb,
  preparedStatement,
  runPrepared,
  type PreparedStatement,
  type Row,
} from '../prepared';
import type { Queryable } from '../queryable';

export type { PreparedStatement, Row } from '../prepared';

export type SearchParam = string | number | boolean | null | readonly string[];

/**
 * Declare a search statement once, at module level (its session-wide name is `search_<name>`).
 * `plan: 'generic'` for one whose plan does not depend on its parameters (db/prepared.ts).
 */
export function searchStatement(
  name: string,
  text: string,
  options: { plan?: 'generic' } = {},
): PreparedStatement {
  return preparedStatement(`search_${name}`, text, options);
}

/** An array as PostgreSQL's array literal: every element double-quoted and escaped. */
export function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

function asText(value: SearchParam): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return arrayLiteral(value);
}

/** A value a plain query returned, as PostgreSQL's text output of it. */
function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** Run a search statement; rows as arrays of text in the statement's column order. */
export async function runSearch(
  db: Queryable,
  statement: PreparedStatement,
  params: readonly SearchParam[],
): Promise<Row[]> {
  if (isProtocolDb(db)) return runPrepared(db, statement, params.map(asText));
  const { rows } = await db.query<Record<string, unknown>>(statement.text, [...params]);
  return rows.map((r) => Object.values(r).map(textOf));
}

/** A boolean column ('t' / 'f'). */
export const bool = (value: string | null): boolean => value === 't';

/** A json column, or `fallback` for NULL. */
export function json<T>(value: string | null, fallback: T): T {
  return value === null ? fallback : (JSON.parse(value) as T);
}
