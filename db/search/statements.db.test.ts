import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchProducts } from '../queries/search';
import type { Queryable } from '../queryable';
import { openSearchDb, type SearchDb } from './fixtures/search-db';
import { runSearch, searchStatement } from './statements';

let s: SearchDb;
beforeAll(async () => {
  s = await openSearchDb({ products: 600 });
});
afterAll(async () => {
  await s.close();
});

/** The same database through plain queries only (what a transaction or a wrapper gets). */
const plain = (): Queryable => ({ query: (sql, params) => s.db.query(sql, params) });

/** Every prefix of a query, as the cashier types it. */
const typing = (text: string): string[] =>
  Array.from({ length: text.length }, (_, i) => text.slice(0, i + 1));

const ECHO = searchStatement(
  'test_echo',
  `SELECT $1::text AS t, to_json($2::text[]) AS a, $3::int AS n, $4::boolean AS b, $5::float8 AS f,
          NULL::text AS z`,
);

describe('search statements', () => {
  it('answer every keystroke, code, typo and no-match alike prepared and as plain queries', async () => {
    const p = s.catalog.filter((x) => x.isActive)[5]!;
    const queries = [
      ...typing(p.productName),
      ...typing('wireless headphnes'),
      p.sku,
      p.sku.replace(/-/g, '').toLowerCase(),
      p.barcode ?? '',
      'furniture',
      'kids toys',
      'dog food',
      'pizza',
      'something like the blue jeans',
    ];
    let compared = 0;
    for (const query of queries) {
      const prepared = await searchProducts(s.db, { storeId: s.storeId, query });
      const asPlain = await searchProducts(plain(), { storeId: s.storeId, query });
      expect(prepared, query).toEqual(asPlain);
      if (prepared.hits.length > 0) compared++;
    }
    expect(compared).toBeGreaterThan(queries.length / 2);
    // The PGlite instance really ran them as prepared statements.
    const { rows } = await s.db.query<{ name: string }>(
      `SELECT name FROM pg_prepared_statements WHERE name LIKE 'search\\_%' ORDER BY name`,
    );
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'search_analyze_words',
        'search_codes',
        'search_fts_tier',
        'search_products',
        'search_trigram',
        'search_vector_cells',
      ]),
    );
  });

  it('send parameters and return values as text both ways: quotes, backslashes, commas, NULL', async () => {
    const params = ['it\'s "x"', ['a,b', 'c"d', 'e\\f', '{g}', ''], 7, true, 0.25] as const;
    const viaPrepared = await runSearch(s.db, ECHO, params);
    const viaPlain = await runSearch(plain(), ECHO, params);
    expect(viaPrepared).toEqual([
      ['it\'s "x"', '["a,b","c\\"d","e\\\\f","{g}",""]', '7', 't', '0.25', null],
    ]);
    expect(JSON.parse(viaPlain[0]?.[1] ?? '')).toEqual(JSON.parse(viaPrepared[0]?.[1] ?? ''));
    expect(viaPlain[0]?.filter((_, i) => i !== 1)).toEqual(
      viaPrepared[0]?.filter((_, i) => i !== 1),
    );
  });
});
