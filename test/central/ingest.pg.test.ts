/**
 * The ingest path the sync service calls: every mutation type lands in the central tables,
 * re-sent mutations are acknowledged without effect, a broken reference or rule around a fact
 * is an exception recorded with it, and what HQ cannot record at all is a typed rejection that
 * leaves nothing behind but its quarantined copy and does not stop the rest of the batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteCustomer } from '../../db/central/customers';
import { applyMutation, ingestMutations, MutationRejectedError } from '../../db/central/ingest';
import { withTenant } from '../../db/central/tenant';
import { seededIdGenerator } from '../../core/ids';
import type { Mutation } from '../../contract/mutations';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { buildSale, buildShiftClosed, envelope, ingest, seedWorld, type World } from './builders';
import { PgCode } from '../../db/pg-errors';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(55, Date.UTC(2026, 10, 6));
const S = 'seattle';
let receipt = 100;

/** 'applied', 'applied:<exception kinds>', 'duplicate...' or the rejection code. */
const statuses = (outcomes: Awaited<ReturnType<typeof ingest>>) =>
  outcomes.map((o) =>
    o.status === 'rejected'
      ? o.code
      : [o.status, ...(o.exceptions ?? []).map((e) => e.kind)].join(':'),
  );

function saleOf(
  lines: Parameters<typeof buildSale>[0]['lines'],
  extra: Partial<Parameters<typeof buildSale>[0]> = {},
) {
  return buildSale({
    ids,
    storeId: S,
    cashierId: world.cashierOf(S),
    receiptSeq: ++receipt,
    occurredAt: '2026-11-18T16:00:00.000Z',
    lines,
    ...extra,
  });
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await db.pools.admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.${table} WHERE store_id = '${S}' AND ${where}`,
    params,
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 10, customers: 8 });
});
afterAll(async () => {
  await db?.drop();
});

describe('a full shift of mutations', () => {
  const shiftId = ids();
  const customerId = ids();
  let batch: Mutation[];

  it('applies all seven types in order, including references within the batch', async () => {
    const [p0, p1, p2] = world.catalog;
    const sold = saleOf(
      [
        { product: p0!, quantity: 2 },
        { product: p1!, quantity: 1, discountCents: 10 },
      ],
      {
        shiftId,
        customerId,
      },
    );
    const toVoid = saleOf([{ product: p2!, quantity: 1 }], { shiftId });
    const returned = saleOf(
      [{ product: p0!, quantity: -1, originalItemId: sold.lines[0]!.itemId }],
      { shiftId, originalTransactionId: sold.transactionId, customerId },
    );
    batch = [
      envelope('shift.opened', {
        shiftId,
        registerId: 'R01',
        openedBy: world.cashierOf(S),
        openedAt: '2026-11-18T15:00:00.000Z',
        openingFloatCents: 10_000,
      }),
      envelope('customer.created', {
        customerId,
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'Ada@Example.com',
        phone: null,
        createdAt: '2026-11-18T15:30:00.000Z',
      }),
      envelope('sale.recorded', sold),
      envelope('sale.recorded', toVoid),
      envelope('sale.recorded', returned),
      envelope('sale.voided', {
        transactionId: toVoid.transactionId,
        reason: 'rang up twice',
        voidedBy: world.cashierOf(S),
        voidedAt: '2026-11-18T16:05:00.000Z',
        stockMovements: [
          {
            movementId: ids(),
            productId: p2!.productId,
            quantityDelta: 1,
            reason: 'void',
            transactionId: toVoid.transactionId,
            note: null,
          },
        ],
      }),
      envelope('shift.cash_moved', {
        movementId: ids(),
        shiftId,
        kind: 'out',
        amountCents: 2_000,
        reason: 'bank drop',
        staffId: world.cashierOf(S),
        occurredAt: '2026-11-18T17:00:00.000Z',
      }),
      envelope('stock.adjusted', {
        adjustmentId: ids(),
        occurredAt: '2026-11-18T18:00:00.000Z',
        staffId: world.cashierOf(S),
        movements: [
          {
            movementId: ids(),
            productId: p1!.productId,
            quantityDelta: -2,
            reason: 'adjustment',
            transactionId: null,
            note: 'damaged',
          },
        ],
      }),
      envelope(
        'shift.closed',
        buildShiftClosed({
          ids,
          shiftId,
          registerId: 'R01',
          zNumber: 1,
          staffId: world.cashierOf(S),
          openedAt: '2026-11-18T15:00:00.000Z',
          closedAt: '2026-11-18T22:00:00.000Z',
        }),
      ),
    ];
    const stockBefore = await db.pools.admin.query<{ product_id: string; on_hand: number }>(
      `SELECT product_id, on_hand FROM retail.stock_levels WHERE store_id = $1`,
      [S],
    );
    const outcomes = await ingest(db, S, batch, 'till-7');
    // The built Z report counts nothing while HQ holds a sale, a return and a void in its shift: reconciliation
    // raises that difference (it does not refuse the close).
    expect(statuses(outcomes)).toEqual([
      ...batch.slice(0, -1).map(() => 'applied'),
      'applied:z_totals_differ',
    ]);
    const last = outcomes[outcomes.length - 1]!;
    const zException = last.status === 'rejected' ? undefined : last.exceptions?.[0];
    expect(zException?.detail.differences).toContainEqual({ field: 'voidsCount', till: 0, hq: 1 });
    expect(outcomes.map((o) => o.mutationId)).toEqual(batch.map((m) => m.mutationId));

    expect(await count('shifts', `shift_id = $1 AND status = 'closed'`, [shiftId])).toBe(1);
    expect(await count('z_reports', `shift_id = $1`, [shiftId])).toBe(1);
    expect(await count('cash_movements', `shift_id = $1`, [shiftId])).toBe(1);
    expect(
      await count(
        'customers',
        // Created once; its version moves again only if its sale moved its computed loyalty
        // tier off the default (db/central/loyalty.ts).
        `customer_id = $1 AND customer_since = '2026-11-18'
         AND version = CASE WHEN loyalty_tier = 'bronze' THEN 1 ELSE 2 END`,
        [customerId],
      ),
    ).toBe(1);
    expect(await count('sales_transactions', `shift_id = $1`, [shiftId])).toBe(3);
    expect(
      await count(
        'sales_transactions',
        `transaction_id = $1 AND status = 'voided' AND void_reason = 'rang up twice'`,
        [toVoid.transactionId],
      ),
    ).toBe(1);
    expect(
      await count('sales_transaction_items', `transaction_id = ANY ($1)`, [
        [sold.transactionId, returned.transactionId],
      ]),
    ).toBe(3);
    expect(await count('payments', `transaction_id = $1`, [sold.transactionId])).toBe(1);
    expect(
      await count('stock_movements', `device_id = 'till-7' AND mutation_id = $1`, [
        batch[2]!.mutationId,
      ]),
    ).toBe(2);

    const money = await db.pools.admin.query(
      `SELECT subtotal, discount_amount, tax_amount, total_amount FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
      [S, sold.transactionId],
    );
    const cents = (c: number) => (c / 100).toFixed(2);
    expect(money.rows[0]).toEqual({
      subtotal: cents(sold.subtotalCents),
      discount_amount: cents(sold.discountCents),
      tax_amount: cents(sold.taxCents),
      total_amount: cents(sold.totalCents),
    });

    // Stock follows the ledger: -2 +1 (return restocked) for p0; -1 -2 for p1; -1 +1 for p2.
    const after = await db.pools.admin.query<{ product_id: string; on_hand: number }>(
      `SELECT product_id, on_hand FROM retail.stock_levels WHERE store_id = $1`,
      [S],
    );
    const delta = (id: string) =>
      after.rows.find((r) => r.product_id === id)!.on_hand -
      (stockBefore.rows.find((r) => r.product_id === id)?.on_hand ?? 0);
    expect([delta(p0!.productId), delta(p1!.productId), delta(p2!.productId)]).toEqual([-1, -3, 0]);
  });

  it('acknowledges the same batch again without any effect', async () => {
    const tables = [
      'shifts',
      'z_reports',
      'cash_movements',
      'customers',
      'sales_transactions',
      'sales_transaction_items',
      'payments',
      'stock_movements',
      'daily_sales',
    ];
    const before = await Promise.all(tables.map((t) => count(t)));
    const levels = await db.pools.admin.query(
      `SELECT product_id, on_hand, version FROM retail.stock_levels WHERE store_id = $1 ORDER BY 1`,
      [S],
    );
    const outcomes = await ingest(db, S, batch, 'till-7');
    expect(statuses(outcomes)).toEqual(batch.map(() => 'duplicate'));
    expect(await Promise.all(tables.map((t) => count(t)))).toEqual(before);
    const again = await db.pools.admin.query(
      `SELECT product_id, on_hand, version FROM retail.stock_levels WHERE store_id = $1 ORDER BY 1`,
      [S],
    );
    expect(again.rows).toEqual(levels.rows);
  });
});

describe('facts, exceptions and rejections', () => {
  it('records every authentic fact with its exceptions, quarantines the rest whole, and applies the rest of the batch', async () => {
    const [p0, p1] = world.catalog;
    const shiftId = ids();
    const sale = saleOf([{ product: p0!, quantity: 1 }]);
    const badTotals = { ...saleOf([{ product: p0!, quantity: 1 }]), totalCents: 1 };
    const unknownRegister = saleOf([{ product: p1!, quantity: 1 }], { registerId: 'R99' });
    const takenReceipt = {
      ...saleOf([{ product: p1!, quantity: 1 }]),
      receiptNumber: sale.receiptNumber,
    };
    const badReturn = saleOf([{ product: p0!, quantity: -1, originalItemId: ids() }], {
      originalTransactionId: sale.transactionId,
    });
    const customerEmail = world.customersOf(S)[0]!.email!;
    const mutations: Mutation[] = [
      envelope('sale.voided', {
        transactionId: ids(),
        reason: 'x',
        voidedBy: world.cashierOf(S),
        voidedAt: '2026-11-18T16:00:00.000Z',
        stockMovements: [],
      }),
      envelope('sale.recorded', sale),
      envelope('sale.recorded', badTotals),
      envelope('sale.recorded', unknownRegister),
      envelope('sale.recorded', takenReceipt),
      envelope('sale.recorded', badReturn),
      envelope('customer.created', {
        customerId: ids(),
        firstName: 'Dup',
        lastName: 'Email',
        email: customerEmail.toUpperCase(),
        phone: null,
        createdAt: '2026-11-18T15:30:00.000Z',
      }),
      envelope('stock.adjusted', {
        adjustmentId: ids(),
        occurredAt: '2026-11-18T18:00:00.000Z',
        staffId: world.cashierOf(S),
        movements: [
          {
            movementId: ids(),
            productId: p0!.productId,
            quantityDelta: 5,
            reason: 'receiving',
            transactionId: null,
            note: null,
          },
          {
            movementId: ids(),
            productId: ids(),
            quantityDelta: 5,
            reason: 'receiving',
            transactionId: null,
            note: null,
          },
        ],
      }),
      envelope('shift.cash_moved', {
        movementId: ids(),
        shiftId: ids(),
        kind: 'in',
        amountCents: 100,
        reason: 'x',
        staffId: world.cashierOf(S),
        occurredAt: '2026-11-18T16:00:00.000Z',
      }),
      envelope('shift.opened', {
        shiftId,
        registerId: 'R02',
        openedBy: world.cashierOf(S),
        openedAt: '2026-11-18T15:00:00.000Z',
        openingFloatCents: 0,
      }),
      envelope('shift.opened', {
        shiftId: ids(),
        registerId: 'R02',
        openedBy: world.cashierOf(S),
        openedAt: '2026-11-18T15:10:00.000Z',
        openingFloatCents: 0,
      }),
      envelope(
        'shift.closed',
        buildShiftClosed({
          ids,
          shiftId,
          registerId: 'R02',
          zNumber: 1,
          staffId: world.cashierOf(S),
          openedAt: '2026-11-18T15:00:00.000Z',
          closedAt: '2026-11-18T20:00:00.000Z',
        }),
      ),
      envelope(
        'shift.closed',
        buildShiftClosed({
          ids,
          shiftId,
          registerId: 'R02',
          zNumber: 2,
          staffId: world.cashierOf(S),
          openedAt: '2026-11-18T15:00:00.000Z',
          closedAt: '2026-11-18T21:00:00.000Z',
        }),
      ),
      envelope('shift.cash_moved', {
        movementId: ids(),
        shiftId,
        kind: 'in',
        amountCents: 100,
        reason: 'late',
        staffId: world.cashierOf(S),
        occurredAt: '2026-11-18T21:30:00.000Z',
      }),
      envelope('sale.voided', {
        transactionId: sale.transactionId,
        reason: 'first',
        voidedBy: world.cashierOf(S),
        voidedAt: '2026-11-18T16:10:00.000Z',
        stockMovements: [],
      }),
      envelope('sale.voided', {
        transactionId: sale.transactionId,
        reason: 'second',
        voidedBy: world.cashierOf(S),
        voidedAt: '2026-11-18T16:20:00.000Z',
        stockMovements: [],
      }),
    ];
    const outcomes = await ingest(db, S, mutations);
    expect(statuses(outcomes)).toEqual([
      'unknown_transaction',
      'applied',
      'invalid_totals',
      'applied:unknown_register',
      'applied:receipt_number_taken',
      'applied:unknown_original_item',
      'applied:customer_email_shared',
      'applied:unknown_product',
      'unknown_shift',
      'applied',
      'applied:shift_already_open',
      'applied',
      'duplicate:shift_already_closed',
      'applied:cash_in_closed_shift',
      'applied',
      'duplicate:already_voided',
    ]);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.message.length).toBeGreaterThan(10);
      for (const e of o.status === 'rejected' ? [] : (o.exceptions ?? []))
        expect(e.reason.length).toBeGreaterThan(40);
    }
    // Every authentic sale is at HQ, the one whose arithmetic does not add up is not.
    expect(
      await count('sales_transactions', `transaction_id = ANY ($1)`, [
        [
          unknownRegister.transactionId,
          takenReceipt.transactionId,
          badReturn.transactionId,
          sale.transactionId,
        ],
      ]),
    ).toBe(4);
    expect(
      await count('sales_transactions', `transaction_id = $1`, [badTotals.transactionId]),
    ).toBe(0);
    expect(await count('registers', `register_id = 'R99'`)).toBe(1);
    // Both customers with the one email are kept, the later one linked to the first.
    const { rows: linked } = await db.pools.admin.query<{ linked: string | null }>(
      `SELECT linked_customer_id AS linked FROM retail.customers
        WHERE store_id = $1 AND lower(email) = lower($2) ORDER BY linked_customer_id NULLS FIRST`,
      [S, customerEmail],
    );
    expect(linked.map((r) => r.linked)).toEqual([null, world.customersOf(S)[0]!.customerId]);
    // What HQ could not record is kept whole, with an exception pointing at it.
    const { rows: held } = await db.pools.admin.query<{ mutation: Mutation; code: string }>(
      `SELECT mutation, code FROM sync.quarantine WHERE store_id = $1 AND device_id = $2
        AND mutation_id = ANY ($3) ORDER BY mutation_id`,
      [S, `test-${S}`, mutations.map((m) => m.mutationId)],
    );
    expect(held.map((r) => r.code)).toEqual([
      'unknown_transaction',
      'invalid_totals',
      'unknown_shift',
    ]);
    expect(held[1]!.mutation).toEqual(mutations[2]);
    const { rows: raised } = await db.pools.admin.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM sync.exceptions
        WHERE store_id = $1 AND device_id = $2 AND mutation_id = ANY ($3)
        GROUP BY kind ORDER BY kind`,
      [S, `test-${S}`, mutations.map((m) => m.mutationId)],
    );
    expect(Object.fromEntries(raised.map((r) => [r.kind, r.n]))).toEqual({
      already_voided: 1,
      cash_in_closed_shift: 1,
      customer_email_shared: 1,
      quarantined: 3,
      receipt_number_taken: 1,
      shift_already_closed: 1,
      shift_already_open: 1,
      unknown_original_item: 1,
      unknown_product: 1,
      unknown_register: 1,
    });
    // Raising them again (the same batch re-applied) records nothing twice.
    const before = await count('customers');
    await ingest(db, S, mutations);
    expect(await count('customers')).toBe(before);
    const { rows: again } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.exceptions WHERE store_id = $1 AND device_id = $2
        AND mutation_id = ANY ($3)`,
      [S, `test-${S}`, mutations.map((m) => m.mutationId)],
    );
    expect(again[0]!.n).toBe(12);
  });

  it('a row the database refuses fails only its own sale, the rest of the batch goes in', async () => {
    const [p0] = world.catalog;
    const good1 = saleOf([{ product: p0!, quantity: 1 }]);
    const broken = saleOf([{ product: p0!, quantity: 1 }]);
    // A cash payment without the tendered amount passes the wire schema; the table's CHECK refuses it.
    broken.payments = broken.payments.map((p) => ({ ...p, tenderedCents: null }));
    const good2 = saleOf([{ product: p0!, quantity: 2 }]);
    const outcomes = await ingest(db, S, [
      envelope('sale.recorded', good1),
      envelope('sale.recorded', broken),
      envelope('sale.recorded', good2),
    ]);
    expect(statuses(outcomes)).toEqual(['applied', 'constraint_violation', 'applied']);
    expect(
      await count('sales_transaction_ids', `transaction_id = $1`, [broken.transactionId]),
    ).toBe(0);
    expect(await count('stock_movements', `transaction_id = $1`, [broken.transactionId])).toBe(0);
  });

  it('the same transaction twice in one batch is applied once', async () => {
    const sale = saleOf([{ product: world.catalog[3]!, quantity: 1 }]);
    const outcomes = await ingest(db, S, [
      envelope('sale.recorded', sale),
      envelope('sale.recorded', sale),
    ]);
    expect(statuses(outcomes)).toEqual(['applied', 'duplicate']);
    expect(
      await count('sales_transaction_items', `transaction_id = $1`, [sale.transactionId]),
    ).toBe(1);
  });

  it('a void sent twice is a duplicate; a shift close sent twice is a duplicate', async () => {
    const sale = saleOf([{ product: world.catalog[4]!, quantity: 1 }]);
    const voided = envelope('sale.voided', {
      transactionId: sale.transactionId,
      reason: 'x',
      voidedBy: world.cashierOf(S),
      voidedAt: '2026-11-18T16:30:00.000Z',
      stockMovements: [],
    });
    expect(statuses(await ingest(db, S, [envelope('sale.recorded', sale), voided]))).toEqual([
      'applied',
      'applied',
    ]);
    expect(statuses(await ingest(db, S, [voided]))).toEqual(['duplicate']);
  });

  it('applyMutation throws MutationRejectedError and leaves the transaction usable', async () => {
    await withTenant(db.pools.app, S, async (tx) => {
      await expect(
        applyMutation(tx, {
          deviceId: 'till-x',
          mutation: envelope('shift.cash_moved', {
            movementId: ids(),
            shiftId: ids(),
            kind: 'in',
            amountCents: 1,
            reason: 'x',
            staffId: world.cashierOf(S),
            occurredAt: '2026-11-18T16:00:00.000Z',
          }),
        }),
      ).rejects.toBeInstanceOf(MutationRejectedError);
      const sale = saleOf([{ product: world.catalog[5]!, quantity: 1 }]);
      expect(
        await applyMutation(tx, { deviceId: 'till-x', mutation: envelope('sale.recorded', sale) }),
      ).toBe('applied');
      const outcomes = await ingestMutations(tx, {
        deviceId: 'till-x',
        mutations: [envelope('sale.recorded', sale)],
      });
      expect(outcomes[0]?.status).toBe('duplicate');
    });
  });

  it('deleting a customer at HQ keeps their sales and only unlinks them', async () => {
    const customer = world.customersOf(S)[1]!;
    const sale = saleOf([{ product: world.catalog[6]!, quantity: 1 }], {
      customerId: customer.customerId,
    });
    expect(statuses(await ingest(db, S, [envelope('sale.recorded', sale)]))).toEqual(['applied']);
    // A sale never moves to another customer (the sales guard), and a customer who bought
    // something cannot just be deleted: the service unlinks the sales first.
    const other = world.customersOf(S)[0]!;
    await expect(
      withTenant(db.pools.app, S, (tx) =>
        tx.query(
          `UPDATE retail.sales_transactions SET customer_id = $3 WHERE store_id = $1 AND transaction_id = $2`,
          [S, sale.transactionId, other.customerId],
        ),
      ),
    ).rejects.toMatchObject({ code: PgCode.raiseException });
    await expect(
      withTenant(db.pools.app, S, (tx) =>
        tx.query(`DELETE FROM retail.customers WHERE store_id = $1 AND customer_id = $2`, [
          S,
          customer.customerId,
        ]),
      ),
    ).rejects.toMatchObject({ code: PgCode.foreignKeyViolation });
    expect(await withTenant(db.pools.app, S, (tx) => deleteCustomer(tx, customer.customerId))).toBe(
      true,
    );
    expect(await withTenant(db.pools.app, S, (tx) => deleteCustomer(tx, customer.customerId))).toBe(
      false,
    );
    const { rows } = await db.pools.admin.query(
      `SELECT customer_id, status, total_amount FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
      [S, sale.transactionId],
    );
    expect(rows).toEqual([
      { customer_id: null, status: 'completed', total_amount: (sale.totalCents / 100).toFixed(2) },
    ]);
  });
});
