/**
 * Test data for HQ: a small seeded chain in a fresh database, and builders of till mutations
 * whose arithmetic is exact (so only the rule a test means to break is broken).
 */
import { loyaltyPointsOf } from '../../core/loyalty';
import type { ProductEntity } from '../../contract/catalog';
import { withTenant, type TenantTx } from '../../db/central/tenant';
import type pg from 'pg';
import {
  ingestMutations,
  prepareSalesPartitions,
  type MutationOutcome,
} from '../../db/central/ingest';
import { applyRatePpm } from '../../core/money';
import type { IdGenerator } from '../../core/ids';
import type {
  Mutation,
  Payment,
  SaleLine,
  SaleRecorded,
  ShiftClosed,
  StockMovement,
} from '../../contract/mutations';
import { receiptNumber } from '../../db/checkout/shared';
import { chainStores, demoPromotions, demoStaff } from '../../db/seed/chain';
import { generateCatalog, toProductEntity } from '../../db/seed/catalog';
import { generateCustomers, type StoreCustomer } from '../../db/seed/customers';
import { seedCentral } from '../../db/seed/write-central';
import { upsertPromotions } from '../../db/queries/catalog-write';
import type { TestDatabase } from '../setup/central-db';

export const STORES = ['seattle', 'redmond', 'bellevue', 'online'] as const;

export interface World {
  db: TestDatabase;
  seed: number;
  catalog: ProductEntity[];
  customers: StoreCustomer[];
  customersOf(storeId: string): StoreCustomer[];
  cashierOf(storeId: string): string;
}

/** The sample chain with no sales: stores, catalog, customers, staff, registers, stock. */
export async function seedWorld(
  db: TestDatabase,
  options: { seed?: number; products?: number; customers?: number } = {},
): Promise<World> {
  const seed = options.seed ?? 5;
  const products = options.products ?? 30;
  const customers = options.customers ?? 40;
  await seedCentral({
    owner: db.pools.owner,
    app: db.pools.app,
    seed,
    products,
    customers,
    sales: 0,
  });
  // Every store runs the demo till's two coupons (promotions are a tenant table too).
  for (const store of chainStores()) {
    await withTenant(db.pools.app, store.storeId, (tx) =>
      upsertPromotions(tx, store.storeId, demoPromotions()),
    );
  }
  const catalog = generateCatalog({ seed, products }).map(toProductEntity);
  const all = generateCustomers({ seed, customers });
  return {
    db,
    seed,
    catalog,
    customers: all,
    customersOf: (storeId) => all.filter((c) => c.storeId === storeId),
    cashierOf: (storeId) => demoStaff(storeId)[1]!.staffId,
  };
}

export interface LineSpec {
  product: ProductEntity;
  quantity: number;
  discountCents?: number;
  /** For returned lines (negative quantity): the sold line being returned. */
  originalItemId?: string;
  unitPriceCents?: number;
}

export interface SaleSpec {
  ids: IdGenerator;
  storeId: string;
  cashierId: string;
  receiptSeq: number;
  occurredAt: string;
  lines: LineSpec[];
  registerId?: string;
  transactionId?: string;
  transactionType?: SaleRecorded['transactionType'];
  originalTransactionId?: string | null;
  customerId?: string | null;
  shiftId?: string | null;
  taxRatePpm?: number;
  /** Stock movements for sold / restocked lines (default true). */
  movements?: boolean;
}

/** A sale (or return) whose lines, totals and tenders add up exactly. */
export function buildSale(spec: SaleSpec): SaleRecorded {
  const transactionId = spec.transactionId ?? spec.ids();
  const registerId = spec.registerId ?? 'R01';
  const rate = spec.taxRatePpm ?? 100_000;
  const lines: SaleLine[] = spec.lines.map((l, i) => {
    const price = l.unitPriceCents ?? l.product.priceCents;
    const discount = l.discountCents ?? 0;
    const net = l.quantity * price - discount;
    return {
      itemId: spec.ids(),
      lineNumber: i + 1,
      productId: l.product.productId,
      sku: l.product.sku,
      productName: l.product.productName,
      categoryId: l.product.categoryId,
      quantity: l.quantity,
      unitPriceCents: price,
      discountCents: discount,
      taxRatePpm: rate,
      taxCents: applyRatePpm(net, rate),
      taxes: [],
      priceOverride: null,
      promotions: [],
      totalCents: net,
      originalItemId: l.originalItemId ?? null,
      returnReason: l.quantity < 0 ? 'changed mind' : null,
      restock: l.quantity < 0 ? true : null,
    };
  });
  const subtotal = lines.reduce((a, l) => a + l.quantity * l.unitPriceCents, 0);
  const discount = lines.reduce((a, l) => a + l.discountCents, 0);
  const tax = lines.reduce((a, l) => a + l.taxCents, 0);
  const total = subtotal - discount + tax;
  const payments: Payment[] =
    total === 0
      ? []
      : total > 0
        ? [
            {
              paymentId: spec.ids(),
              tenderType: 'cash',
              amountCents: total,
              tenderedCents: total,
              changeCents: 0,
              cardStatus: null,
              cardLast4: null,
              authCode: null,
              storedValueCardId: null,
            },
          ]
        : [
            {
              paymentId: spec.ids(),
              tenderType: 'card',
              amountCents: total,
              tenderedCents: null,
              changeCents: null,
              cardStatus: 'approved',
              cardLast4: '4242',
              authCode: 'R1',
              storedValueCardId: null,
            },
          ];
  const stockMovements: StockMovement[] =
    spec.movements === false
      ? []
      : lines.map((l) => ({
          movementId: spec.ids(),
          productId: l.productId,
          quantityDelta: -l.quantity,
          reason: l.quantity > 0 ? ('sale' as const) : ('return' as const),
          transactionId,
          note: null,
        }));
  return {
    transactionId,
    registerId,
    receiptSeq: spec.receiptSeq,
    receiptNumber: receiptNumber(spec.storeId, registerId, spec.receiptSeq),
    transactionType:
      spec.transactionType ?? (lines.some((l) => l.quantity < 0) ? 'return' : 'sale'),
    customerId: spec.customerId ?? null,
    cashierId: spec.cashierId,
    approvedBy: null,
    shiftId: spec.shiftId ?? null,
    occurredAt: spec.occurredAt,
    subtotalCents: subtotal,
    discountCents: discount,
    taxCents: tax,
    totalCents: total,
    taxIncluded: false,
    taxRounding: 'line',
    taxExemptReference: null,
    originalTransactionId: spec.originalTransactionId ?? null,
    noReceiptReason: null,
    notes: null,
    coupons: [],
    loyaltyPointsEarned: loyaltyPointsOf({
      customerId: spec.customerId ?? null,
      totalCents: total,
      taxCents: tax,
    }),
    lines,
    payments,
    stockMovements,
  };
}

/** A Z report for a shift, with made-up but well-formed figures. */
export function buildShiftClosed(options: {
  ids: IdGenerator;
  shiftId: string;
  registerId: string;
  zNumber: number;
  staffId: string;
  openedAt: string;
  closedAt: string;
}): ShiftClosed {
  return {
    shiftId: options.shiftId,
    closedBy: options.staffId,
    closedAt: options.closedAt,
    expectedCashCents: 10_000,
    countedCashCents: 10_000,
    overShortCents: 0,
    zReport: {
      zReportId: options.ids(),
      registerId: options.registerId,
      zNumber: options.zNumber,
      shiftId: options.shiftId,
      openedAt: options.openedAt,
      closedAt: options.closedAt,
      salesCount: 0,
      returnsCount: 0,
      exchangesCount: 0,
      voidsCount: 0,
      grossSalesCents: 0,
      discountsCents: 0,
      returnsCents: 0,
      taxCents: 0,
      taxOnSalesCents: 0,
      returnsTaxCents: 0,
      taxBreakdown: [],
      overridesCount: 0,
      overridesCents: 0,
      netCents: 0,
      cashCents: 0,
      cardCents: 0,
      giftCardCents: 0,
      storeCreditCents: 0,
      openingFloatCents: 10_000,
      cashInCents: 0,
      cashOutCents: 0,
      noSalesCount: 0,
      expectedCashCents: 10_000,
      countedCashCents: 10_000,
      overShortCents: 0,
    },
  };
}

let mutationCounter = 0;
/** Wrap payloads into envelopes with increasing mutation IDs. */
export function envelope<T extends Mutation['type']>(
  type: T,
  payload: Extract<Mutation, { type: T }>['payload'],
): Mutation {
  mutationCounter += 1;
  return { mutationId: mutationCounter, type, payload } as Mutation;
}

export async function ingest(
  db: TestDatabase,
  storeId: string,
  mutations: readonly Mutation[],
  deviceId = `test-${storeId}`,
): Promise<MutationOutcome[]> {
  // Months of late or future-dated sales are created first, in their own transaction, as the
  // sync service does.
  await prepareSalesPartitions(db.pools.app, mutations);
  return withTenant(db.pools.app, storeId, (tx) => ingestMutations(tx, { deviceId, mutations }));
}

/**
 * Any tenant key, however malformed (the attack tests), for the rest of a raw client's
 * transaction (`local`) or session, set as withTenant sets a valid one: with SET, which a Citus
 * coordinator forwards to the workers where the policies run (SET LOCAL only).
 */
export async function setAnyTenantKey(
  client: pg.ClientBase,
  key: string,
  scope: 'local' | 'session' = 'local',
): Promise<void> {
  const local = scope === 'local' ? 'LOCAL ' : '';
  await client.query(
    `SET ${local}citus.propagate_set_commands = 'local'; SET ${local}app.current_store_id = ${client.escapeLiteral(key)}`,
  );
}

/** Run `fn` as the app role with the tenant key of `storeId`. */
export function asStore<T>(
  db: TestDatabase,
  storeId: string,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  return withTenant(db.pools.app, storeId, fn);
}
