/**
 * Pull (sync protocol, wire.ts): HQ sends a till the changes of its store, in commit order, one
 * page at a time, waiting (long poll) when there is none.
 */
import { z } from 'zod';
import { Changes, Deletes, MAX_PAGE_ROWS } from './changes';
import { Cursor } from './cursor';

/** Longest a pull may wait for new changes (long poll). */
export const MAX_PULL_WAIT_MS = 30_000;

export const PullRequest = z.object({
  cursor: Cursor,
  /** Most change-log entries per page (a single huge HQ transaction may exceed it). */
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
  /** Long poll: wait up to this long for a change when there is none now. */
  waitMs: z.number().int().min(0).max(MAX_PULL_WAIT_MS).optional(),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const PullPage = z.object({
  /** Apply `changes` and `deletes`, then store this cursor, in ONE local transaction. */
  cursor: Cursor,
  changes: Changes,
  deletes: Deletes,
  /**
   * This device's mutations up to this ID are included in the stock levels the till holds
   * once the page is applied (null: no news). Local movements above it still count.
   */
  stockAck: z.number().int().nonnegative().nullable(),
  /** Change-log entries this page covered. */
  entries: z.number().int().nonnegative(),
  /** More entries are ready now: pull again at once. */
  more: z.boolean(),
});
export type PullPage = z.infer<typeof PullPage>;
