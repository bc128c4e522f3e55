/**
 * The catalog integrity check's HQ side (issue 11, item 7): per-table checksums of the store's
 * catalog and the feed position they describe, read in ONE snapshot, so a till whose cursor is
 * at that position must hold exactly the rows summed. Runs as edgepos_app under the device's
 * store (RLS): a till only ever learns sums of its own store's rows.
 */
import type pg from 'pg';
import { withTenant } from '../../db/central/tenant';
import { catalogChecksums } from '../../db/queries/catalog-checksums';
import type { CatalogChecksums } from '../../contract/sync-protocol/checksums';
import type { DeviceCredential } from './credentials';
import { verifyDevice } from './devices/verify';
import { conflict } from './errors';
import { ensureFeedState, formatCursor, readFeedState } from './feed';

export async function readCatalogChecksums(
  app: pg.Pool,
  options: { credential: DeviceCredential; pending: number | undefined },
): Promise<CatalogChecksums> {
  const { credential } = options;
  const device = await withTenant(app, credential.storeId, async (tx) => {
    const verified = await verifyDevice(tx, credential, { pending: options.pending });
    await ensureFeedState(tx, credential.storeId);
    return verified;
  });
  if (device.supersededBy !== null) {
    throw conflict(`This till continues as device ${device.supersededBy}`);
  }
  return withTenant(
    app,
    device.storeId,
    async (tx) => {
      const state = await readFeedState(tx);
      if (!state) throw new Error(`The feed of store ${device.storeId} has no state`);
      return {
        cursor: formatCursor({ epoch: state.epoch, seq: state.lastSeq }),
        tables: await catalogChecksums(tx, device.storeId),
      };
    },
    { snapshot: true },
  );
}
