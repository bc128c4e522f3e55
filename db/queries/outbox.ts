/**
 * The outbox and the till's monotonic counters.
 *
 * Contract: `nextCounter` must run inside the transaction that uses the value, so a rolled-back
 * sale gives its number back and a committed one can never be issued twice.
 */
import { Mutation, mutationEntityId, type NewMutation } from '../../contract/mutations';
import type { Counters } from '../edge/journal-types';
import type { Queryable } from '../queryable';

export type CounterName = keyof Counters;

export async function nextCounter(tx: Queryable, name: CounterName): Promise<number> {
  const { rows } = await tx.query<{ value: number }>(
    `UPDATE pos.counters SET value = value + 1 WHERE name = $1 RETURNING value`,
    [name],
  );
  const value = rows[0]?.value;
  if (value === undefined) throw new Error(`counter ${name} missing`);
  return Number(value);
}

export async function readCounters(db: Queryable): Promise<Counters> {
  const { rows } = await db.query<{ name: CounterName; value: number }>(
    `SELECT name, value FROM pos.counters`,
  );
  const counters: Counters = { mutation: 0, receipt: 0, z_report: 0 };
  for (const row of rows) counters[row.name] = Number(row.value);
  return counters;
}

/**
 * Raise counters to at least the given values and to what the data already uses, never lower.
 * Called at open after replay: the database may have lost the rows that used the last numbers.
 */
export async function raiseCounters(tx: Queryable, floor: Counters): Promise<Counters> {
  await tx.query(
    `UPDATE pos.counters c SET value = greatest(c.value, v.value)
       FROM (VALUES
         ('mutation', greatest($1::bigint, (SELECT coalesce(max(mutation_id), 0) FROM pos.outbox))),
         ('receipt',  greatest($2::bigint, (SELECT coalesce(max(receipt_seq), 0) FROM retail.sales_transactions
                                            WHERE register_id = (SELECT register_id FROM pos.identity)))),
         ('z_report', greatest($3::bigint, (SELECT coalesce(max(z_number), 0) FROM retail.z_reports
                                            WHERE register_id = (SELECT register_id FROM pos.identity))))
       ) AS v(name, value)
      WHERE c.name = v.name`,
    [floor.mutation, floor.receipt, floor.z_report],
  );
  return readCounters(tx);
}

export async function insertOutbox(tx: Queryable, mutation: Mutation): Promise<void> {
  await tx.query(
    `INSERT INTO pos.outbox (mutation_id, mutation_type, entity_id, payload) VALUES ($1, $2, $3, $4)`,
    [
      mutation.mutationId,
      mutation.type,
      mutationEntityId(mutation),
      JSON.stringify(mutation.payload),
    ],
  );
}

/**
 * Number the mutation (bump the 'mutation' counter) and insert its outbox row in one statement;
 * returns the new mutation ID. Same contract as nextCounter: call inside the transaction that
 * writes the mutation's rows.
 */
export async function appendToOutbox(
  tx: Queryable,
  mutation: Mutation | NewMutation,
): Promise<number> {
  const { rows } = await tx.query<{ mutation_id: number }>(
    `WITH c AS (UPDATE pos.counters SET value = value + 1 WHERE name = 'mutation' RETURNING value)
     INSERT INTO pos.outbox (mutation_id, mutation_type, entity_id, payload)
     SELECT c.value, $1, $2, $3 FROM c
     RETURNING mutation_id`,
    [mutation.type, mutationEntityId(mutation), JSON.stringify(mutation.payload)],
  );
  const id = rows[0]?.mutation_id;
  if (id === undefined) throw new Error('mutation counter missing');
  return Number(id);
}

export async function outboxHas(db: Queryable, mutationId: number): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM pos.outbox WHERE mutation_id = $1`, [mutationId]);
  return rows.length > 0;
}

/** Mutations HQ has not acknowledged yet, oldest first. */
export async function pendingMutations(db: Queryable, limit: number): Promise<Mutation[]> {
  const { rows } = await db.query<{ mutation_id: number; mutation_type: string; payload: unknown }>(
    `SELECT o.mutation_id, o.mutation_type, o.payload
       FROM pos.outbox o
      WHERE o.mutation_id > (SELECT last_acked_mutation_id FROM pos.sync_state)
      ORDER BY o.mutation_id
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) =>
    Mutation.parse({
      mutationId: Number(r.mutation_id),
      type: r.mutation_type,
      payload: r.payload,
    }),
  );
}

export async function pendingCount(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pos.outbox
      WHERE mutation_id > (SELECT last_acked_mutation_id FROM pos.sync_state)`,
  );
  return Number(rows[0]?.count ?? 0);
}

/** Record HQ's acknowledgement; never moves backwards. */
export async function markAcked(db: Queryable, lastMutationId: number): Promise<void> {
  await db.query(
    `UPDATE pos.sync_state
        SET last_acked_mutation_id = greatest(last_acked_mutation_id, $1), updated_at = now()`,
    [lastMutationId],
  );
}

/** Never lowers it: the journal's mark only ever restores what HQ acknowledged. */
export async function raiseLastAcked(tx: Queryable, acked: number): Promise<void> {
  if (acked <= 0) return;
  await tx.query(
    `UPDATE pos.sync_state SET last_acked_mutation_id = $1, updated_at = now()
      WHERE last_acked_mutation_id < $1`,
    [acked],
  );
}

export async function lastAcked(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT last_acked_mutation_id AS id FROM pos.sync_state`,
  );
  return Number(rows[0]?.id ?? 0);
}
