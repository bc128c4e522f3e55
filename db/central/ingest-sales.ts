/**
 * Sales into HQ, set-based: a run of consecutive sale.recorded mutations is checked with one
 * query and written with one INSERT per table (unnest of typed arrays), so a 1,000-sale batch
 * costs a handful of round trips (sale-write.ts). The daily rollup, stock levels and alerts
 * follow in the same transaction, one statement each (derived.ts).
 *
 * Contract: runs inside withTenant (tx.storeId is the tenant key). Returns one outcome per sale
 * in input order: applied (with the exceptions raised around it, sale-checks.ts), duplicate
 * (this store already has the transaction ID: acknowledged without effect) or rejected with a
 * code (not authentic, or a row the database refuses: kept whole in the quarantine). Only
 * transient errors throw.
 */
import type { SaleRecorded } from '../../contract/mutations';
import type { TenantTx } from './tenant';
import { MutationRejectedError, RejectionCode, isPermanentDataError } from './rejections';
import type { MutationOutcome } from './ingest-types';
import { withSavepoint } from './ingest-types';
import { SalesPartitionsMissingError, missingSalesPartitionMonths } from './partitions';
import { screenSales, type AcceptedSale } from './sale-checks';
import type { SaleMutation } from './sale-shape';
import { addMissingRegisters } from './registers';
import { writeSales } from './sale-write';
import { linkReturnsElsewhere } from './returns-elsewhere';

function monthsOf(sales: ReadonlyArray<{ sale: SaleRecorded }>): string[] {
  const months = new Set<string>();
  for (const { sale } of sales) {
    const d = new Date(sale.occurredAt);
    months.add(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString());
  }
  return [...months];
}

/** Apply a run of consecutive sale.recorded mutations; one outcome per input, in order. */
export async function ingestSales(
  tx: TenantTx,
  deviceId: string,
  mutations: readonly SaleMutation[],
  options: { partitionsPrepared?: boolean } = {},
): Promise<MutationOutcome[]> {
  const outcomes: Array<MutationOutcome | undefined> = mutations.map(() => undefined);
  const rejectAt = (index: number, error: MutationRejectedError): void => {
    outcomes[index] = {
      mutationId: mutations[index]?.mutationId ?? 0,
      status: 'rejected',
      code: error.code,
      message: error.message,
    };
  };

  // 1-3. Which sales are accepted (sale-checks.ts); the others have their outcome now.
  const toWrite = await screenSales(tx, {
    mutations,
    decide: (index, outcome) => {
      outcomes[index] = outcome;
    },
  });

  if (toWrite.length > 0) {
    // 4. Month partitions for late or future-dated sales exist (rare: usually all do). They
    //    are created before the transaction (prepareSalesPartitions), never in it. Then the
    //    registers HQ lacks.
    if (!options.partitionsPrepared) {
      const missing = await missingSalesPartitionMonths(tx, monthsOf(toWrite));
      if (missing.length > 0) throw new SalesPartitionsMissingError(missing);
    }
    const added = await addMissingRegisters(
      tx,
      toWrite.filter((a) => a.newRegister).map((a) => a.sale.registerId),
    );
    for (const e of added) {
      toWrite.find((a) => a.sale.registerId === e.entityId)?.exceptions.push(e);
    }
    const outcomeOf = (a: AcceptedSale, written: Set<string>): MutationOutcome =>
      written.has(a.sale.transactionId)
        ? {
            mutationId: a.mutationId,
            status: 'applied',
            ...(a.exceptions.length > 0 ? { exceptions: a.exceptions } : {}),
          }
        : { mutationId: a.mutationId, status: 'duplicate' };
    // 5. Everything in one go; if the database refuses a row, find which sale it was.
    let written: Set<string> | undefined;
    try {
      written = await withSavepoint(tx, () => writeSales(tx, deviceId, toWrite));
    } catch (error) {
      if (!isPermanentDataError(error)) throw error;
    }
    for (const a of toWrite) {
      if (written) {
        outcomes[a.index] = outcomeOf(a, written);
        continue;
      }
      try {
        const one = await withSavepoint(tx, () => writeSales(tx, deviceId, [a]));
        outcomes[a.index] = outcomeOf(a, one);
      } catch (error) {
        if (!isPermanentDataError(error)) throw error;
        rejectAt(
          a.index,
          new MutationRejectedError(
            RejectionCode.constraintViolation,
            `Sale ${a.sale.transactionId} was refused: ${error.message}`,
            { cause: error },
          ),
        );
      }
    }
  }

  // 6. Returns of another store's receipts tell that store (returns-elsewhere.ts).
  const elsewhere = toWrite.flatMap((a) =>
    a.originStoreId !== undefined && outcomes[a.index]?.status === 'applied'
      ? [{ sale: a.sale, originStoreId: a.originStoreId }]
      : [],
  );
  if (elsewhere.length > 0) await linkReturnsElsewhere(tx, elsewhere, new Date());

  return outcomes.map((o, index) => {
    if (!o) throw new Error(`ingestSales: no outcome for mutation at ${index}`);
    return o;
  });
}
