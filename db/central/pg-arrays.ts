/**
 * PostgreSQL array literals for bulk parameters (`unnest($2::uuid[], ...)`), built in one pass.
 * node-postgres can serialize a JS array itself, but it type-checks and regex-escapes every
 * element; on a 1,000-sale push that was most of HQ's own CPU time per batch. Every string
 * element is double-quoted (so 'NULL', commas or braces in a value stay literal text) and only
 * the rare one holding a quote or backslash is escaped.
 */

const NEEDS_ESCAPE = /["\\]/;
const ESCAPE = /["\\]/g;

function quote(value: string): string {
  return NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPE, '\\$&')}"` : `"${value}"`;
}

function arrayLiteral<T>(values: ReadonlyArray<T | null>, element: (value: T) => string): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : element(v);
  }
  return `${out}}`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`intArray: ${value} is not a safe integer`);
  return String(value);
}

/** text, uuid, timestamptz... any element type PostgreSQL reads from its text form. */
export function textArray(values: ReadonlyArray<string | null>): string {
  return arrayLiteral(values, quote);
}

/** int, bigint, numeric: safe integers (or null) only, so a float never slips in. */
export function intArray(values: ReadonlyArray<number | null>): string {
  return arrayLiteral(values, integer);
}

export function boolArray(values: ReadonlyArray<boolean | null>): string {
  return arrayLiteral(values, (value) => (value ? 't' : 'f'));
}
