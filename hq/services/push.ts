/**
 * Push: a device's mutations into HQ, exactly once.
 *
 * One database transaction per request, as edgepos_app with the device's store as tenant key:
 *   0. take the sales DDL lock shared, so no partition is created or dropped mid-push
 *      (db/central/sales-ddl-lock.ts);
 *   1. verify the credential and lock the device row (verifyDevice's UPDATE);
 *   2. IDs at or below the device's last applied ID are replays: each must carry the content
 *      HQ logged for that ID (SHA-256 of its canonical JSON). Same -> answered with the
 *      original result, no effect. Different -> 409 mutation_id_conflict: the till's counter
 *      went backwards and this is a NEW change that must not be dropped as "already applied";
 *   3. the first new ID must be last + 1, else 409 gap (nothing is applied);
 *   4. new mutations go through HQ's ingest path (db/central/ingest.ts) in order; a business
 *      rule violation becomes a `rejected` result that still advances the counter;
 *   5. the mutation log, the device's last applied ID and a `device_ack` change-feed entry
 *      (so the till learns which of its stock movements HQ's stock levels now include) are
 *      written in the same transaction; the feed entries (stock levels, customers, the ack)
 *      are appended as its last statement, under the store's feed lock (feed-log.ts).
 * Commit makes all of it visible at once; a crash before commit leaves none of it, and the
 * till's retry is then new again. A retry after commit is a replay (step 2).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  ingestMutations,
  prepareSalesPartitions,
  type MutationOutcome,
} from '../../db/central/ingest';
import { insertSelect } from '../../db/central/insert-select';
import { intArray, textArray } from '../../db/central/pg-arrays';
import { lockForSalesIngest } from '../../db/central/sales-ddl-lock';
import { withTenant } from '../../db/central/tenant';
import type { Logger } from '../../db/logger';
import type { Mutation } from '../../contract/mutations';
import type { MutationResult, PushResult } from '../../contract/sync-protocol/push';
import type { DeviceCredential } from './credentials';
import { advanceMutationCounter, recordCounterConflict } from './devices/sync-state';
import { verifyDevice, type TillVersion } from './devices/verify';
import { HqError, badRequest, conflict } from './errors';
import { isRetryableConflict, sqlState } from '../../db/pg-errors';

/**
 * The content hash of a mutation as HQ read it: SHA-256 of its JSON after validation by the
 * protocol schema. Validation rebuilds every object with the schema's fields in the schema's
 * order (unknown fields dropped), so the same content always gives the same text whatever
 * key order or extra fields the till sent. (A schema change that alters what a field reads
 * as would make old IDs look different on replay: the till then continues as a new device,
 * which loses nothing.)
 */
export function mutationHash(m: Mutation): string {
  return createHash('sha256')
    .update(JSON.stringify([m.type, m.payload]))
    .digest('hex');
}

interface LoggedRow {
  mutation_id: number;
  payload_hash: string;
  status: 'applied' | 'duplicate' | 'rejected';
  code: string | null;
  message: string | null;
}

function loggedResult(row: LoggedRow): MutationResult {
  const mutationId = Number(row.mutation_id);
  return row.status === 'rejected'
    ? { mutationId, status: 'rejected', code: row.code ?? 'rejected', message: row.message ?? '' }
    : { mutationId, status: row.status };
}

function outcomeResult(o: MutationOutcome): MutationResult {
  if (o.status === 'rejected') {
    return { mutationId: o.mutationId, status: 'rejected', code: o.code, message: o.message };
  }
  const exceptions = (o.exceptions ?? []).map((e) => ({ kind: e.kind, message: e.reason }));
  return {
    mutationId: o.mutationId,
    status: o.status,
    ...(exceptions.length > 0 ? { exceptions } : {}),
  };
}

export async function pushMutations(
  app: pg.Pool,
  options: {
    credential: DeviceCredential;
    mutations: readonly Mutation[];
    pending?: number | undefined;
    version?: TillVersion | undefined;
    logger: Logger;
  },
): Promise<PushResult> {
  const { credential, mutations } = options;
  for (let i = 1; i < mutations.length; i++) {
    if (mutations[i]!.mutationId !== mutations[i - 1]!.mutationId + 1) {
      throw badRequest('A push must carry consecutive mutation IDs in ascending order');
    }
  }
  const hashes = mutations.map(mutationHash);
  for (let attempt = 1; ; attempt++) {
    try {
      await prepareSalesPartitions(app, mutations);
      return await withTenant(app, credential.storeId, (tx) =>
        applyPush(tx, credential, mutations, hashes, {
          pending: options.pending,
          version: options.version,
        }),
      );
    } catch (error) {
      if (error instanceof HqError && error.kind === 'mutation_id_conflict') {
        await recordCounterConflict(
          app,
          credential,
          error.details.firstConflictingId ?? mutations[0]!.mutationId,
        );
      }
      if (isRetryableConflict(error) && attempt < 4) {
        const code = sqlState(error);
        options.logger.warn({ code, attempt }, 'push transaction conflicted; retrying');
        continue;
      }
      throw error;
    }
  }
}

async function applyPush(
  tx: Parameters<Parameters<typeof withTenant>[2]>[0],
  credential: DeviceCredential,
  mutations: readonly Mutation[],
  hashes: readonly string[],
  report: { pending: number | undefined; version: TillVersion | undefined },
): Promise<PushResult> {
  await lockForSalesIngest(tx);
  const device = await verifyDevice(tx, credential, { ...report, touch: 'push' });
  if (device.supersededBy !== null) {
    throw conflict(
      `This till continues as device ${device.supersededBy}; finish switching to its credential`,
    );
  }
  const last = device.lastMutationId;
  const replayed = mutations.filter((m) => m.mutationId <= last);
  const fresh = mutations.filter((m) => m.mutationId > last);
  const first = fresh[0];
  if (first && first.mutationId !== last + 1) {
    throw new HqError(
      'gap',
      `HQ has applied this till's mutations up to ${last}; the push starts at ${first.mutationId}. Send from ${last + 1}.`,
      { details: { lastMutationId: last } },
    );
  }

  const results: MutationResult[] = [];
  if (replayed.length > 0) {
    const { rows } = await tx.query<LoggedRow>(
      `SELECT mutation_id, payload_hash, status, code, message FROM sync.mutation_log
        WHERE store_id = $1 AND device_id = $2 AND mutation_id = ANY($3::bigint[])`,
      [device.storeId, device.deviceId, replayed.map((m) => m.mutationId)],
    );
    const logged = new Map(rows.map((r) => [Number(r.mutation_id), r]));
    for (const [i, m] of replayed.entries()) {
      const row = logged.get(m.mutationId);
      if (row && row.payload_hash !== hashes[i]) {
        throw new HqError(
          'mutation_id_conflict',
          `Mutation ${m.mutationId} differs from the one HQ applied under that ID: this till's counter went backwards (a database restored without its journal?). Its new changes must continue as a new device.`,
          { details: { lastMutationId: last, firstConflictingId: m.mutationId } },
        );
      }
      // No row: an ID below a rebased device's starting point, acknowledged by the device it
      // continues (rebaseDevice); nothing to apply.
      results.push(row ? loggedResult(row) : { mutationId: m.mutationId, status: 'duplicate' });
    }
  }
  if (fresh.length === 0) return { lastMutationId: last, results };

  const outcomes = await ingestMutations(tx, {
    deviceId: device.deviceId,
    mutations: fresh,
    partitionsPrepared: true,
  });
  const freshHashes = hashes.slice(replayed.length);
  await insertSelect(
    tx,
    `INSERT INTO sync.mutation_log
       (store_id, device_id, mutation_id, mutation_type, payload_hash, status, code, message)
     SELECT $1, $2, u.id, u.type, u.hash, u.status, u.code, u.message
       FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
            AS u(id, type, hash, status, code, message)`,
    [
      device.storeId,
      device.deviceId,
      intArray(outcomes.map((o) => o.mutationId)),
      textArray(fresh.map((m) => m.type)),
      textArray(freshHashes),
      textArray(outcomes.map((o) => o.status)),
      textArray(outcomes.map((o) => (o.status === 'rejected' ? o.code : null))),
      textArray(outcomes.map((o) => (o.status === 'rejected' ? o.message : null))),
    ],
  );
  const newLast = fresh[fresh.length - 1]!.mutationId;
  await advanceMutationCounter(tx, device, newLast);
  // Appended to the feed at commit with the stock-level changes of this push (withTenant).
  tx.changes.ack(device.deviceId, newLast);
  results.push(...outcomes.map(outcomeResult));
  return { lastMutationId: newLast, results };
}
