/**
 * Sync as the screens see it: the status on request, and "sync now". The status is also pushed
 * to the screens whenever it changes (../host.ts `forwardEvents`); screens do not poll.
 */
import type { SyncView } from '../../contract/till-api';
import { define } from './define';

export const syncHandlers = {
  syncStatus: define({
    staff: 'none',
    run: ({ host }): Promise<SyncView> => host.sync.status(),
  }),

  syncNow: define({
    staff: 'none',
    run: async ({ host }): Promise<SyncView> => {
      await host.sync.syncNow();
      return host.sync.status();
    },
  }),
};
