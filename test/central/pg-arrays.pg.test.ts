/** The bulk-parameter array literals read back as exactly the values written, on the real server. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { boolArray, intArray, textArray } from '../../db/central/pg-arrays';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

it('round-trips awkward text, integers, booleans, UUIDs and times', async () => {
  const texts = [
    'plain',
    null,
    'NULL',
    'a,b',
    '{x}',
    'say "hi"',
    'C:\\temp\\',
    '',
    ' spaced ',
    'é ☕',
  ];
  const ints = [0, -1, 2 ** 40, null, Number.MAX_SAFE_INTEGER];
  const bools = [true, false, null];
  const uuids = ['0190f0e0-0000-7000-8000-000000000001', null];
  const times = ['2026-11-18T16:00:00.000Z', null];
  const { rows } = await db.pools.admin.query<{
    t: Array<string | null>;
    n: Array<string | null>;
    b: Array<boolean | null>;
    u: Array<string | null>;
    at: Array<Date | null>;
  }>(
    'SELECT $1::text[] AS t, $2::bigint[] AS n, $3::boolean[] AS b, $4::uuid[] AS u, $5::timestamptz[] AS at',
    [textArray(texts), intArray(ints), boolArray(bools), textArray(uuids), textArray(times)],
  );
  const row = rows[0]!;
  expect(row.t).toEqual(texts);
  expect(row.n.map((v) => (v === null ? null : Number(v)))).toEqual(ints);
  expect(row.b).toEqual(bools);
  expect(row.u).toEqual(uuids);
  expect(row.at.map((v) => (v === null ? null : v.toISOString()))).toEqual(times);
});
