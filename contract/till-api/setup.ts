/**
 * The till API's setup area (till/api/setup.ts): enrolling with HQ, and what the screens learn
 * about the till at start (which host serves it, its store, whether it can sell yet).
 */
import type { TaxComponent, TaxRounding } from '../../core/tax';
import { z } from 'zod';
import type { NoReceiptRefund } from '../catalog';
import { MAX_TEXT, Text } from './fields';
import type { StaffMember } from './session';
import type { DownloadProgress } from './sync';

/** Which host serves the till API: Electron's utility process or the browser's Web Worker. */
export type TillPlatform = 'electron' | 'web';

export const SetupInput = {
  enroll: z.object({
    hqUrl: z
      .url({
        protocol: /^https?$/,
        error: 'The HQ address must be a web address such as https://hq.example.com',
      })
      .max(MAX_TEXT),
    code: Text('The enrollment code', 64)
      .trim()
      .min(4, 'The enrollment code is at least 4 characters'),
  }),
} as const;

export interface StoreInfo {
  storeId: string;
  storeName: string;
  registerId: string;
  deviceId: string;
  currency: string;
  taxRatePpm: number;
  /** [categoryId, ratePpm] pairs (a Map does not survive every bridge). */
  categoryTaxRates: Array<[number, number]>;
  /** Prices contain the tax (VAT style): the cart and receipt say "incl. tax". */
  taxIncluded: boolean;
  taxRounding: TaxRounding;
  /** The store's tax components (empty: the single store/category rate). */
  taxComponents: TaxComponent[];
  managerDiscountThresholdPpm: number;
  /** Price overrides: the largest cut a cashier gives alone (ppm); the largest open price. */
  priceOverrideLimitPpm: number;
  openPriceLimitCents: number;
  offlineCardLimitCents: number;
  /** Cash control: largest cash-out a cashier records alone; count the drawer blind at close. */
  cashOutLimitCents: number;
  blindClose: boolean;
  /** Returns without a receipt: how this store refunds them ('none': not taken). */
  noReceiptRefund: NoReceiptRefund;
  /** A no-sale drawer open needs a manager's PIN. */
  noSaleNeedsManager: boolean;
}

export interface AppInfo {
  platform: TillPlatform;
  /**
   * 'setup': no store yet (first run); 'downloading': enrolled, the store's catalog is still
   * coming down from HQ (progress in `download`); 'ready': the till can sell.
   */
  phase: 'setup' | 'downloading' | 'ready';
  download: DownloadProgress | null;
  store: StoreInfo | null;
  staff: StaffMember | null;
  setupDefaults: { hqUrl: string | null; enrollmentCode: string | null; autoEnroll: boolean };
}
