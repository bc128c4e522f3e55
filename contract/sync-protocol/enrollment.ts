/**
 * Enrollment (sync protocol, wire.ts): a till exchanges a one-time enrollment code for a device
 * credential, and a till whose mutation counter went backwards continues as a new device
 * (rebase).
 */
import { z } from 'zod';
import { StoreEntity } from '../catalog';
import { RegisterId, StoreId, Uuid } from '../mutations';

/** `<storeId>.<deviceId>.<secret>`: the secret is 32 random bytes, base64url. */
export const DeviceToken = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,49}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/,
    'not a device credential',
  );
export type DeviceToken = z.infer<typeof DeviceToken>;

/** `<storeId>.XXXX-XXXX-XXXX-XXXX` (Crockford-like alphabet, no 0/O/1/I), case-insensitive. */
export const EnrollmentCode = z
  .string()
  .trim()
  .transform((s) => {
    const dot = s.lastIndexOf('.');
    return dot < 0 ? s : `${s.slice(0, dot).toLowerCase()}.${s.slice(dot + 1).toUpperCase()}`;
  })
  .pipe(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,49}\.[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/,
        'not an enrollment code (expected store.XXXX-XXXX-XXXX-XXXX)',
      ),
  );

/** A register's highest receipt sequence and Z number HQ holds. */
export const RegisterCounters = z.object({
  receiptSeq: z.number().int().nonnegative(),
  zNumber: z.number().int().nonnegative(),
});
export type RegisterCounters = z.infer<typeof RegisterCounters>;

/** A device secret: 32 random bytes, base64url (the third part of a DeviceToken). */
export const DeviceSecret = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a device secret');

export const EnrollRequest = z.object({
  code: EnrollmentCode,
  label: z.string().trim().min(1).max(100).optional(),
  /**
   * The device secret the till made up and stored before asking. HQ keeps only its hash, and
   * answers the same code with the same secret again with the same credential: a till that
   * lost the answer retries without burning the code. Without it HQ makes one up (older
   * tills), and such a request cannot be repeated.
   */
  secret: DeviceSecret.optional(),
});
export type EnrollRequest = z.input<typeof EnrollRequest>;

export const EnrollResult = z.object({
  deviceId: Uuid,
  storeId: StoreId,
  registerId: RegisterId,
  token: DeviceToken,
  /** The store row, so the till can set its identity before the first download. */
  store: StoreEntity,
  /**
   * The register's highest receipt sequence and Z number HQ already holds: a till that takes
   * over a register with history continues after them instead of reusing receipt numbers.
   */
  counters: RegisterCounters,
});
export type EnrollResult = z.infer<typeof EnrollResult>;

export const DeviceInfo = z.object({
  deviceId: Uuid,
  storeId: StoreId,
  registerId: RegisterId,
  lastMutationId: z.number().int().nonnegative(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/**
 * The till continues as a new device after its counter went backwards. The till makes up the
 * new ID and secret itself and stores them before asking, so a lost answer is simply retried
 * (HQ treats the same request again as done).
 */
export const RebaseRequest = z.object({
  newDeviceId: Uuid,
  newSecret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** The first mutation ID the new device will send; HQ starts its counter one below. */
  fromMutationId: z.number().int().positive(),
});
export type RebaseRequest = z.infer<typeof RebaseRequest>;

export const RebaseResult = z.object({
  deviceId: Uuid,
  token: DeviceToken,
  lastMutationId: z.number().int().nonnegative(),
  /** A restored till also lost receipt numbers HQ has seen: it continues after them. */
  counters: RegisterCounters,
});
export type RebaseResult = z.infer<typeof RebaseResult>;
