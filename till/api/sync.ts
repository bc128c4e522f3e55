/**
 * Sync as the screens see it: the status on request, and "sync now". The status is also pushed
 * to the screens whenever it changes (../host.ts `forwardEvents`); screens do not poll.
 */
import type { TillException } from '../../contract/exceptions';
import type { SyncView } from '../../contract/till-api/sync';
import { define } from './define';

export const syncHandlers = {
  syncStatus: define({
    staff: 'none',
    run: ({ host }): Promise<SyncView> => host.sync.status(),
  }),

  /** What HQ noticed about this till's sales, in structured form (the panel words it). */
  syncExceptions: define({
    staff: 'none',
    run: ({ host }): Promise<TillException[]> => host.sync.exceptions(),
  }),

  syncNow: define({
    staff: 'none',
    run: async ({ host }): Promise<SyncView> => {
      await host.sync.syncNow();
      return host.sync.status();
    },
  }),
};
