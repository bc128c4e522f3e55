/**
 * HQ's ingest path: the till's mutations (contract/mutations.ts, all seven types) into the
 * central tables. The sync service calls exactly this, once per pushed batch, inside the
 * withTenant transaction in which it also advances the device's last mutation ID:
 *
 *   await withTenant(pools.app, device.storeId, async (tx) => {
 *     const outcomes = await ingestMutations(tx, { deviceId: device.id, mutations });
 *     ...record outcomes (rejected ones too), bump the device counter...
 *   });
 *
 * Contract:
 * - `mutations` are already validated with the zod schemas at the HTTP boundary and are in the
 *   device's order; they are applied in that order (a sale can return a sale of the same batch,
 *   a shift opened in the batch can be closed in it).
 * - The store is tx.storeId, the transaction's tenant key: nothing in a payload can name
 *   another store, and every reference (register, shift, customer, original sale, product) is
 *   looked up within this store only.
 * - One outcome per mutation, in order. A fact born at a till (sale, return, void, shift, Z
 *   report) is recorded whenever it is authentic; what is wrong around it is an exception
 *   stored with it (sync.exceptions). Only what HQ cannot record becomes a `rejected` outcome
 *   with a code (MutationRejectedError), its partial work undone by a savepoint, the mutation
 *   kept whole in sync.quarantine for staff to re-apply (exceptions.ts); the rest of the batch
 *   carries on. Transient failures throw; the caller rolls back and retries.
 * - Idempotent by entity: a sale whose (store, transaction ID) HQ has, a shift already open or
 *   closed with the same Z report, an existing customer ID, a stock adjustment whose movements
 *   exist: `duplicate`, no effect.
 * - Runs of consecutive sales are applied set-based (ingest-sales.ts); the daily rollup, stock
 *   levels and alerts are maintained in the same transaction (derived.ts), so HQ's reports
 *   include a sale the moment it commits, however late it arrives.
 */
import type pg from 'pg';
import type { Mutation } from '../../contract/mutations';
import {
  applyCustomerCreated,
  applyShiftClosed,
  applyShiftOpened,
  applyStockAdjusted,
  applyVoid,
  type Applied,
} from './ingest-other';
import { applyCashMoved, applyNoSale } from './ingest-cash';
import { ingestSales } from './ingest-sales';
import { MAX_AGE_MS, MAX_FUTURE_MS } from './sale-shape';
import { withSavepoint, type MutationOutcome } from './ingest-types';
import { recordOutcomes } from './exceptions';
import { textArray } from './pg-arrays';
import { missingSalesPartitionMonths } from './partitions';
import { pgQueryable } from './pool';
import { withSalesDdlLock } from './sales-ddl-lock';
import { MutationRejectedError, RejectionCode, isPermanentDataError } from './rejections';
import type { TenantTx } from './tenant';

export type { MutationOutcome } from './ingest-types';
export { MutationRejectedError, RejectionCode } from './rejections';

export interface IngestBatch {
  /** The pushing device (recorded on sales and stock movements). */
  deviceId: string;
  mutations: readonly Mutation[];
  /**
   * The caller ran prepareSalesPartitions for these mutations before opening the transaction
   * (the sync service does): ingest then skips its own check. Without it, ingest checks that
   * the months of the sales exist and throws SalesPartitionsMissingError if not (it never
   * creates them inside the transaction).
   */
  partitionsPrepared?: boolean;
}

type SaleMutation = Extract<Mutation, { type: 'sale.recorded' }>;

async function applyOther(tx: TenantTx, deviceId: string, m: Mutation): Promise<Applied> {
  switch (m.type) {
    case 'sale.recorded':
      throw new Error('sales are applied in runs by ingestSales');
    case 'sale.voided':
      return applyVoid(tx, deviceId, m.mutationId, m.payload);
    case 'shift.opened':
      return applyShiftOpened(tx, m.payload);
    case 'shift.cash_moved':
      return applyCashMoved(tx, m.payload);
    case 'shift.no_sale':
      return applyNoSale(tx, m.payload);
    case 'shift.closed':
      return applyShiftClosed(tx, m.payload);
    case 'customer.created':
      return applyCustomerCreated(tx, m.payload);
    case 'stock.adjusted':
      return applyStockAdjusted(tx, deviceId, m.mutationId, m.payload);
  }
}

async function ingestOne(tx: TenantTx, deviceId: string, m: Mutation): Promise<MutationOutcome> {
  try {
    const { status, exceptions } = await withSavepoint(tx, () => applyOther(tx, deviceId, m));
    return {
      mutationId: m.mutationId,
      status,
      ...(exceptions.length > 0 ? { exceptions } : {}),
    };
  } catch (error) {
    if (error instanceof MutationRejectedError) {
      return {
        mutationId: m.mutationId,
        status: 'rejected',
        code: error.code,
        message: error.message,
      };
    }
    if (isPermanentDataError(error)) {
      return {
        mutationId: m.mutationId,
        status: 'rejected',
        code: RejectionCode.constraintViolation,
        message: `${m.type} was refused: ${error.message}`,
      };
    }
    throw error;
  }
}

/**
 * Every row ingest inserts is checked by foreign keys (a line against the registry of its
 * transaction, a transaction against its register, shift and customer...). PostgreSQL runs
 * each check as a statement it prepares itself and caches per connection; after five runs the
 * plan may turn generic, planned with the statistics of that moment. A month's tables analysed
 * while young and empty (autovacuum does it) made that generic plan a sequential scan of the
 * registry, and the pooled connection kept it while the table grew: every sale line scanned
 * every registered sale (test/central/plan-stability.pg.test.ts; 300 sequential scans for a
 * 60-sale batch before this). Checks and lookups by key never need a sequential scan, so
 * the ingest transaction plans without them (SET LOCAL: the transaction's end restores the
 * setting). A table without a usable index is still scanned: the setting only penalises the
 * scan, so a plan that must scan does.
 */
async function pinPlansToIndexes(tx: TenantTx): Promise<void> {
  await tx.query(`SET LOCAL enable_seqscan = off`);
}

export async function ingestMutations(
  tx: TenantTx,
  batch: IngestBatch,
): Promise<MutationOutcome[]> {
  const { mutations, deviceId } = batch;
  await pinPlansToIndexes(tx);
  const outcomes: MutationOutcome[] = [];
  let i = 0;
  while (i < mutations.length) {
    const first = mutations[i]!;
    if (first.type === 'sale.recorded') {
      const run: SaleMutation[] = [];
      while (i < mutations.length && mutations[i]!.type === 'sale.recorded') {
        run.push(mutations[i] as SaleMutation);
        i++;
      }
      outcomes.push(
        ...(await ingestSales(tx, deviceId, run, {
          partitionsPrepared: batch.partitionsPrepared ?? false,
        })),
      );
    } else {
      outcomes.push(await ingestOne(tx, deviceId, first));
      i++;
    }
  }
  await recordOutcomes(tx, { deviceId, mutations, outcomes });
  return outcomes;
}

/**
 * One mutation: 'applied' or 'duplicate', or throws MutationRejectedError (its work undone; the
 * transaction stays usable).
 */
export async function applyMutation(
  tx: TenantTx,
  options: { deviceId: string; mutation: Mutation },
): Promise<'applied' | 'duplicate'> {
  const [outcome] = await ingestMutations(tx, {
    deviceId: options.deviceId,
    mutations: [options.mutation],
  });
  if (!outcome) throw new Error('applyMutation: no outcome');
  if (outcome.status === 'rejected') throw new MutationRejectedError(outcome.code, outcome.message);
  return outcome.status;
}

/**
 * Create the month partitions a batch's sales need, in a short transaction of its own, BEFORE
 * the caller opens the tenant transaction that ingests the batch. Creating a partition inside
 * concurrent ingest transactions (two tills pushing last month's offline sales at once)
 * deadlocked them; created here, under the exclusive sales DDL lock (sales-ddl-lock.ts), it
 * waits for the ingest transactions in flight instead. The caller then passes
 * `partitionsPrepared` so ingest does not check again. Months that already exist cost one
 * catalog lookup and no lock. Sales outside the accepted window are left to ingest, which
 * rejects them.
 */
export async function prepareSalesPartitions(
  pool: pg.Pool,
  mutations: readonly Mutation[],
  now: Date = new Date(),
): Promise<void> {
  const months = new Set<string>();
  for (const m of mutations) {
    if (m.type !== 'sale.recorded') continue;
    const at = new Date(m.payload.occurredAt);
    const age = now.getTime() - at.getTime();
    if (age > MAX_AGE_MS || -age > MAX_FUTURE_MS) continue;
    months.add(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString());
  }
  const missing = await missingSalesPartitionMonths(pgQueryable(pool), [...months]);
  if (missing.length === 0) return;
  const wanted = textArray(missing);
  await withSalesDdlLock(pool, (client) =>
    client.query('SELECT retail.ensure_sales_partitions_for($1::timestamptz[])', [wanted]),
  );
}
