/**
 * The till API's sync area (till/api/sync.ts): the till's sync status, answered by
 * `syncStatus`/`syncNow` and pushed to the screens as an event (events.ts).
 */
import { z } from 'zod';

/** A mutation HQ refused, with HQ's reason, as the sync details panel lists it. */
export const RejectedMutation = z.object({
  mutationId: z.number().int(),
  mutationType: z.string(),
  /** What the mutation was about (receipt number of a sale, shift, customer...). */
  subject: z.string(),
  code: z.string(),
  message: z.string(),
  receivedAt: z.string(),
});
export type RejectedMutation = z.infer<typeof RejectedMutation>;

/** Catalog download progress (first sync or resync). */
export const DownloadProgress = z.object({
  stage: z.string(),
  done: z.number(),
  total: z.number(),
});
export type DownloadProgress = z.infer<typeof DownloadProgress>;

/**
 * The last catalog integrity check (issue 11, item 7): the till's catalog compared with HQ's
 * by per-table checksums. `match`: equal; `healed`: a difference was found and the catalog
 * downloaded afresh, now equal; `differs`: still different after that download (HQ's staff
 * should look; the till sells on and checks again later).
 */
export const CatalogIntegrity = z.object({
  checkedAt: z.string(),
  result: z.enum(['match', 'healed', 'differs']),
  /** Catalog tables that differed (products, stock_levels, ...); empty on a match. */
  differing: z.array(z.string()),
});
export type CatalogIntegrity = z.infer<typeof CatalogIntegrity>;

/**
 * The till's sync status as the status bar, the sync panel and the download screen see it. The
 * sync client (sync/client) publishes exactly this shape; the host pushes it to every connected
 * screen whenever it changes (`TillEvent`, events.ts).
 */
export const SyncView = z.object({
  enrolled: z.boolean(),
  hqUrl: z.string().nullable(),
  storeId: z.string().nullable(),
  registerId: z.string().nullable(),
  deviceId: z.string().nullable(),
  /** HQ answered the last attempt. */
  online: z.boolean(),
  /** A round (push, pull or download) is running now. */
  syncing: z.boolean(),
  /** Local changes HQ has not acknowledged yet, and the sales among them. */
  pendingCount: z.number().int(),
  pendingSales: z.number().int(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Mutations HQ refused, newest first, with HQ's reason. */
  rejected: z.array(RejectedMutation),
  /** Catalog download progress (first sync or resync); null when none is running. */
  progress: DownloadProgress.nullable(),
  /** The till can sell: it has a catalog (a first download finished). */
  ready: z.boolean(),
  /** The last catalog integrity check; null before the first one. */
  integrity: CatalogIntegrity.nullable().optional(),
});
export type SyncView = z.infer<typeof SyncView>;
