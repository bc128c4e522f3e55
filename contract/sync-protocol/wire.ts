/**
 * The sync protocol between a till and the HQ sync service lives in this folder, one module per
 * exchange: enrollment.ts (enroll, rebase), push.ts (till -> HQ, exactly once), pull.ts (HQ ->
 * till, in commit order), snapshot.ts (a full download), changes.ts (the rows both carry),
 * cursor.ts, checksums.ts (catalog integrity) and receipt-lookup.ts (returns at any register).
 * These schemas ARE the contract: the server validates every request body with them, the
 * client validates every response, and the types on both sides are derived from them (never
 * written twice).
 *
 * Wire rules (docs/sync-protocol.md explains why each holds):
 * - Every device request carries `x-edgepos-protocol: <n>`; HQ answers 426 upgrade_required to
 *   a client older than MIN_PROTOCOL_VERSION.
 * - Success bodies are `{ ok: true, data }`, failures `{ ok: false, error: { kind, message } }`
 *   with an HTTP status that says whether to retry (5xx, 429 and network errors) or not.
 * - The device's store is never in a path, body or cursor: HQ takes it from the credential.
 * - Amounts are integer cents; mutation IDs count 1, 2, 3... per device.
 *
 * Browser-safe: no `node:` imports here or in sync/client (the web POS runs the client in a
 * Web Worker).
 *
 * This module: what every exchange carries — the protocol version, the headers, and the
 * success and error envelopes with the error kinds.
 */
import { z } from 'zod';
import { MAX_INT4 } from '../mutations';

/** Bumped when a change would break an older peer. */
export const PROTOCOL_VERSION = 1;
/** Oldest client HQ still serves; older ones get 426 upgrade_required. */
export const MIN_PROTOCOL_VERSION = 1;

export const Headers = {
  protocol: 'x-edgepos-protocol',
  /** The till's count of unacknowledged local changes (shown in HQ administration). */
  pending: 'x-edgepos-pending',
  /** The till app's version (APP_VERSION), shown to HQ staff with each till's sync health. */
  app: 'x-edgepos-app',
} as const;

/**
 * The version of this code base's till app, sent with every request (x-edgepos-app). Kept equal
 * to package.json's version (test/sync/app-version.test.ts checks it).
 */
export const APP_VERSION = '0.1.0';

/** The x-edgepos-app header: a version like 0.1.0 or 1.2.3-beta.1. Malformed is a 400. */
export const AppVersionHeader = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,39}$/, 'x-edgepos-app must be a version like 1.2.3');

/**
 * The x-edgepos-pending header: a till's count of unacknowledged changes, digits only, at most
 * what HQ's integer column holds (the till caps what it sends). Missing is fine; malformed is
 * a 400.
 */
export const PendingHeader = z
  .string()
  .regex(/^[0-9]{1,10}$/, 'x-edgepos-pending must be a whole number of changes')
  .transform(Number)
  .pipe(z.number().max(MAX_INT4, `x-edgepos-pending must be at most ${MAX_INT4}`));
export const MAX_PENDING_HEADER = MAX_INT4;

// ---------------------------------------------------------------------------------------
// Envelopes and errors
// ---------------------------------------------------------------------------------------

export const SyncErrorKind = z.enum([
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'upgrade_required',
  'protocol_too_new',
  /** A push starts after HQ's last mutation ID + 1 (HQ lost mutations, e.g. a restore). */
  'gap',
  /** A replayed mutation ID carries other content: the till's counter went backwards. */
  'mutation_id_conflict',
  /** The cursor cannot be continued (expired, reset feed, or unknown): download a snapshot. */
  'resync_required',
  'payload_too_large',
  /** HQ is busy; retry after Retry-After. */
  'overloaded',
  /** Too many failed authentication or enrollment attempts from this address (429). */
  'rate_limited',
  'unavailable',
  'internal',
]);
export type SyncErrorKind = z.infer<typeof SyncErrorKind>;

export const ErrorBody = z.object({
  ok: z.literal(false),
  error: z.object({
    kind: SyncErrorKind,
    message: z.string(),
    /** gap / mutation_id_conflict: HQ's last applied mutation ID for this device. */
    lastMutationId: z.number().int().nonnegative().optional(),
    /** mutation_id_conflict: the first ID whose content differs from what HQ applied. */
    firstConflictingId: z.number().int().positive().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function okBody<T extends z.ZodType>(data: T) {
  return z.object({ ok: z.literal(true), data });
}
