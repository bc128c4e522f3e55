/**
 * The sync port of a till that has no HQ connection configured (a demo store seeded locally):
 * it reports the real local queue (pending sales stay in the outbox) and says plainly that
 * nothing is being sent anywhere.
 */
import type { Queryable } from '../../db/queryable';
import { InvalidStateError } from '../../db/errors';
import { readLocalSyncView, type SyncPort, type SyncView } from './sync-port';

export function standaloneSyncPort(db: Queryable, reason: string): SyncPort {
  return {
    isOnline: () => false,
    status: async (): Promise<SyncView> => ({
      ...(await readLocalSyncView(db)),
      enrolled: false,
      online: false,
      syncing: false,
      progress: null,
      lastError: reason,
    }),
    syncNow: () => Promise.resolve(),
    enroll: () => Promise.reject(new InvalidStateError(reason)),
    close: () => Promise.resolve(),
  };
}
