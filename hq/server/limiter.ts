/**
 * Admission control for pushes: a small FIFO semaphore that refuses instead of queueing without
 * bound. `max` push transactions run at once, `maxQueued` wait; beyond that the till is told
 * HQ is `overloaded` (503, Retry-After 1) and retries later, its sales safe in its queue.
 */
import { HqError } from '../services/errors';

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export function limiter(max: number, maxQueued: number): Limiter {
  if (!Number.isSafeInteger(max) || max < 1 || !Number.isSafeInteger(maxQueued) || maxQueued < 0) {
    throw new RangeError(
      `Push limits: at least 1 at once and 0 or more waiting (got ${max} and ${maxQueued})`,
    );
  }
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) {
      if (queue.length >= maxQueued) {
        throw new HqError('overloaded', 'HQ is busy; try again shortly', { retryAfterS: 1 });
      }
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      active += 1;
    }
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
