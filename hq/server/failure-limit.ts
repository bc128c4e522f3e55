/**
 * Failed authentication and enrollment attempts, counted per client address with
 * @fastify/rate-limit's store (createRateLimit), so a guesser is refused with 429 before HQ
 * does any work for it: the count is read (not bumped) first, and bumped only when an attempt
 * fails. A device or administrator that authenticates is never counted.
 *
 * The address is the socket's (fastify's request.ip; no proxy is trusted). Every browser till
 * behind one `npm run web` relay shares the relay's address: a till that keeps failing there
 * slows the others at that relay only, and only for the window.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HqError } from '../services/errors';

export interface FailureLimitOptions {
  /** Failed attempts allowed per address within the window. */
  max: number;
  windowMs: number;
}

export interface FailureLimit {
  /** Throws 429 rate_limited when this address has used up its failed attempts. */
  refuseIfExhausted(request: FastifyRequest): Promise<void>;
  /** Counts one failed attempt of this address. */
  recordFailure(request: FastifyRequest): Promise<void>;
}

export const DEFAULT_AUTH_FAILURES: FailureLimitOptions = { max: 30, windowMs: 60_000 };
export const DEFAULT_ENROLL_FAILURES: FailureLimitOptions = { max: 10, windowMs: 10 * 60_000 };

/** The plugin's options: it limits no route by itself, only through failureLimit. */
export const rateLimitPlugin = [rateLimit, { global: false }] as const;

/** A counter of failed attempts of one kind (`name` keeps kinds apart in the shared store). */
export function failureLimit(
  fastify: Pick<FastifyInstance, 'createRateLimit'>,
  name: string,
  options: FailureLimitOptions,
): FailureLimit {
  const check = fastify.createRateLimit({
    max: options.max,
    timeWindow: options.windowMs,
    keyGenerator: (request) => `${name}:${request.ip}`,
  });
  return {
    async refuseIfExhausted(request) {
      const state = await check(request, { increment: false });
      if (!state.isAllowed && state.remaining <= 0) {
        throw new HqError(
          'rate_limited',
          `Too many failed attempts from this address; try again in ${state.ttlInSeconds} s`,
          { retryAfterS: Math.max(1, state.ttlInSeconds) },
        );
      }
    },
    async recordFailure(request) {
      await check(request);
    },
  };
}
