/**
 * Deterministic sample data for the seed's retail chain: four stores, the seven categories, a
 * catalog every store carries, customers, staff, registers, stock and sales.
 *
 * Same `seed` and counts -> byte-identical output (IDs, names, prices, timestamps), so tests,
 * benchmarks and the search evaluation are reproducible. Nothing here touches a database;
 * writers (write-edge.ts, and HQ's central writer) batch the rows in.
 */
import { Faker, en } from '@faker-js/faker';
import type {
  CategoryEntity,
  CustomerEntity,
  ProductEntity,
  RegisterEntity,
  StoreEntity,
  PromotionEntity,
} from '../../contract/catalog';
import { seededIdGenerator, type IdGenerator } from '../../core/ids';
import type { SaleRecorded } from '../../contract/mutations';
import { priceCart, type CartLine, type Discount } from '../../core/pricing';
import { settleTenders, type TenderInput } from '../../core/tenders';
import { receiptNumber } from '../checkout/shared';
import {
  CATEGORIES,
  SEED_STORES,
  SUBCATEGORIES,
  type CategorySpec,
  type ProductType,
  type SubcategorySpec,
} from './vocabulary';

export interface SeedOptions {
  seed: number;
  products: number;
  customers: number;
  sales: number;
  /** Sales are spread over this many days before `now`. */
  days?: number;
  now?: Date;
}

export const DEFAULT_SEED: SeedOptions = {
  seed: 42,
  products: 500,
  customers: 2_000,
  sales: 5_000,
};

/** Demo staff every seeded store gets. PINs are documented in the README. */
export const DEMO_STAFF = [
  { key: 'manager', displayName: 'Morgan Lee', role: 'manager', pin: '246810' },
  { key: 'cashier1', displayName: 'Alex Kim', role: 'cashier', pin: '1111' },
  { key: 'cashier2', displayName: 'Sam Rivera', role: 'cashier', pin: '2222' },
] as const;
export const DEMO_REGISTERS = ['R01', 'R02'] as const;

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from empty list');
    return item;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    while (out.length < count && copy.length > 0)
      out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0] as T);
    return out;
  }
}

export function chainStores(): StoreEntity[] {
  return SEED_STORES.map((s) => ({
    storeId: s.storeId,
    storeName: s.storeName,
    storeLocation: s.storeLocation,
    storeAddress: s.storeAddress,
    storePhone: s.storePhone,
    storeType: s.storeType,
    region: s.region,
    currency: 'USD',
    timezone: s.timezone,
    taxRatePpm: s.taxRatePpm,
    taxIncluded: false,
    taxRounding: 'line',
    taxComponents: [],
    priceOverrideLimitPpm: 100_000,
    openPriceLimitCents: 10_000,
    cashOutLimitCents: 20_000,
    blindClose: false,
    noReceiptRefund: 'cash_or_card',
    managerDiscountThresholdPpm: 200_000,
    offlineCardLimitCents: 50_000,
    isActive: true,
    version: 1,
  }));
}

/** The seven top-level categories, then their subcategories (parents first). */
export function chainCategories(): CategoryEntity[] {
  return [
    ...CATEGORIES.map((c) => ({
      categoryId: c.categoryId,
      categoryName: c.name,
      parentCategoryId: null,
      description: c.description,
      isActive: true,
      version: 1,
    })),
    ...SUBCATEGORIES.map((c) => ({
      categoryId: c.categoryId,
      categoryName: c.name,
      parentCategoryId: c.parentCategoryId,
      description: c.description,
      isActive: true,
      version: 1,
    })),
  ];
}

/**
 * Category tax overrides: books are tax-exempt in the seeded stores. A subcategory carries its
 * parent's override (products are shelved in subcategories, and tax follows the product's own
 * category id).
 */
export function chainCategoryTaxRates(): Array<{
  categoryId: number;
  taxRatePpm: number;
  version: number;
}> {
  return CATEGORIES.filter((c) => c.taxRatePpm !== undefined).flatMap((c) => [
    { categoryId: c.categoryId, taxRatePpm: c.taxRatePpm ?? 0, version: 1 },
    ...SUBCATEGORIES.filter((s) => s.parentCategoryId === c.categoryId).map((s) => ({
      categoryId: s.categoryId,
      taxRatePpm: c.taxRatePpm ?? 0,
      version: 1,
    })),
  ]);
}

/** The subcategory a product type is shelved in. */
export function subcategoryOf(noun: string): SubcategorySpec {
  const sub = SUBCATEGORIES.find((s) => s.nouns.includes(noun));
  if (!sub) throw new Error(`No subcategory lists the product type ${noun}`);
  return sub;
}

/**
 * The demo till's promotions (a till without HQ): two coupons, so the coupon screen has
 * something to find without changing any price rung without a code. WELCOME10 takes 10 % off
 * everything from 2026 on; SUMMER25 ended on 1 September 2026 (the "expired" answer).
 */
export function demoPromotions(): PromotionEntity[] {
  const all = { all: true, productIds: [], categoryIds: [] };
  return [
    {
      promotionId: '01900000-0000-7000-8000-00000000c010',
      name: 'Welcome 10% off',
      rule: { kind: 'percent', ppm: 100_000 },
      target: all,
      couponCode: 'WELCOME10',
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: null,
      priority: 0,
      isActive: true,
      version: 1,
    },
    {
      promotionId: '01900000-0000-7000-8000-00000000c025',
      name: 'Summer 25% off',
      rule: { kind: 'percent', ppm: 250_000 },
      target: all,
      couponCode: 'SUMMER25',
      startsAt: '2026-06-01T00:00:00.000Z',
      endsAt: '2026-09-01T00:00:00.000Z',
      priority: 0,
      isActive: true,
      version: 1,
    },
  ];
}

export function registersFor(): RegisterEntity[] {
  return DEMO_REGISTERS.map((id, i) => ({
    registerId: id,
    registerName: `Register ${i + 1}`,
    isActive: true,
    version: 1,
  }));
}

/** Stable staff UUIDs per store and role key. */
export function demoStaff(
  storeId: string,
): Array<{ staffId: string; displayName: string; role: 'cashier' | 'manager'; pin: string }> {
  const hash = [...storeId].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  const ids = seededIdGenerator(hash, Date.UTC(2025, 0, 1));
  return DEMO_STAFF.map((s) => ({
    staffId: ids(),
    displayName: s.displayName,
    role: s.role,
    pin: s.pin,
  }));
}

function ean13(base12: number): string {
  const digits = String(base12).padStart(12, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + String((10 - (sum % 10)) % 10);
}

function slug(text: string): string {
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

export interface StoreCustomer extends CustomerEntity {
  storeId: string;
}

export function generateCustomers(options: {
  seed: number;
  customers: number;
  now?: Date;
}): StoreCustomer[] {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed * 11 + 3);
  const rng = new Rng(options.seed * 11 + 4);
  const ids = seededIdGenerator(options.seed * 11 + 5, Date.UTC(2024, 0, 1));
  const now = options.now ?? new Date(Date.UTC(2026, 10, 1));
  const stores = SEED_STORES.map((s) => s.storeId);
  const out: StoreCustomer[] = [];
  for (let i = 0; i < options.customers; i++) {
    const firstName = faker.person.firstName().slice(0, 50);
    const lastName = faker.person.lastName().slice(0, 50);
    const storeId = stores[i % stores.length] ?? 'seattle';
    const since = new Date(now.getTime() - rng.int(1, 5 * 365) * 86_400_000);
    const dob = new Date(
      Date.UTC(now.getUTCFullYear() - rng.int(18, 80), rng.int(0, 11), rng.int(1, 28)),
    );
    const tierRoll = rng.next();
    out.push({
      storeId,
      customerId: ids(),
      firstName,
      lastName,
      email: `${slug(firstName)}.${slug(lastName)}.${i + 1}@example.com`,
      phone: faker.phone.number({ style: 'national' }).slice(0, 30),
      dateOfBirth: dob.toISOString().slice(0, 10),
      gender: rng.pick(['female', 'male', 'other', 'prefer not to say']),
      customerSince: since.toISOString().slice(0, 10),
      loyaltyTier:
        tierRoll < 0.5
          ? 'bronze'
          : tierRoll < 0.8
            ? 'silver'
            : tierRoll < 0.95
              ? 'gold'
              : 'platinum',
      totalLifetimeValueCents: 0,
      version: 1,
    });
  }
  return out;
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

export interface GeneratedSale extends SaleRecorded {
  storeId: string;
}

/**
 * Historical sales across the chain, priced and tendered by the real checkout rules, in time
 * order per register so receipt sequences increase with time.
 */
export function* generateSales(options: {
  seed: number;
  sales: number;
  catalog: readonly ProductEntity[];
  customers: readonly StoreCustomer[];
  days?: number;
  now?: Date;
  ids?: IdGenerator;
}): Generator<GeneratedSale> {
  const rng = new Rng(options.seed * 17 + 6);
  const ids = options.ids ?? seededIdGenerator(options.seed * 17 + 7, Date.UTC(2026, 0, 1));
  const now = (options.now ?? new Date(Date.UTC(2026, 10, 1))).getTime();
  const spanMs = (options.days ?? 90) * 86_400_000;
  const stores = chainStores();
  const taxes = new Map(chainCategoryTaxRates().map((r) => [r.categoryId, r.taxRatePpm]));
  const active = options.catalog.filter((p) => p.isActive);
  if (active.length === 0) return;
  const customersByStore = new Map<string, StoreCustomer[]>();
  for (const c of options.customers)
    customersByStore.set(c.storeId, [...(customersByStore.get(c.storeId) ?? []), c]);
  const staffByStore = new Map(stores.map((s) => [s.storeId, demoStaff(s.storeId)]));

  // Decide store, register and time for every sale first, then emit in time order.
  const weights = [0.4, 0.2, 0.2, 0.2];
  const plan = Array.from({ length: options.sales }, () => {
    const roll = rng.next();
    let acc = 0;
    let storeIndex = 0;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i] ?? 0;
      if (roll < acc) {
        storeIndex = i;
        break;
      }
    }
    return {
      storeIndex,
      register: rng.pick(DEMO_REGISTERS),
      at: now - Math.floor(rng.next() * spanMs),
    };
  }).sort((a, b) => a.at - b.at);

  const seq = new Map<string, number>();
  for (const p of plan) {
    const store = stores[p.storeIndex] ?? stores[0]!;
    const lines: CartLine[] = rng.sample(active, rng.int(1, 5)).map((product) => ({
      productId: product.productId,
      sku: product.sku,
      productName: product.productName,
      categoryId: product.categoryId,
      unitPriceCents: product.priceCents,
      quantity: rng.chance(0.8) ? 1 : rng.int(2, 3),
      discount: rng.chance(0.1) ? ({ kind: 'percent', ppm: 100_000 } satisfies Discount) : null,
    }));
    const orderDiscount: Discount | null = rng.chance(0.05)
      ? { kind: 'percent', ppm: 50_000 }
      : null;
    const priced = priceCart(
      { lines, orderDiscount },
      { storeRatePpm: store.taxRatePpm, categoryRates: taxes },
    );
    const payRoll = rng.next();
    const total = priced.totalCents;
    const tenders: TenderInput[] =
      payRoll < 0.55 || total === 0
        ? total === 0
          ? []
          : [
              {
                type: 'card',
                amountCents: total,
                last4: String(rng.int(1000, 9999)),
                authCode: `A${rng.int(10000, 99999)}`,
              },
            ]
        : payRoll < 0.95
          ? [
              {
                type: 'cash',
                tenderedCents: Math.ceil(total / 500) * 500 + (rng.chance(0.3) ? 2000 : 0),
              },
            ]
          : [
              {
                type: 'card',
                amountCents: Math.floor(total / 2),
                last4: String(rng.int(1000, 9999)),
                authCode: `A${rng.int(10000, 99999)}`,
              },
              {
                type: 'cash',
                tenderedCents: Math.ceil((total - Math.floor(total / 2)) / 100) * 100,
              },
            ];
    const settlement = settleTenders(
      total,
      tenders.filter((t) => t.type === 'cash' || t.amountCents > 0),
      {
        online: true,
        offlineCardLimitCents: store.offlineCardLimitCents,
        newId: ids,
        currency: store.currency,
      },
    );
    const key = `${store.storeId}/${p.register}`;
    const receiptSeq = (seq.get(key) ?? 0) + 1;
    seq.set(key, receiptSeq);
    const transactionId = ids();
    const storeCustomers = customersByStore.get(store.storeId) ?? [];
    const staff = staffByStore.get(store.storeId) ?? [];
    const saleLines = priced.lines.map((l, i) => ({
      itemId: ids(),
      lineNumber: i + 1,
      productId: l.productId,
      sku: l.sku,
      productName: l.productName,
      categoryId: l.categoryId,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      discountCents: l.discountCents,
      taxRatePpm: l.taxRatePpm,
      taxCents: l.taxCents,
      taxes: l.taxes,
      priceOverride: null,
      promotions: [],
      totalCents: l.netCents,
      originalItemId: null,
      returnReason: null,
      restock: null,
    }));
    yield {
      storeId: store.storeId,
      transactionId,
      registerId: p.register,
      receiptSeq,
      receiptNumber: receiptNumber(store.storeId, p.register, receiptSeq),
      transactionType: 'sale',
      customerId:
        storeCustomers.length > 0 && rng.chance(0.4) ? rng.pick(storeCustomers).customerId : null,
      cashierId: (staff.length > 0 ? rng.pick(staff) : { staffId: ids() }).staffId,
      approvedBy: null,
      shiftId: null,
      occurredAt: new Date(p.at).toISOString(),
      subtotalCents: priced.subtotalCents,
      discountCents: priced.discountCents,
      taxCents: priced.taxCents,
      totalCents: priced.totalCents,
      taxIncluded: priced.taxIncluded,
      taxRounding: priced.taxRounding,
      taxExemptReference: null,
      originalTransactionId: null,
      noReceiptReason: null,
      notes: null,
      coupons: [],
      lines: saleLines,
      payments: settlement.payments,
      stockMovements: saleLines.map((l) => ({
        movementId: ids(),
        productId: l.productId,
        quantityDelta: -l.quantity,
        reason: 'sale' as const,
        transactionId,
        note: null,
      })),
    };
  }
}
