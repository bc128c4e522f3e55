/**
 * The position of a till in HQ's change feed (sync protocol, wire.ts): what pull continues from,
 * what a snapshot ends at, and what catalog checksums describe.
 */
import { z } from 'zod';

/** Largest PostgreSQL xid8 (a 64-bit unsigned transaction ID). */
const MAX_XID8 = 18_446_744_073_709_551_615n;
/** A transaction ID as decimal text that fits xid8. */
export function isXid8Text(text: string): boolean {
  return /^[0-9]{1,20}$/.test(text) && BigInt(text) <= MAX_XID8;
}

/**
 * Opaque to the till. HQ issues `c1.<feed epoch>.0.<store change number>`; HQs before the
 * per-store feed issued `c1.<feed epoch>.<transaction ID>.<seq>`, which HQ now answers with
 * resync_required once. The shape is the same, so tills of either version accept both. Holds
 * no store.
 */
export const Cursor = z
  .string()
  // Epoch a UUID, third field 0 or an old transaction ID (within xid8), change number a safe
  // integer: a cursor the schema accepts is one HQ can answer (position, legacy) without a
  // failed cast or a lost digit.
  .regex(
    /^c1\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[0-9]{1,20}\.[0-9]{1,16}$/,
  )
  .refine((cursor) => {
    const [, , txid = '', seq = ''] = cursor.split('.');
    return isXid8Text(txid) && Number.isSafeInteger(Number(seq));
  }, 'cursor out of range');
export type Cursor = z.infer<typeof Cursor>;
