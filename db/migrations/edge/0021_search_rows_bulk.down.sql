DROP FUNCTION pos.refresh_store_search(text, integer);

CREATE OR REPLACE FUNCTION pos.refresh_product_search(p_store_ids text[], p_product_ids uuid[]) RETURNS void
LANGUAGE sql AS $$
    WITH todo AS MATERIALIZED (
        SELECT p.store_id, p.product_id, p.is_active, p.sku, p.category_id,
               -- Apostrophes also left out, as cashiers type them: "L'Oreal" -> loreal.
               p.product_name || ' ' || coalesce(p.brand, '') || ' '
                 || replace(p.product_name || ' ' || coalesce(p.brand, ''), '''', '') AS name_text,
               concat_ws(' ', p.model, p.color, p.size, p.metadata ->> 'spec',
                         p.metadata ->> 'material', array_to_string(p.tags, ' ')) AS attr_text,
               coalesce(p.product_description, '') AS description,
               pos.lexicon_key(split_part(p.product_name, ' - ', 1)) AS head
          FROM (SELECT DISTINCT u.s, u.p FROM unnest(p_store_ids, p_product_ids) AS u(s, p)) u
          JOIN retail.products p ON p.store_id = u.s AND p.product_id = u.p
    ), heads AS MATERIALIZED (
        SELECT h.head, lx.synonyms, lx.broader
          FROM (SELECT DISTINCT head FROM todo) h
          LEFT JOIN LATERAL pos.product_concepts(h.head) lx ON true
    ), paths AS MATERIALIZED (
        SELECT c.category_id, pos.category_path(c.category_id) AS path
          FROM (SELECT DISTINCT category_id FROM todo) c
    ), src AS MATERIALIZED (
        SELECT t.store_id, t.product_id, t.is_active, t.sku, t.name_text, t.description,
               concat_ws(' ', t.attr_text, pa.path, h.synonyms) AS b_text,
               coalesce(h.broader, '') AS c_text
          FROM todo t
          LEFT JOIN heads h ON h.head IS NOT DISTINCT FROM t.head
          LEFT JOIN paths pa ON pa.category_id IS NOT DISTINCT FROM t.category_id
    ), docs AS MATERIALIZED (
        SELECT src.store_id, src.product_id, src.is_active,
               upper(regexp_replace(src.sku, '[^A-Za-z0-9]+', '', 'g')) AS sku_key,
               setweight(to_tsvector('english'::regconfig, src.name_text), 'A') ||
               setweight(to_tsvector('english'::regconfig, src.b_text), 'B') ||
               setweight(to_tsvector('english'::regconfig, src.c_text), 'C') ||
               setweight(to_tsvector('english'::regconfig, src.description), 'D') AS document
          FROM src
    ), saved AS (
        INSERT INTO pos.product_search AS s (store_id, product_id, is_active, sku_key, document)
        SELECT d.store_id, d.product_id, d.is_active, d.sku_key, d.document FROM docs d
        ON CONFLICT (store_id, product_id) DO UPDATE
            SET is_active = EXCLUDED.is_active, sku_key = EXCLUDED.sku_key,
                document = EXCLUDED.document
    ), stems AS (
        INSERT INTO pos.search_stems (store_id, stem)
        SELECT DISTINCT d.store_id, l.stem
          FROM docs d CROSS JOIN LATERAL unnest(tsvector_to_array(d.document)) AS l(stem)
        ON CONFLICT DO NOTHING
    )
    -- (A data-modifying WITH runs to completion whether or not it is read.)
    -- Words the catalog uses, for spelling correction (db/search/spelling.ts); stems are above. `field` is where
    -- a word occurs at best: 1 name or brand, 2 attributes, categories, tags, synonyms,
    -- 3 broader terms. Description words are not listed (a misspelling is corrected towards
    -- what products are called; a description word still matches as it is). Words are never
    -- removed when a product goes: a stale word can only make a misspelling resolve to a word
    -- that finds nothing.
    INSERT INTO pos.search_words AS w (store_id, word, field)
    SELECT x.store_id, x.word, min(x.field)
      FROM (SELECT f.store_id, t.word, f.field
              FROM (SELECT DISTINCT src.store_id, lower(v.text) AS text, v.field
                      FROM src CROSS JOIN LATERAL (VALUES
                          (src.name_text, 1), (src.b_text, 2), (src.c_text, 3)) AS v(text, field)
                   ) f
              CROSS JOIN LATERAL regexp_split_to_table(f.text, '[^a-z]+') AS t(word)
             WHERE length(t.word) BETWEEN 3 AND 40) x
     GROUP BY x.store_id, x.word
    ON CONFLICT (store_id, word) DO UPDATE SET field = EXCLUDED.field
        WHERE EXCLUDED.field < w.field;
$$;

CREATE OR REPLACE FUNCTION pos.products_inserted_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.refresh_product_search(
        (SELECT coalesce(array_agg(n.store_id), '{}') FROM new_rows n),
        (SELECT coalesce(array_agg(n.product_id), '{}') FROM new_rows n));
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION pos.products_updated_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.refresh_product_search(array_agg(c.store_id), array_agg(c.product_id))
       FROM (SELECT n.store_id, n.product_id
               FROM new_rows n
               JOIN old_rows o ON o.store_id = n.store_id AND o.product_id = n.product_id
              WHERE (n.product_name, n.product_description, n.brand, n.model, n.color, n.size,
                     n.category_id, n.tags, n.metadata, n.sku, n.is_active)
                    IS DISTINCT FROM
                    (o.product_name, o.product_description, o.brand, o.model, o.color, o.size,
                     o.category_id, o.tags, o.metadata, o.sku, o.is_active)) c
     HAVING count(*) > 0;
    RETURN NULL;
END;
$$;
