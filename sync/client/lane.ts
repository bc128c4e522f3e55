/**
 * The sync client's one exclusive lane: network rounds run one after the other, never two at
 * once (a push racing a pull or a download would reorder what HQ and the till see). A round
 * that fails does not block the ones queued behind it. Browser-safe.
 */
export class Lane {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly onBusy: (busy: boolean) => void;
  /** Rounds in flight (the "never two at once" invariant is checked by tests). */
  active = 0;
  maxActive = 0;

  /** `onBusy` is told when a round that is not `quiet` starts and ends. */
  constructor(onBusy: (busy: boolean) => void) {
    this.onBusy = onBusy;
  }

  run<T>(fn: () => Promise<T>, options: { quiet?: boolean } = {}): Promise<T> {
    const run = this.tail.then(async () => {
      this.active += 1;
      this.maxActive = Math.max(this.maxActive, this.active);
      if (!options.quiet) this.onBusy(true);
      try {
        return await fn();
      } finally {
        this.active -= 1;
        if (!options.quiet) this.onBusy(false);
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the rounds queued so far have ended (however they ended). */
  async settled(): Promise<void> {
    await this.tail.catch(() => undefined);
  }
}
