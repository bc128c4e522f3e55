/**
 * The till's sync runtime (browser-safe). Node callers with an EdgeStore use
 * till/sync.ts `startTillSync`, which wires journal compaction and maintenance.
 */
export { SyncClient, createSyncClient } from './sync-client';
export { validateHqUrl } from './enrollment';
export type { SyncClientOptions, SyncStatus } from './sync-client';
export type { SyncHooks, SyncTuning } from './context';
export type { RejectedView } from './local';
export { SyncError } from './http';
export { Backoff } from './backoff';
