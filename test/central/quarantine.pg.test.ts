/**
 * The quarantine (issue 11): what HQ could not record is kept whole, staff inspect it, and
 * re-apply it after the cause is fixed (or dismiss it with a reason); every decision records
 * who and when, and resolves the exception that pointed at it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import { ConflictError, NotFoundError } from '../../db/errors';
import { dismissQuarantined, reapplyQuarantined } from '../../db/central/quarantine';
import { listExceptions, listQuarantine } from '../../db/central/queries/exceptions';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { asStore, buildSale, envelope, ingest, seedWorld, type World } from './builders';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(77, Date.UTC(2026, 10, 7));
const S = 'redmond';
const DEVICE = 'till-q';

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 6, customers: 4 });
});
afterAll(async () => {
  await db?.drop();
});

describe('a void that arrives before its sale', () => {
  it('is held whole, then re-applied once the sale is there, with who and when', async () => {
    const sale = buildSale({
      ids,
      storeId: S,
      cashierId: world.cashierOf(S),
      receiptSeq: 7001,
      occurredAt: '2026-11-18T16:00:00.000Z',
      lines: [{ product: world.catalog[0]!, quantity: 1 }],
    });
    const voided = envelope('sale.voided', {
      transactionId: sale.transactionId,
      reason: 'customer changed mind',
      voidedBy: world.cashierOf(S),
      voidedAt: '2026-11-18T16:05:00.000Z',
      stockMovements: [],
    });
    const [first] = await ingest(db, S, [voided], DEVICE);
    expect(first).toMatchObject({ status: 'rejected', code: 'unknown_transaction' });

    const held = await asStore(db, S, (tx) => listQuarantine(tx, { status: 'held', limit: 10 }));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      deviceId: DEVICE,
      mutationId: voided.mutationId,
      mutationType: 'sale.voided',
      code: 'unknown_transaction',
      attempts: 1,
    });
    expect(held[0]!.mutation).toEqual(voided);
    const open = await asStore(db, S, (tx) =>
      listExceptions(tx, { status: 'open', kind: 'quarantined', limit: 10 }),
    );
    expect(open.map((e) => [e.entity, e.entityId, e.mutationId])).toEqual([
      ['void', sale.transactionId, voided.mutationId],
    ]);

    // Too early: still refused, still held, one more attempt.
    const early = await asStore(db, S, (tx) =>
      reapplyQuarantined(tx, { deviceId: DEVICE, mutationId: voided.mutationId, by: 'ana' }),
    );
    expect(early.status).toBe('rejected');
    const again = await asStore(db, S, (tx) => listQuarantine(tx, { status: 'held', limit: 10 }));
    expect(again[0]!.attempts).toBe(2);

    // The sale arrives; the void is re-applied by a person.
    await ingest(db, S, [envelope('sale.recorded', sale)], DEVICE);
    const done = await asStore(db, S, (tx) =>
      reapplyQuarantined(tx, { deviceId: DEVICE, mutationId: voided.mutationId, by: 'ana' }),
    );
    expect(done.status).toBe('applied');
    const { rows } = await db.pools.admin.query<{ status: string }>(
      `SELECT status FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
      [S, sale.transactionId],
    );
    expect(rows).toEqual([{ status: 'voided' }]);
    const decided = await asStore(db, S, (tx) => listQuarantine(tx, { limit: 10 }));
    expect(decided[0]).toMatchObject({ status: 'applied', resolvedBy: 'ana' });
    expect(decided[0]!.resolvedAt).not.toBeNull();
    const resolved = await asStore(db, S, (tx) =>
      listExceptions(tx, { kind: 'quarantined', limit: 10 }),
    );
    expect(resolved[0]).toMatchObject({ status: 'resolved', resolvedBy: 'ana' });

    // Decided once: a second re-apply is refused, nothing is applied twice.
    await expect(
      asStore(db, S, (tx) =>
        reapplyQuarantined(tx, { deviceId: DEVICE, mutationId: voided.mutationId, by: 'bo' }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('a sale whose arithmetic does not add up', () => {
  it('is dismissed with the reason and who, and stays in the quarantine as history', async () => {
    const bad = {
      ...buildSale({
        ids,
        storeId: S,
        cashierId: world.cashierOf(S),
        receiptSeq: 7002,
        occurredAt: '2026-11-18T17:00:00.000Z',
        lines: [{ product: world.catalog[1]!, quantity: 1 }],
      }),
      totalCents: 1,
    };
    const m = envelope('sale.recorded', bad);
    const [outcome] = await ingest(db, S, [m], DEVICE);
    expect(outcome).toMatchObject({ status: 'rejected', code: 'invalid_totals' });
    await asStore(db, S, (tx) =>
      dismissQuarantined(tx, {
        deviceId: DEVICE,
        mutationId: m.mutationId,
        by: 'bo',
        reason: 'test sale from a broken till build, re-rung by hand',
      }),
    );
    const rows = await asStore(db, S, (tx) =>
      listQuarantine(tx, { status: 'dismissed', limit: 5 }),
    );
    expect(rows.map((r) => [r.mutationId, r.resolvedBy, r.resolution])).toEqual([
      [m.mutationId, 'bo', 'Dismissed: test sale from a broken till build, re-rung by hand'],
    ]);
    await expect(
      asStore(db, S, (tx) =>
        dismissQuarantined(tx, { deviceId: DEVICE, mutationId: 999_999, by: 'bo', reason: 'x' }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
