/**
 * The seed's catalog: products every store of the chain carries (names, descriptions,
 * barcodes and prices made from the vocabulary), and each store's starting stock.
 *
 * Deterministic: same `seed` and counts -> byte-identical output (IDs, names, prices,
 * timestamps), so tests, benchmarks and the search evaluation are reproducible. Nothing in
 * db/seed/ but the writers (write-edge.ts, write-central.ts) touches a database.
 */
import type { ProductEntity } from '../../contract/catalog';
import { seededIdGenerator } from '../../core/ids';
import { subcategoryOf } from './chain';
import { Rng } from './random';
import { CATEGORIES, type CategorySpec, type ProductType } from './vocabulary';

function ean13(base12: number): string {
  const digits = String(base12).padStart(12, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + String((10 - (sum % 10)) % 10);
}

/** Lower-case words joined by dashes (tags, SKUs, the customers' e-mail addresses). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/(^-|-$)/g, '');
}

function priceCents(rng: Rng, [min, max]: readonly [number, number]): number {
  const dollars = min + Math.pow(rng.next(), 1.6) * (max - min);
  const whole = Math.max(1, Math.floor(dollars));
  return whole * 100 + rng.pick([99, 99, 49, 0, 95]);
}

function modelCode(rng: Rng): string {
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return `${letters[rng.int(0, letters.length - 1)]}${letters[rng.int(0, letters.length - 1)]}${rng.int(100, 9999)}`;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(
  rng: Rng,
  type: ProductType,
  parts: {
    brand: string;
    line: string;
    color?: string | undefined;
    spec?: string | undefined;
    size?: string | undefined;
    material?: string | undefined;
  },
): string {
  const features = rng.sample(type.features, 2);
  const uses = rng.sample(type.uses, 2);
  const synonym = rng.pick(type.synonyms);
  const out = [
    `The ${parts.brand} ${parts.line} ${type.noun.toLowerCase()}${parts.color ? ` in ${parts.color.toLowerCase()}` : ''} with ${features.join(' and ')}.`,
    parts.material ? `Made from ${parts.material}.` : '',
    `${sentence(`a ${synonym}`)} that is great for ${uses.join(' and ')}.`,
    parts.spec ? `${parts.spec} version.` : '',
    parts.size ? `Size ${parts.size}.` : '',
  ];
  return out.filter(Boolean).join(' ');
}

export interface CatalogItem extends ProductEntity {
  /** Generation facts the search evaluation derives its labelled queries from. */
  facts: {
    /** Top-level category name ("Home & Garden"). */
    category: string;
    /** The subcategory the product is shelved in ("Furniture"); its `categoryId`. */
    subcategory: string;
    noun: string;
    synonyms: readonly string[];
    brand: string;
    line: string;
    color: string | null;
    size: string | null;
    spec: string | null;
    material: string | null;
    uses: readonly string[];
  };
}

/**
 * The chain catalog: every store carries these products with the same product IDs and SKUs
 * (a chain sells one catalog; prices and stock are per store rows).
 */
export function generateCatalog(options: { seed: number; products: number }): CatalogItem[] {
  const rng = new Rng(options.seed * 7 + 1);
  const ids = seededIdGenerator(options.seed * 7 + 2, Date.UTC(2025, 5, 1));
  const types: Array<{ category: CategorySpec; type: ProductType }> = CATEGORIES.flatMap(
    (category) => category.types.map((type) => ({ category, type })),
  );
  const items: CatalogItem[] = [];
  for (let i = 0; i < options.products; i++) {
    const { category, type } = types[i % types.length] ?? types[0]!;
    const shelf = subcategoryOf(type.noun);
    const brand = rng.pick(type.brands);
    const line = rng.pick(type.lines);
    const color = type.colors ? rng.pick(type.colors) : undefined;
    const size = type.sizes ? rng.pick(type.sizes) : undefined;
    const spec = type.specs ? rng.pick(type.specs) : undefined;
    const material = type.materials ? rng.pick(type.materials) : undefined;
    const model = modelCode(rng);
    const name =
      [brand, line, spec, type.noun].filter(Boolean).join(' ') +
      (color || size
        ? ` - ${[color, size ? `Size ${size}` : undefined].filter(Boolean).join(', ')}`
        : '');
    const cents = priceCents(rng, type.priceRange);
    const weight = type.weightKg[0] + rng.next() * (type.weightKg[1] - type.weightKg[0]);
    items.push({
      productId: ids(),
      sku: `${category.name.slice(0, 3).toUpperCase()}-${slug(type.noun).slice(0, 3).toUpperCase()}-${String(i + 1).padStart(6, '0')}`,
      barcode: ean13(200_000_000_000 + i),
      productName: name.slice(0, 200),
      productDescription: describe(rng, type, { brand, line, color, spec, size, material }),
      categoryId: shelf.categoryId,
      brand,
      model,
      color: color ?? null,
      size: size ?? null,
      weightKg: weight.toFixed(3),
      priceCents: cents,
      costCents: Math.round(cents * (0.45 + rng.next() * 0.2)),
      minimumStock: rng.int(0, 5),
      reorderPoint: rng.int(5, 20),
      supplierName: `${brand} Distribution`,
      isActive: rng.chance(0.98),
      isFeatured: rng.chance(0.05),
      tags: [
        slug(category.name),
        slug(shelf.name),
        slug(type.noun),
        ...(color ? [slug(color)] : []),
        ...(material ? [slug(material)] : []),
      ],
      metadata: { ...(spec ? { spec } : {}), ...(material ? { material } : {}), model },
      version: 1,
      facts: {
        category: category.name,
        subcategory: shelf.name,
        noun: type.noun,
        synonyms: type.synonyms,
        brand,
        line,
        color: color ?? null,
        size: size ?? null,
        spec: spec ?? null,
        material: material ?? null,
        uses: type.uses,
      },
    });
  }
  return items;
}

/** Strip the generation facts: what a product row looks like in the database and on the wire. */
export function toProductEntity(item: CatalogItem): ProductEntity {
  const { facts: _facts, ...entity } = item;
  return entity;
}

/** Starting on-hand per store and product. */
export function generateStockLevels(options: {
  seed: number;
  storeId: string;
  catalog: readonly ProductEntity[];
}): Array<{ productId: string; onHand: number; version: number }> {
  const rng = new Rng(
    options.seed * 13 + [...options.storeId].reduce((a, c) => a + c.charCodeAt(0), 0),
  );
  return options.catalog.map((p) => ({
    productId: p.productId,
    onHand: rng.int(0, 60),
    version: 1,
  }));
}
