/**
 * The till host on Node, as Electron's utility process runs it: the store directory in the
 * user-data folder, opened through the one open sequence (lock, migrations, WAL bounding, sale
 * journal + replay), with the sync loop and the embedding refresher next to it.
 */
import type { Logger } from '../../db/logger';
import { startTillHost, type SetupDefaults, type TillHost } from '../host';
import { sendToNetworkPrinter } from './printer-network';
import { nodePlatform } from './store';
import type { SecretSealer } from '../../sync/client/secrets';

export interface NodeHostOptions {
  dir: string;
  logger: Logger;
  templateDir?: string | null | undefined;
  setupDefaults?: SetupDefaults | undefined;
  /** Seals the till's secrets (the desktop's OS keychain); null: stored as is. */
  sealer?: SecretSealer | null | undefined;
}

export function openNodeHost(options: NodeHostOptions): Promise<TillHost> {
  return startTillHost(
    nodePlatform({
      dir: options.dir,
      logger: options.logger,
      purpose: 'Edge POS desktop backend',
      templateDir: options.templateDir,
    }),
    {
      platform: 'electron',
      setupDefaults: options.setupDefaults,
      sealer: options.sealer,
      rawPrinter: sendToNetworkPrinter,
    },
  );
}
