/**
 * The seed's sales history across the chain, priced and tendered by the real checkout rules.
 *
 * Deterministic: same `seed` and counts -> byte-identical output (IDs, names, prices,
 * timestamps), so tests, benchmarks and the search evaluation are reproducible. Nothing in
 * db/seed/ but the writers (write-edge.ts, write-central.ts) touches a database.
 */
import type { ProductEntity } from '../../contract/catalog';
import type { SaleRecorded } from '../../contract/mutations';
import { seededIdGenerator, type IdGenerator } from '../../core/ids';
import { priceCart, type CartLine, type Discount } from '../../core/pricing';
import { settleTenders, type TenderInput } from '../../core/tenders';
import { receiptNumber } from '../checkout/shared';
import { DEMO_REGISTERS, chainCategoryTaxRates, chainStores, demoStaff } from './chain';
import type { StoreCustomer } from './customers';
import { Rng } from './random';

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
      // The sample history leaves the points to HQ (as a till from before loyalty points).
      loyaltyPointsEarned: null,
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
