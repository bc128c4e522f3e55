/**
 * The seed's retail chain: its fixed rows (four stores, the categories and their tax
 * overrides, registers, demo staff, the demo till's promotions and gift cards) and the seed's options.
 *
 * Deterministic: same `seed` and counts -> byte-identical output (IDs, names, prices,
 * timestamps), so tests, benchmarks and the search evaluation are reproducible. Nothing in
 * db/seed/ but the writers (write-edge.ts, write-central.ts) touches a database.
 */
import type {
  CategoryEntity,
  PromotionEntity,
  RegisterEntity,
  StoreEntity,
  StoredValueAllowanceEntity,
} from '../../contract/catalog';
import { seededIdGenerator } from '../../core/ids';
import { CATEGORIES, SEED_STORES, SUBCATEGORIES, type SubcategorySpec } from './vocabulary';

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
    noSaleNeedsManager: false,
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

/**
 * The demo till's gift cards and store credit (a till without HQ: the allowance is what HQ
 * would have reserved for its register), so the payment's card step has something to find:
 * a $50.00 gift card, $25.00 of store credit, and a gift card that expired at the end of 2025.
 */
export const DEMO_CARDS = {
  giftCard: '6006490000000042',
  storeCredit: '7700000000000077',
  expired: '6006490000000099',
} as const;

export function demoStoredValueAllowances(registerId: string): StoredValueAllowanceEntity[] {
  const card = (
    n: number,
    cardNumber: string,
    cardKind: StoredValueAllowanceEntity['cardKind'],
    grantedCents: number,
    expiresOn: string | null,
  ): StoredValueAllowanceEntity => ({
    allowanceId: `01900000-0000-7000-8000-0000000a110${n}`,
    registerId,
    cardId: `01900000-0000-7000-8000-00000000ca0${n}`,
    cardNumber,
    cardKind,
    expiresOn,
    isActive: true,
    grantedCents,
    settledCents: 0,
    version: 1,
  });
  return [
    card(1, DEMO_CARDS.giftCard, 'gift_card', 5_000, null),
    card(2, DEMO_CARDS.storeCredit, 'store_credit', 2_500, null),
    card(3, DEMO_CARDS.expired, 'gift_card', 3_000, '2025-12-31'),
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
