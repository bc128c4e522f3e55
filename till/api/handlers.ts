/**
 * The POS API: everything the cashier's screens can ask of the till database, in one object.
 *
 * The same implementation is served by the Electron utility process (Node, PGlite on disk) and
 * by the browser's Web Worker (PGlite in IndexedDB), each through comlink over a MessagePort;
 * the renderer imports only the TYPE `PosApi` derived from it, so the contract cannot drift.
 *
 * Contract of every method:
 * - takes at most one plain object (structured-clone safe) and validates it here with its
 *   schema from contract/till-api.ts (`ApiInput`), because it comes from the renderer process,
 *   which we treat as untrusted input; what it answers is typed there too;
 * - resolves to `{ ok: true, data } | { ok: false, error: { kind, message } }` and never
 *   rejects for a business error (comlink would otherwise lose the error's kind);
 * - acts as the staff member logged in on THIS connection (one connection per window/tab):
 *   the renderer never names the cashier of a sale, the backend knows who logged in.
 */
import type { z } from 'zod';
import type { PGlite } from '@electric-sql/pglite';
import { createTillContext, type TillContext } from '../../db/checkout/context';
import { autovacuum } from '../../db/edge/maintenance';
import { embedAllProducts } from '../../db/search/refresher';
import { createCustomer, findCustomers } from '../../db/checkout/customers';
import { holdCart, listHeldCarts, recallCart } from '../../db/checkout/holds';
import { commitReturn, quoteReturn, returnableLines } from '../../db/checkout/returns';
import { commitSale } from '../../db/checkout/sale';
import { managerApproval } from '../../db/checkout/shared';
import { login, staffList } from '../../db/checkout/session';
import {
  closeShift,
  currentShift,
  listZReports,
  moveCash,
  openShift,
  xReport,
} from '../../db/checkout/shifts';
import { voidTransaction } from '../../db/checkout/voids';
import type { Clock } from '../../core/clock';
import type { Journal } from '../../db/edge/journal-types';
import { ErrorKind, ok, type Result } from '../../contract/errors';
import {
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  ValidationError,
  errorResult,
} from '../../db/errors';
import { newId, type IdGenerator } from '../../core/ids';
import type { Logger } from '../../db/logger';
import { lookupByCode } from '../../db/queries/catalog';
import { readIdentity, readStoreConfig } from '../../db/queries/identity';
import { getReceipt, recentReceipts } from '../../db/queries/receipts';
import { verifyPin } from '../../db/queries/staff';
import { productSearch } from './search';
import type { SyncPort } from '../sync-port';
import {
  ApiInput,
  type AppInfo,
  type ProductSummary,
  type StaffMember,
  type StoreInfo,
  type SyncView,
  type TillPlatform,
} from '../../contract/till-api';

/** What a platform (utility process or web worker) gives the API. */
export interface PosHost {
  platform: TillPlatform;
  db: PGlite;
  journal: Journal;
  sync: SyncPort;
  logger: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  /**
   * Called once the till has a store (at open, or after enrollment/demo setup): the host starts
   * its background work (embedding refresher, sync loop). Must be idempotent.
   */
  onStoreReady: (storeId: string) => void;
  /** Pre-filled first-run values (a launcher that started a local HQ passes them). */
  setupDefaults?: { hqUrl?: string; enrollmentCode?: string; autoEnroll?: boolean };
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    // The first issue, in words a cashier can act on; the full detail goes to the log.
    const first = parsed.error.issues[0];
    throw new ValidationError(first?.message ?? 'Invalid input', { cause: parsed.error });
  }
  return parsed.data;
}

/** The sample chain's store a demo till becomes. */
export const DEMO_STORE = 'seattle';

export function makePosApi(options: { host: Promise<PosHost> }) {
  const hostPromise = options.host;
  // A failed open is reported by every call (e.g. "open in another tab"); never unhandled.
  hostPromise.catch(() => undefined);

  let session: StaffMember | null = null;
  let tillPromise: Promise<TillContext> | undefined;

  async function host(): Promise<PosHost> {
    return hostPromise;
  }

  async function till(): Promise<TillContext> {
    const h = await host();
    tillPromise ??= createTillContext({
      db: h.db,
      journal: h.journal,
      logger: h.logger,
      isOnline: () => h.sync.isOnline(),
      ...(h.clock ? { clock: h.clock } : {}),
      ...(h.ids ? { ids: h.ids } : {}),
    });
    try {
      const t = await tillPromise;
      h.onStoreReady(t.identity.storeId);
      return t;
    } catch (error) {
      tillPromise = undefined; // not set up yet: try again after enrollment
      throw error;
    }
  }

  /** A change was recorded locally (it is in the outbox): let the sync loop send it now. */
  async function recorded<T>(work: Promise<T>): Promise<T> {
    const result = await work;
    (await host()).sync.nudge();
    return result;
  }

  function staff(): StaffMember {
    if (!session) throw new ForbiddenError('Log in with your PIN first');
    return session;
  }

  async function run<T>(what: string, fn: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await fn());
    } catch (error) {
      const result = errorResult(error);
      if (result.error.kind === ErrorKind.database || result.error.kind === ErrorKind.corrupt) {
        const h = await hostPromise.catch(() => undefined);
        h?.logger.error(
          { what, error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
          'api call failed',
        );
      }
      return result;
    }
  }

  async function storeInfo(t: TillContext): Promise<StoreInfo> {
    const config = await readStoreConfig(t.db, t.identity.storeId);
    return {
      storeId: config.storeId,
      storeName: config.storeName,
      registerId: t.identity.registerId,
      deviceId: t.identity.deviceId,
      currency: config.currency,
      taxRatePpm: config.taxRatePpm,
      categoryTaxRates: [...config.categoryTaxRates.entries()],
      managerDiscountThresholdPpm: config.managerDiscountThresholdPpm,
      offlineCardLimitCents: config.offlineCardLimitCents,
    };
  }

  return {
    /** Where the app stands: first run or a store is set up, who is logged in. */
    info: (): Promise<Result<AppInfo>> =>
      run('info', async () => {
        const h = await host();
        const identity = await readIdentity(h.db);
        const defaults = {
          hqUrl: h.setupDefaults?.hqUrl ?? null,
          enrollmentCode: h.setupDefaults?.enrollmentCode ?? null,
          autoEnroll: h.setupDefaults?.autoEnroll ?? false,
        };
        const base = { platform: h.platform, setupDefaults: defaults, download: null };
        if (!identity) return { ...base, phase: 'setup' as const, store: null, staff: null };
        const sync = await h.sync.status();
        if (sync.enrolled && !sync.ready) {
          const download = sync.progress ?? { stage: 'starting', done: 0, total: 0 };
          return { ...base, phase: 'downloading' as const, store: null, staff: null, download };
        }
        return {
          ...base,
          phase: 'ready' as const,
          store: await storeInfo(await till()),
          staff: session,
        };
      }),

    /** First run: enroll this till with HQ (downloads the store's catalog). */
    enroll: (input: z.input<typeof ApiInput.enroll>): Promise<Result<StoreInfo>> =>
      run('enroll', async () => {
        const data = parse(ApiInput.enroll, input);
        const h = await host();
        if (await readIdentity(h.db))
          throw new InvalidStateError('This till is already set up for a store');
        await h.sync.enroll({ hqUrl: data.hqUrl, code: data.code });
        return storeInfo(await till());
      }),

    /**
     * First run without HQ: seed the sample store (demo PINs) into this empty till. The till then
     * sells standalone; its sales stay queued locally because no HQ is configured.
     */
    setupDemo: (): Promise<Result<StoreInfo>> =>
      run('setupDemo', async () => {
        const h = await host();
        if (await readIdentity(h.db))
          throw new InvalidStateError('This till is already set up for a store');
        const { seedTill } = await import('../../db/seed/write-edge');
        const { DEFAULT_SEED } = await import('../../db/seed/generate');
        const ids = h.ids ?? newId;
        await seedTill(h.db, {
          storeId: DEMO_STORE,
          registerId: 'R01',
          deviceId: `demo-${ids()}`,
          seed: DEFAULT_SEED.seed,
          products: DEFAULT_SEED.products,
          customers: DEFAULT_SEED.customers,
        });
        // Embed the whole catalog now (one bulk load + index build) rather than letting the
        // background refresher trickle through it while the first customers are rung up.
        await embedAllProducts(h.db, { storeId: DEMO_STORE });
        // PGlite has no autovacuum: fresh statistics after the bulk load keep searches fast.
        await autovacuum(h.db);
        return storeInfo(await till());
      }),

    login: (input: z.input<typeof ApiInput.login>): Promise<Result<StaffMember>> =>
      run('login', async () => {
        const data = parse(ApiInput.login, input);
        session = await login(await till(), { pin: data.pin, staffId: data.staffId });
        return session;
      }),

    logout: (): Promise<Result<null>> =>
      run('logout', () => {
        session = null;
        return Promise.resolve(null);
      }),

    staffList: (): Promise<Result<StaffMember[]>> =>
      run('staffList', async () => staffList(await till())),

    /** A manager's PIN, checked now (e.g. before applying a large discount). Counts towards lockout. */
    verifyManager: (input: z.input<typeof ApiInput.verifyManager>): Promise<Result<StaffMember>> =>
      run('verifyManager', async () => {
        const data = parse(ApiInput.verifyManager, input);
        staff();
        const t = await till();
        return verifyPin(t.db, {
          storeId: t.identity.storeId,
          pin: data.pin,
          role: 'manager',
          now: t.clock.now(),
        });
      }),

    /** Scanner path: an exact barcode or SKU. Unknown codes are a not_found error, never a line. */
    scan: (input: z.input<typeof ApiInput.scan>): Promise<Result<ProductSummary>> =>
      run('scan', async () => {
        const { code } = parse(ApiInput.scan, input);
        const t = await till();
        const trimmed = code.trim();
        if (trimmed === '') throw new ValidationError('Nothing was scanned');
        if (trimmed.length > 64)
          throw new NotFoundError(
            `That is not a product code (${trimmed.length} characters; codes are at most 64)`,
          );
        const product = await lookupByCode(t.db, t.identity.storeId, trimmed);
        if (!product) throw new NotFoundError(`No product has the code ${trimmed}`);
        return product;
      }),

    search: (input: z.input<typeof ApiInput.search>) =>
      run('search', async () => {
        const data = parse(ApiInput.search, input);
        const t = await till();
        return productSearch.search(t, data);
      }),

    substitutes: (input: z.input<typeof ApiInput.substitutes>) =>
      run('substitutes', async () => {
        const data = parse(ApiInput.substitutes, input);
        return productSearch.substitutes(await till(), data);
      }),

    commitSale: (input: z.input<typeof ApiInput.commitSale>) =>
      run('commitSale', async () => {
        const data = parse(ApiInput.commitSale, input);
        const cashier = staff();
        return recorded(
          commitSale(await till(), {
            transactionId: data.transactionId,
            cart: data.cart,
            tenders: data.tenders,
            cashierId: cashier.staffId,
            customerId: data.customerId,
            ...(data.managerPin ? { managerPin: data.managerPin } : {}),
          }),
        );
      }),

    receipt: (input: z.input<typeof ApiInput.receipt>) =>
      run('receipt', async () => {
        const { receiptNumber } = parse(ApiInput.receipt, input);
        const t = await till();
        const receipt = await getReceipt(t.db, t.identity.storeId, { receiptNumber });
        if (!receipt) throw new NotFoundError(`No receipt ${receiptNumber} on this till`);
        return receipt;
      }),

    recentReceipts: (input: z.input<typeof ApiInput.recentReceipts> = {}) =>
      run('recentReceipts', async () => {
        const { limit } = parse(ApiInput.recentReceipts, input);
        const t = await till();
        return recentReceipts(t.db, t.identity.storeId, limit);
      }),

    returnableLines: (input: z.input<typeof ApiInput.receipt>) =>
      run('returnableLines', async () => {
        const { receiptNumber } = parse(ApiInput.receipt, input);
        staff();
        return returnableLines(await till(), receiptNumber);
      }),

    commitReturn: (input: z.input<typeof ApiInput.commitReturn>) =>
      run('commitReturn', async () => {
        const data = parse(ApiInput.commitReturn, input);
        const cashier = staff();
        return recorded(
          commitReturn(await till(), {
            transactionId: data.transactionId,
            originalReceiptNumber: data.originalReceiptNumber,
            lines: data.lines,
            newLines: data.newLines,
            tenders: data.tenders,
            cashierId: cashier.staffId,
            ...(data.customerId !== undefined ? { customerId: data.customerId } : {}),
            ...(data.managerPin ? { managerPin: data.managerPin } : {}),
          }),
        );
      }),

    /** Price a return or exchange without recording it (refund or amount due, default tenders). */
    quoteReturn: (input: z.input<typeof ApiInput.quoteReturn>) =>
      run('quoteReturn', async () => {
        const data = parse(ApiInput.quoteReturn, input);
        const cashier = staff();
        return quoteReturn(await till(), { ...data, cashierId: cashier.staffId });
      }),

    voidSale: (input: z.input<typeof ApiInput.voidSale>) =>
      run('voidSale', async () => {
        const data = parse(ApiInput.voidSale, input);
        return recorded(
          voidTransaction(await till(), {
            receiptNumber: data.receiptNumber,
            reason: data.reason,
            staffId: staff().staffId,
            ...(data.managerPin ? { managerPin: data.managerPin } : {}),
          }),
        );
      }),

    holdCart: (input: z.input<typeof ApiInput.holdCart>) =>
      run('holdCart', async () => {
        const data = parse(ApiInput.holdCart, input);
        return holdCart(await till(), {
          cart: data.cart,
          label: data.label,
          staffId: staff().staffId,
          customerId: data.customerId,
        });
      }),

    listHeld: () =>
      run('listHeld', async () => {
        staff();
        return listHeldCarts(await till());
      }),

    recallCart: (input: z.input<typeof ApiInput.recallCart>) =>
      run('recallCart', async () => {
        const { holdId } = parse(ApiInput.recallCart, input);
        staff();
        return recallCart(await till(), holdId);
      }),

    findCustomers: (input: z.input<typeof ApiInput.findCustomers>) =>
      run('findCustomers', async () => {
        const data = parse(ApiInput.findCustomers, input);
        staff();
        return findCustomers(await till(), { query: data.query.slice(0, 100), limit: data.limit });
      }),

    createCustomer: (input: z.input<typeof ApiInput.createCustomer>) =>
      run('createCustomer', async () => {
        const data = parse(ApiInput.createCustomer, input);
        staff();
        return recorded(createCustomer(await till(), data));
      }),

    currentShift: () =>
      run('currentShift', async () => {
        const shift = await currentShift(await till());
        return shift ?? null;
      }),

    openShift: (input: z.input<typeof ApiInput.openShift>) =>
      run('openShift', async () => {
        const data = parse(ApiInput.openShift, input);
        return recorded(
          openShift(await till(), {
            staffId: staff().staffId,
            openingFloatCents: data.openingFloatCents,
          }),
        );
      }),

    moveCash: (input: z.input<typeof ApiInput.moveCash>) =>
      run('moveCash', async () => {
        const data = parse(ApiInput.moveCash, input);
        return recorded(moveCash(await till(), { staffId: staff().staffId, ...data }));
      }),

    xReport: () =>
      run('xReport', async () => {
        staff();
        return xReport(await till());
      }),

    closeShift: (input: z.input<typeof ApiInput.closeShift>) =>
      run('closeShift', async () => {
        const data = parse(ApiInput.closeShift, input);
        const who = staff();
        const t = await till();
        // Closing the drawer is a manager's call: a cashier needs a manager PIN.
        await managerApproval(t, {
          actor: who,
          managerPin: data.managerPin,
          why: 'Closing the shift needs a manager PIN',
        });
        return recorded(
          closeShift(t, { staffId: who.staffId, countedCashCents: data.countedCashCents }),
        );
      }),

    listZReports: () =>
      run('listZReports', async () => {
        staff();
        return listZReports(await till());
      }),

    syncStatus: (): Promise<Result<SyncView>> =>
      run('syncStatus', async () => (await host()).sync.status()),

    syncNow: (): Promise<Result<SyncView>> =>
      run('syncNow', async () => {
        const h = await host();
        await h.sync.syncNow();
        return h.sync.status();
      }),
  };
}

/** The contract the renderer talks to (import as a type only). */
export type PosApi = ReturnType<typeof makePosApi>;
