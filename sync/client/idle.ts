/**
 * How the sync client waits between rounds: a long poll for HQ's next change, or a plain sleep
 * (backoff after a failure, a minute while not enrolled). `wake()` ends either at once: a sale
 * was recorded, the network is back, or the client stops. Browser-safe: timers only.
 */
export class Idle {
  private wakeSleeper: (() => void) | undefined;
  private poll: AbortController | undefined;

  /** A long poll is waiting for HQ now. */
  get polling(): boolean {
    return this.poll !== undefined;
  }

  wake(): void {
    this.poll?.abort();
    const wake = this.wakeSleeper;
    this.wakeSleeper = undefined;
    wake?.();
  }

  /** End a long poll in flight (a round of our own wants the lane). */
  abortPoll(): void {
    this.poll?.abort();
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleeper = done;
    });
  }

  /**
   * Run a long poll that `wake()` / `abortPoll()` may end. Resolves true when it answered,
   * false when it was ended; any other failure is raised.
   */
  async longPoll(run: (signal: AbortSignal) => Promise<unknown>): Promise<boolean> {
    const abort = new AbortController();
    this.poll = abort;
    try {
      await run(abort.signal);
      return true;
    } catch (error) {
      if (!abort.signal.aborted) throw error;
      return false;
    } finally {
      this.poll = undefined;
    }
  }
}
