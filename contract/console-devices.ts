/**
 * HQ console contract for the tills' sync health (issue 14, item 4). The list is the admin
 * API's DeviceSyncState per till, limited to the stores the user sees, with HQ's clock so the
 * page measures silence against HQ's time, not the browser's.
 */
import { z } from 'zod';
import { DeviceSyncState } from './admin-protocol';
import { StoreId } from './mutations';

/** GET /console/api/devices: one store, or every store the user sees. */
export const ConsoleDeviceQuery = z.object({ storeId: StoreId.optional() });

export const ConsoleDeviceList = z.object({
  devices: z.array(DeviceSyncState),
  /** HQ's time when it answered (ISO 8601). */
  now: z.iso.datetime({ offset: true }),
});
export type ConsoleDeviceList = z.infer<typeof ConsoleDeviceList>;

/** Alert for a till not heard from for longer than this many minutes (1 minute to 7 days). */
export const SilentThreshold = z.coerce
  .number('Enter a number of minutes')
  .int('Enter whole minutes')
  .min(1, 'Use at least 1 minute')
  .max(10_080, 'Use at most 10,080 minutes (7 days)');
export const DEFAULT_SILENT_MINUTES = 15;
