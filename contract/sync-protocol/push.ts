/**
 * Push (sync protocol, wire.ts): the till sends its recorded mutations to HQ, exactly once, in
 * mutation ID order.
 */
import { z } from 'zod';
import { MutationException } from '../exceptions';
import { Mutation } from '../mutations';

/** Most mutations one push may carry; the client also splits by bytes. */
export const MAX_PUSH_MUTATIONS = 1_000;

export const PushRequest = z.object({
  /** Consecutive mutation IDs, ascending. */
  mutations: z.array(Mutation).min(1).max(MAX_PUSH_MUTATIONS),
});
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * What HQ found wrong around a fact it recorded (a customer email another record has, a
 * receipt number issued twice...): the fact is recorded, a person at HQ works the exception.
 */
const Exceptions = z.array(MutationException).max(50).optional();

export const MutationResult = z.discriminatedUnion('status', [
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('applied'),
    exceptions: Exceptions,
  }),
  /** HQ already had its effect (same sale, shift, customer...): acknowledged, no change. */
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('duplicate'),
    exceptions: Exceptions,
  }),
  /**
   * HQ could not record it (not authentic: arithmetic that does not add up, a time outside
   * what HQ keeps; or a reference it cannot do without, like a void of a sale HQ does not
   * hold). Kept whole in HQ's quarantine for staff to re-apply; the counter moved on. Shown at
   * the till with its reason.
   */
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('rejected'),
    code: z.string().min(1).max(100),
    message: z.string().max(2_000),
  }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResult = z.object({
  /** HQ's last applied mutation ID for this device after this request. */
  lastMutationId: z.number().int().nonnegative(),
  /**
   * One result per mutation sent, in order. A mutation HQ had applied before (a retry after a
   * lost acknowledgement) gets its original result again, rejections included.
   */
  results: z.array(MutationResult),
});
export type PushResult = z.infer<typeof PushResult>;
