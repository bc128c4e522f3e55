/**
 * Retry delays after a failed sync round: exponential from 1 s doubling to 32 s (as Electric
 * does), with "equal jitter" (half fixed, half random) so a fleet of tills coming back after
 * an HQ outage does not knock all at once. A server's Retry-After wins when it is given.
 * Randomness is injected so tests are deterministic.
 */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 1_000;
    this.maxMs = options.maxMs ?? 32_000;
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(retryAfterMs?: number): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    if (retryAfterMs !== undefined) return Math.max(0, Math.min(retryAfterMs, 10 * this.maxMs));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
