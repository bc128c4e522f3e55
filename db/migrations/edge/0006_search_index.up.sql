-- Product search that understands a cashier (issue 15): one weighted document per product
-- with its category path, tags, attributes and word meanings (lexicon from 0005), a
-- separator-free SKU key for code variants, and the catalog's vocabulary for spelling
-- correction. Till-local and derived from retail.products / product_categories by the
-- triggers below, in the same transaction as the catalog write (a synced product is
-- searchable by its category the moment it lands). db/queries/search.ts reads these.

-- ---------------------------------------------------------------------------------------
-- The document
-- ---------------------------------------------------------------------------------------

-- Weights (full-text ranking and the tiers in db/search/fts.ts):
--   A  name and brand
--   B  model, colour, size, spec, material, category names up the tree, tags, and the
--      synonyms of the product's head noun ("... Sofa - Gray": couch, lounge)
--   C  broader terms of the head noun (sofa: seat, furniture)
--   D  description
CREATE TABLE pos.product_search (
    store_id    text NOT NULL,
    product_id  uuid NOT NULL,
    is_active   boolean NOT NULL,
    -- SKU in upper case without separators: "ELE-SMA-000123" -> "ELESMA000123".
    sku_key     text NOT NULL,
    document    tsvector NOT NULL,
    PRIMARY KEY (store_id, product_id),
    FOREIGN KEY (store_id, product_id) REFERENCES retail.products (store_id, product_id)
        ON DELETE CASCADE
);
CREATE INDEX product_search_document ON pos.product_search USING gin (document);
-- Exact and prefix lookups of a SKU typed without dashes (collation C: btree serves LIKE 'X%').
CREATE INDEX product_search_sku_key ON pos.product_search (store_id, sku_key);

-- The lexicon entry for a product name: its head noun phrase, i.e. the last one or two words
-- before the attributes ("Nike Pegasus Running Shoes - Black, Size 10" -> "running shoes",
-- then "running shoe", "shoes", "shoe"); the longest phrase found wins.
CREATE FUNCTION pos.product_concepts(p_name text) RETURNS TABLE (synonyms text, broader text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH w AS (
        SELECT regexp_split_to_array(pos.lexicon_key(split_part(p_name, ' - ', 1)), ' ') AS a
    ), c AS (
        SELECT v.k, v.ord
          FROM w, LATERAL (VALUES
              (CASE WHEN cardinality(w.a) >= 2
                    THEN w.a[cardinality(w.a) - 1] || ' ' || w.a[cardinality(w.a)] END, 1),
              (CASE WHEN cardinality(w.a) >= 2
                    THEN pos.lexicon_singular(w.a[cardinality(w.a) - 1] || ' ' || w.a[cardinality(w.a)]) END, 2),
              (w.a[cardinality(w.a)], 3),
              (pos.lexicon_singular(w.a[cardinality(w.a)]), 4)) AS v(k, ord)
    )
    SELECT l.synonyms, l.broader
      FROM c JOIN pos.lexicon l ON l.key = c.k
     ORDER BY c.ord
     LIMIT 1
$$;

-- Category names from the product's category up to the root (three levels at most).
CREATE FUNCTION pos.category_path(p_category_id integer) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT concat_ws(' ', c1.category_name, c2.category_name, c3.category_name)
      FROM retail.product_categories c1
      LEFT JOIN retail.product_categories c2 ON c2.category_id = c1.parent_category_id
      LEFT JOIN retail.product_categories c3 ON c3.category_id = c2.parent_category_id
     WHERE c1.category_id = p_category_id
$$;

-- Vocabulary for spelling correction (filled below).
CREATE TABLE pos.search_words (
    store_id  text NOT NULL,
    word      text NOT NULL,
    field     smallint NOT NULL CHECK (field BETWEEN 1 AND 3),
    PRIMARY KEY (store_id, word)
);
CREATE INDEX search_words_trgm ON pos.search_words USING gin (word gin_trgm_ops);

-- Every stem some product's document holds (description included): "is this a word the
-- catalog knows?" in one index lookup. A GIN probe of the documents cannot answer that
-- cheaply for a word no document has (the planner scans the table looking for one).
CREATE TABLE pos.search_stems (
    store_id  text NOT NULL,
    stem      text NOT NULL,
    PRIMARY KEY (store_id, stem)
);

-- Rebuild the search rows (and the vocabulary) of the given products. Called by the
-- triggers below with the statement's rows, so a 1,000-row sync upsert is one call. The
-- lexicon and the category path are looked up once per distinct head noun and category, not
-- once per product (a 50,000-product catalog has a few thousand heads and a few dozen
-- categories).
CREATE FUNCTION pos.refresh_product_search(p_store_ids text[], p_product_ids uuid[]) RETURNS void
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

-- ---------------------------------------------------------------------------------------
-- Keeping it current (statement-level, transition tables; same transaction as the write)
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION pos.products_inserted_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.refresh_product_search(
        (SELECT coalesce(array_agg(n.store_id), '{}') FROM new_rows n),
        (SELECT coalesce(array_agg(n.product_id), '{}') FROM new_rows n));
    RETURN NULL;
END;
$$;

-- Only the columns the search rows are built from: a price or stock change costs nothing.
CREATE FUNCTION pos.products_updated_search() RETURNS trigger
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

CREATE TRIGGER products_search_inserted AFTER INSERT ON retail.products
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.products_inserted_search();
CREATE TRIGGER products_search_updated AFTER UPDATE ON retail.products
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pos.products_updated_search();

-- A renamed or re-parented category changes the path of its products and of its
-- subcategories' products.
CREATE FUNCTION pos.category_changed_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pos.refresh_product_search(array_agg(p.store_id), array_agg(p.product_id))
       FROM retail.products p
      WHERE p.category_id IN (
              SELECT c1.category_id FROM retail.product_categories c1
               WHERE c1.category_id = NEW.category_id
                  OR c1.parent_category_id = NEW.category_id
                  OR c1.parent_category_id IN (SELECT c2.category_id FROM retail.product_categories c2
                                                WHERE c2.parent_category_id = NEW.category_id))
     HAVING count(*) > 0;
    RETURN NULL;
END;
$$;
CREATE TRIGGER category_changed_search
    AFTER UPDATE OF category_name, parent_category_id ON retail.product_categories
    FOR EACH ROW WHEN ((OLD.category_name, OLD.parent_category_id)
                       IS DISTINCT FROM (NEW.category_name, NEW.parent_category_id))
    EXECUTE FUNCTION pos.category_changed_search();

-- Index the catalog the till already holds.
SELECT pos.refresh_product_search(
    (SELECT coalesce(array_agg(store_id ORDER BY store_id, product_id), '{}') FROM retail.products),
    (SELECT coalesce(array_agg(product_id ORDER BY store_id, product_id), '{}') FROM retail.products));
