/**
 * The text a product is embedded from. HQ and every till build it with this one function, so
 * an embedding that arrives from HQ for the same model and the same text is known to be
 * current and is never recomputed (refresher.ts compares the stored embedding_text).
 *
 * Layout (line order matters to the built-in model, which weighs earlier lines more):
 *   1. the product name
 *   2. brand, category, colour, size and tags
 *   3. the description
 * The model code (e.g. "XK4821") is left out on purpose: it is noise to a meaning-based model
 * and the full-text and trigram signals already match it.
 *
 * Any change here changes every product's text, so every till recomputes its embeddings
 * (in the background); keep it stable.
 */
export interface ProductTextFields {
  productName: string;
  brand: string | null;
  categoryName: string | null;
  color: string | null;
  size: string | null;
  tags: readonly string[];
  productDescription: string | null;
}

const clean = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

export function productEmbeddingText(p: ProductTextFields): string {
  const attributes: string[] = [];
  const seen = new Set<string>();
  const push = (value: string): void => {
    const v = clean(value);
    if (v !== '' && !seen.has(v.toLowerCase())) {
      seen.add(v.toLowerCase());
      attributes.push(v);
    }
  };
  push(p.brand ?? '');
  push(p.categoryName ?? '');
  push(p.color ?? '');
  if (clean(p.size) !== '') push(`size ${clean(p.size)}`);
  for (const tag of p.tags) push(tag.replace(/[-_]+/g, ' '));
  return [clean(p.productName), attributes.join(' | '), clean(p.productDescription)].join('\n');
}

/** A product row as the SQL of both embedding refreshers selects it (snake_case columns). */
export interface ProductTextRow {
  product_name: string;
  brand: string | null;
  category_name: string | null;
  color: string | null;
  size: string | null;
  tags: string[];
  product_description: string | null;
}

export function productEmbeddingTextFromRow(r: ProductTextRow): string {
  return productEmbeddingText({
    productName: r.product_name,
    brand: r.brand,
    categoryName: r.category_name,
    color: r.color,
    size: r.size,
    tags: r.tags,
    productDescription: r.product_description,
  });
}
