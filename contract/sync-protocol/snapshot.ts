/**
 * Snapshot (sync protocol, wire.ts): a full download of the store's catalog, for the first sync
 * of a new till or a resync, resumable page by page.
 */
import { z } from 'zod';
import { Changes, MAX_PAGE_ROWS } from './changes';
import { Cursor } from './cursor';

/** Opaque to the till; resumes the download where it stopped. */
export const SnapshotToken = z.string().min(1).max(1_000);

export const SnapshotRequest = z.object({
  /** null starts a new snapshot (its horizon is taken now). */
  token: SnapshotToken.nullable(),
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
});
export type SnapshotRequest = z.infer<typeof SnapshotRequest>;

export const SnapshotPage = z.object({
  /** Continue with this token; store it with the page in one local transaction. */
  token: SnapshotToken,
  changes: Changes,
  /** Rows in this page, rows done so far (including this page) and in total (estimate). */
  rows: z.number().int().nonnegative(),
  progress: z.object({
    stage: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** Last page: continue the change feed from `cursor`. */
  done: z.boolean(),
  cursor: Cursor.nullable(),
});
export type SnapshotPage = z.infer<typeof SnapshotPage>;
