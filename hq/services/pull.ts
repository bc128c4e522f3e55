/**
 * Pull: the next page of a store's change feed for a device, waiting for changes (long poll)
 * when there are none yet.
 *
 *   1. verify the credential (tenant key = the credential's store) and record the device's
 *      cursor position, in one transaction;
 *   2. a device that continues as another (rebase) gets `conflict`; one an administrator asked
 *      to resync gets `resync_required` (it then downloads a snapshot);
 *   3. read one page in ONE snapshot transaction (feed.ts: the store's entries after the
 *      cursor, ending at a transaction boundary); a cursor the feed cannot continue ->
 *      resync_required;
 *   4. if the page is empty and the till asked to wait (`waitMs`), sleep until the store's feed
 *      grows (notify.ts), the wait ends or the till hangs up, then read again.
 * The subscription is taken BEFORE each read, so a commit between the read and the wait still
 * wakes it. Every step is safe to repeat: a till that loses the answer asks again with the same
 * cursor.
 */
import type pg from 'pg';
import { withTenant } from '../../db/central/tenant';
import type { Logger } from '../../db/logger';
import type { PullRequest } from '../../contract/sync-protocol/pull';
import type { DeviceCredential } from './credentials';
import { recordPullPosition } from './devices/sync-state';
import { verifyDevice, type TillVersion } from './devices/verify';
import { conflict, resyncRequired } from './errors';
import {
  DEFAULT_PAGE_ENTRIES,
  checkCursor,
  ensureFeedState,
  parseCursor,
  readFeedPage,
  readFeedState,
} from './feed';
import type { ChangeNotifier } from './notify';

export interface PullOptions {
  notifier: ChangeNotifier;
  credential: DeviceCredential;
  request: PullRequest;
  /** Changes the till reports still queued (header x-edgepos-pending), shown to administrators. */
  pending: number | undefined;
  /** Which software the till runs (headers x-edgepos-app, x-edgepos-protocol). */
  version?: TillVersion | undefined;
  logger: Logger;
  /** Aborted when the till hangs up: the long poll stops waiting (nobody would hear it). */
  signal: AbortSignal;
}

/** The `data` of a PullPage, as JSON text (built by PostgreSQL, sent as is). */
export async function pullChanges(app: pg.Pool, options: PullOptions): Promise<string> {
  const { credential, request, notifier, signal } = options;
  const cursor = parseCursor(request.cursor);
  const device = await withTenant(app, credential.storeId, async (tx) => {
    const verified = await verifyDevice(tx, credential, {
      pending: options.pending,
      version: options.version,
      touch: 'pull',
    });
    if (cursor.kind === 'position') await recordPullPosition(tx, verified, cursor.position);
    return verified;
  });
  if (device.supersededBy !== null) {
    throw conflict(`This till continues as device ${device.supersededBy}`);
  }
  if (device.resyncRequestedAt !== null) {
    throw resyncRequired('HQ asked this till to download its catalog afresh.');
  }
  const deadline = Date.now() + (request.waitMs ?? 0);
  const limit = request.limit ?? DEFAULT_PAGE_ENTRIES;
  for (;;) {
    const subscription = notifier.subscribe(device.storeId);
    try {
      const page = await withTenant(
        app,
        device.storeId,
        async (tx) => {
          const state = await readFeedState(tx);
          if (!state) return undefined;
          return readFeedPage(tx, {
            device,
            state,
            position: checkCursor(state, cursor),
            limit,
            logger: options.logger,
          });
        },
        { snapshot: true },
      );
      if (!page) {
        await withTenant(app, device.storeId, (tx) => ensureFeedState(tx, device.storeId));
        continue;
      }
      const remaining = deadline - Date.now();
      if (page.entries > 0 || remaining <= 0 || signal.aborted) return page.json;
      await subscription.wait(remaining, signal);
    } finally {
      subscription.cancel();
    }
  }
}
