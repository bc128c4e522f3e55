/**
 * First run and where the app stands: `info` (setup, downloading or ready; who is logged in),
 * enrollment with HQ, and the demo store for a till without HQ.
 */
import { SetupInput, type AppInfo, type StoreInfo } from '../../contract/till-api/setup';
import type { TillContext } from '../../db/checkout/context';
import { InvalidStateError } from '../../db/errors';
import { readIdentity, readStoreConfig } from '../../db/queries/identity';
import { embedAllProducts } from '../../db/search/refresher';
import { newId } from '../../core/ids';
import { define } from './define';

/** The sample chain's store a demo till becomes. */
export const DEMO_STORE = 'seattle';

async function storeInfo(till: TillContext): Promise<StoreInfo> {
  const config = await readStoreConfig(till.db, till.identity.storeId);
  return {
    storeId: config.storeId,
    storeName: config.storeName,
    registerId: till.identity.registerId,
    deviceId: till.identity.deviceId,
    currency: config.currency,
    taxRatePpm: config.taxRatePpm,
    categoryTaxRates: [...config.categoryTaxRates.entries()],
    taxIncluded: config.taxIncluded,
    taxRounding: config.taxRounding,
    taxComponents: [...config.taxComponents],
    managerDiscountThresholdPpm: config.managerDiscountThresholdPpm,
    priceOverrideLimitPpm: config.priceOverrideLimitPpm,
    openPriceLimitCents: config.openPriceLimitCents,
    cashOutLimitCents: config.cashOutLimitCents,
    blindClose: config.blindClose,
    noReceiptRefund: config.noReceiptRefund,
    noSaleNeedsManager: config.noSaleNeedsManager,
    offlineCardLimitCents: config.offlineCardLimitCents,
  };
}

export const setupHandlers = {
  /** Where the app stands: first run or a store is set up, who is logged in. */
  info: define({
    staff: 'none',
    run: async ({ host, till, staff }): Promise<AppInfo> => {
      const defaults = {
        hqUrl: host.setupDefaults?.hqUrl ?? null,
        enrollmentCode: host.setupDefaults?.enrollmentCode ?? null,
        autoEnroll: host.setupDefaults?.autoEnroll ?? false,
      };
      const base = { platform: host.platform, setupDefaults: defaults, download: null };
      if (!(await readIdentity(host.db)))
        return { ...base, phase: 'setup', store: null, staff: null };
      const sync = await host.sync.status();
      if (sync.enrolled && !sync.ready) {
        const download = sync.progress ?? { stage: 'starting', done: 0, total: 0 };
        return { ...base, phase: 'downloading', store: null, staff: null, download };
      }
      return { ...base, phase: 'ready', store: await storeInfo(await till()), staff };
    },
  }),

  /** First run: enroll this till with HQ (downloads the store's catalog). */
  enroll: define({
    input: SetupInput.enroll,
    staff: 'none',
    run: async ({ host, till }, input) => {
      if (await readIdentity(host.db))
        throw new InvalidStateError('This till is already set up for a store');
      await host.sync.enroll({ hqUrl: input.hqUrl, code: input.code });
      return storeInfo(await till());
    },
  }),

  /**
   * First run without HQ: seed the sample store (demo PINs) into this empty till. The till then
   * sells standalone; its sales stay queued locally because no HQ is configured.
   */
  setupDemo: define({
    staff: 'none',
    run: async ({ host, till }) => {
      if (await readIdentity(host.db))
        throw new InvalidStateError('This till is already set up for a store');
      // Loaded on first use: the seed generator and its vocabulary are large.
      const { seedTill } = await import('../../db/seed/write-edge');
      const { DEFAULT_SEED } = await import('../../db/seed/chain');
      const ids = host.ids ?? newId;
      await seedTill(host.db, {
        storeId: DEMO_STORE,
        registerId: 'R01',
        deviceId: `demo-${ids()}`,
        seed: DEFAULT_SEED.seed,
        products: DEFAULT_SEED.products,
        customers: DEFAULT_SEED.customers,
      });
      // Embed the whole catalog now (one bulk load + index build) rather than letting the
      // background refresher trickle through it while the first customers are rung up.
      await embedAllProducts(host.db, { storeId: DEMO_STORE });
      // PGlite has no autovacuum: fresh statistics after the bulk load keep searches fast.
      await host.maintain();
      return storeInfo(await till());
    },
  }),
};
