/**
 * Stock movements into HQ (of sales, sale-write.ts, and of stock adjustments,
 * ingest-other.ts): one INSERT for the run, then the stock levels and alerts they move
 * (derived.ts), in the caller's transaction. Contract: runs inside withTenant.
 */
import type { TenantTx } from './tenant';
import { insertSelect } from './insert-select';
import { intArray, textArray } from './pg-arrays';
import { applyStockMovements } from './derived';

export interface MovementRow {
  movementId: string;
  productId: string;
  quantityDelta: number;
  reason: string;
  transactionId: string | null;
  note: string | null;
  occurredAt: string;
  mutationId: number;
}

export async function insertMovements(
  tx: TenantTx,
  deviceId: string,
  movements: readonly MovementRow[],
): Promise<number> {
  if (movements.length === 0) return 0;
  const written = await insertSelect(
    tx,
    `INSERT INTO retail.stock_movements
       (store_id, movement_id, product_id, quantity_delta, reason, transaction_id, note,
        occurred_at, device_id, mutation_id)
     SELECT $1, u.mid, u.pid, u.delta, u.reason, u.tid, u.note, u.at, $2, u.mut
       FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::uuid[], $8::text[],
                   $9::timestamptz[], $10::bigint[])
            AS u(mid, pid, delta, reason, tid, note, at, mut)`,
    [
      tx.storeId,
      deviceId,
      textArray(movements.map((m) => m.movementId)),
      textArray(movements.map((m) => m.productId)),
      intArray(movements.map((m) => m.quantityDelta)),
      textArray(movements.map((m) => m.reason)),
      textArray(movements.map((m) => m.transactionId)),
      textArray(movements.map((m) => m.note)),
      textArray(movements.map((m) => m.occurredAt)),
      intArray(movements.map((m) => m.mutationId)),
    ],
  );
  await applyStockMovements(tx, movements);
  return written;
}
