/**
 * The till API as the renderer sees it: the input schema of every method (validated in the
 * database host, because the renderer is untrusted input) and the types of what the methods
 * answer, and the events the host pushes to the screens. The API object itself (`makeTillApi`,
 * till/api/handlers.ts) is typed against these; the renderer imports the API's TYPE only and
 * takes everything it names from here, so the screens never import db/.
 *
 * Every method resolves to a `Result` (contract/errors.ts) and never rejects for a business
 * error. Amounts are integer cents; timestamps ISO-8601 text.
 */
import { z } from 'zod';
import type { NoReceiptRefund } from './catalog';
import { Uuid } from '../core/ids';
import type { Cents } from '../core/money';
import { Cart } from '../core/pricing';
import type { TaxBreakdownRow, TaxRounding } from '../core/tax';
import { TenderInput } from '../core/tenders';
import { PrintSettings } from './printer';
import type { Payment, SaleLine, TransactionType, ZReport } from './mutations';

export { Cart, CartLine, Discount } from '../core/pricing';
export { TenderInput } from '../core/tenders';
export type { ZReport } from './mutations';

/** Which host serves the till API: Electron's utility process or the browser's Web Worker. */
export type TillPlatform = 'electron' | 'web';

// ---- inputs -------------------------------------------------------------------------------

/** Longest text any single field may carry across the bridge. */
const MAX_TEXT = 200;
const Text = (what: string, max = MAX_TEXT) =>
  z.string(`${what} must be text`).max(max, `${what} is too long (at most ${max} characters)`);
const PositiveCents = z
  .number()
  .int('amounts are whole cents')
  .positive('the amount must be more than zero')
  .max(99_999_999_99);
const NonNegativeCents = z
  .number()
  .int('amounts are whole cents')
  .nonnegative('the amount cannot be negative')
  .max(99_999_999_99);

/** A receipt number as typed or scanned (receipt numbers are upper case; lookups ignore case). */
const ReceiptNumber = Text('The receipt number', 80).trim().min(1, 'Type or scan a receipt number');

/** The lines of a return: which sold line, how many, why, and whether it goes back on the shelf. */
const ReturnLines = z
  .array(
    z.object({
      originalItemId: Uuid,
      quantity: z
        .number('The quantity must be a number')
        .int('The quantity must be a whole number')
        .positive('The quantity must be at least 1'),
      reason: Text('The reason').trim().min(1, 'Give a reason for every returned line'),
      restock: z.boolean(),
    }),
  )
  .min(1, 'Choose at least one line to return')
  .max(500);

/**
 * How a refund is paid out when there is no receipt to follow (issue 13). Store credit (issue
 * 18) joins this list and the store policy (contract/catalog.ts NoReceiptRefund).
 */
export const RefundMethod = z.enum(['cash', 'card'], 'Choose how the refund is paid');
export type RefundMethod = z.infer<typeof RefundMethod>;

/** The items of a return without a receipt: each product once, at today's price. */
const NoReceiptLines = z
  .array(
    z.object({
      productId: Uuid,
      quantity: z
        .number('The quantity must be a number')
        .int('The quantity must be a whole number')
        .min(1, 'The quantity must be at least 1')
        .max(999, 'At most 999 of an item'),
      restock: z.boolean().default(true),
    }),
  )
  .min(1, 'Scan or type the items coming back (at least one)')
  .max(100);

/** A staff member chosen from the list (by ID: names are not unique). */
const Person = (message: string) => z.uuid(message);
/** The manager who approves: a manager's PIN is checked against (and counted for) them only. */
const Approver = Person('Choose the approving manager');

/** Empty text means "not given" (null). */
const blankAsNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

/**
 * The input schema of every till API method. This is THE validation of the till path: the API
 * parses the renderer's input once with these (the renderer is untrusted input), and the
 * db/checkout functions behind it take the typed result without validating again. So every
 * rule about the shape of an input lives here, not in the database code: one validation per
 * trust boundary (docs/app.md).
 */
export const ApiInput = {
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
  /** The person first (a wrong PIN locks only them), then their PIN. */
  login: z.object({ staffId: Person('Choose who you are'), pin: Text('The PIN', 16) }),
  /** A manager's approval, checked now, counted against the manager named (or the only one). */
  verifyManager: z.object({ managerId: Approver.optional(), pin: Text('The manager PIN', 16) }),
  /** Lift a person's PIN lock: a manager logged in here, or a manager's approval given now. */
  unlockStaff: z.object({
    staffId: Person('Choose who to unlock'),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  scan: z.object({ code: z.string().max(10_000) }),
  search: z.object({
    query: z.string().max(10_000),
    limit: z.number().int().min(1).max(50).default(12),
    inStockOnly: z.boolean().default(false),
  }),
  substitutes: z.object({ productId: Uuid, limit: z.number().int().min(1).max(20).default(6) }),
  commitSale: z.object({
    transactionId: Uuid,
    cart: Cart,
    tenders: z.array(TenderInput).min(1, 'Choose how the customer pays').max(20),
    customerId: Uuid.nullable().default(null),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
    /** A tax-exempt sale: the customer's exemption certificate or reference (needs a customer). */
    taxExemptReference: Text('The exemption reference', 60).nullable().default(null),
  }),
  receipt: z.object({ receiptNumber: ReceiptNumber }),
  recentReceipts: z.object({ limit: z.number().int().min(1).max(100).default(20) }),
  commitReturn: z.object({
    transactionId: Uuid,
    originalReceiptNumber: ReceiptNumber,
    lines: ReturnLines,
    newLines: Cart.shape.lines.default([]),
    tenders: z.array(TenderInput).max(20),
    customerId: Uuid.nullable().optional(),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  quoteNoReceiptReturn: z.object({ lines: NoReceiptLines, refundMethod: RefundMethod }),
  commitNoReceiptReturn: z.object({
    transactionId: Uuid,
    lines: NoReceiptLines,
    reason: Text('The reason', 200).trim().min(1, 'Give a reason for the return without a receipt'),
    refundMethod: RefundMethod,
    cardLast4: z
      .string()
      .regex(/^[0-9]{4}$/, "The card's last four digits")
      .nullable()
      .optional(),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  quoteReturn: z.object({
    originalReceiptNumber: ReceiptNumber,
    lines: ReturnLines,
    newLines: Cart.shape.lines.default([]),
  }),
  voidSale: z.object({
    receiptNumber: ReceiptNumber,
    reason: Text('The reason').trim().min(1, 'Give a reason for the void'),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  holdCart: z.object({
    cart: Cart,
    label: Text('The label', 60).trim().default(''),
    customerId: Uuid.nullable().default(null),
  }),
  recallCart: z.object({ holdId: Uuid }),
  findCustomers: z.object({
    query: z.string().max(10_000),
    limit: z.number().int().min(1).max(50).default(10),
  }),
  createCustomer: z.object({
    firstName: Text('The first name', 50).trim().min(1, 'The first name is required'),
    lastName: Text('The last name', 50).trim().min(1, 'The last name is required'),
    email: z
      .preprocess(
        blankAsNull,
        z.email('That is not a valid email address').max(100, 'The email is too long').nullable(),
      )
      .default(null),
    phone: z
      .preprocess(
        blankAsNull,
        Text('The phone number', 30)
          .trim()
          .regex(/^[0-9+() .-]{5,30}$/, 'That is not a valid phone number')
          .nullable(),
      )
      .default(null),
  }),
  openShift: z.object({ openingFloatCents: NonNegativeCents }),
  moveCash: z.object({
    kind: z.enum(['in', 'out']),
    amountCents: PositiveCents,
    reason: Text('The reason').trim().min(1, 'Give a reason'),
    /** A cash-out above the store's limit or beyond the expected drawer: a manager approves. */
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  closeShift: z.object({
    countedCashCents: NonNegativeCents,
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  /** The till's printer and return policy (contract/printer.ts); a manager sets them. */
  savePrintSettings: PrintSettings.extend({
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  /** Print a recorded receipt; `openDrawer` after a cash tender (the drawer hangs off the printer). */
  printReceipt: z.object({ receiptNumber: ReceiptNumber, openDrawer: z.boolean().default(false) }),
  /** Open the drawer without a sale (`no_sale`) or for a cash tender not printed. */
  openDrawer: z.object({ reason: z.enum(['no_sale', 'cash_tender']) }),
} as const;

/** How `printReceipt` printed: on the network printer, or the screen prints (system/dialog). */
export type PrintOutcome =
  | { via: 'network'; drawerOpened: boolean }
  | { via: 'system'; deviceName: string }
  | { via: 'dialog' };

/** What the till API's `createCustomer` hands the database: validated, blanks as null. */
export type NewCustomer = z.output<typeof ApiInput.createCustomer>;

// ---- outputs ------------------------------------------------------------------------------

export interface StoreInfo {
  storeId: string;
  storeName: string;
  registerId: string;
  deviceId: string;
  currency: string;
  taxRatePpm: number;
  /** [categoryId, ratePpm] pairs (a Map does not survive every bridge). */
  categoryTaxRates: Array<[number, number]>;
  managerDiscountThresholdPpm: number;
  offlineCardLimitCents: number;
  /** Cash control: largest cash-out a cashier records alone; count the drawer blind at close. */
  cashOutLimitCents: number;
  blindClose: boolean;
  /** Returns without a receipt: how this store refunds them ('none': not taken). */
  noReceiptRefund: NoReceiptRefund;
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

export type StaffRole = 'cashier' | 'manager';
export interface StaffMember {
  staffId: string;
  displayName: string;
  role: StaffRole;
}
/** The login screen's list: everyone who may log in, and until when a person is locked. */
export interface StaffListEntry extends StaffMember {
  lockedUntil: string | null;
}

export interface ProductSummary {
  productId: string;
  sku: string;
  barcode: string | null;
  productName: string;
  brand: string | null;
  categoryId: number | null;
  priceCents: Cents;
  isActive: boolean;
  onHand: number;
}

export interface Customer {
  customerId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  loyaltyTier: string;
}

export interface HeldCart {
  holdId: string;
  label: string;
  heldBy: string;
  heldAt: string;
  lineCount: number;
  /** "First Last" of the attached customer, when there is one the till still knows. */
  customerName: string | null;
}

export interface RecalledCart {
  cart: z.output<typeof Cart>;
  label: string;
  customer: Customer | null;
  /** Set when the cart was held with a customer this till no longer has (deleted at HQ). */
  customerMissing: boolean;
}

/** A receipt line is the `sale.recorded` line as the till stored it. */
export type ReceiptLine = SaleLine;

/** A receipt payment is the `sale.recorded` payment without the card authorisation code. */
export type ReceiptPayment = Omit<Payment, 'authCode' | 'storedValueCardId'>;

export interface Receipt {
  transactionId: string;
  receiptNumber: string;
  registerId: string;
  transactionType: z.infer<typeof TransactionType>;
  status: 'completed' | 'voided';
  occurredAt: string;
  cashierId: string;
  customerId: string | null;
  shiftId: string | null;
  originalTransactionId: string | null;
  subtotalCents: Cents;
  discountCents: Cents;
  taxCents: Cents;
  totalCents: Cents;
  /** Prices on this receipt contain the tax (VAT style): the tax is shown, not added. */
  taxIncluded: boolean;
  taxRounding: TaxRounding;
  taxExemptReference: string | null;
  /** Coupon codes entered on the sale. */
  coupons: string[];
  /** Tax by component and rate (core/tax.ts taxBreakdown). */
  taxBreakdown: TaxBreakdownRow[];
  voidReason: string | null;
  /**
   * HQ has acknowledged this transaction: a card taken offline (store and forward) has been
   * sent on. False on a receipt printed before the first sync.
   */
  sentToHq: boolean;
  lines: ReceiptLine[];
  payments: ReceiptPayment[];
}

export interface ReturnableLine extends ReceiptLine {
  returnedQuantity: number;
  returnableQuantity: number;
}

export interface ReturnQuote {
  originalReceiptNumber: string;
  totalCents: number;
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  /** What `commitReturn` does with no tenders given (refunds only). */
  defaultTenders: TenderInput[];
}

export interface StockWarning {
  productId: string;
  sku: string;
  onHand: number;
}

export interface SaleResult {
  receipt: Receipt;
  changeCents: number;
  mutationId: number | null;
  /** Lines whose stock went below zero with this sale (the sale is never blocked). */
  stockWarnings: StockWarning[];
  /** True when this call found the sale already committed (a retry). */
  duplicate: boolean;
}

export interface ShiftSummary {
  shiftId: string;
  openedAt: string;
  openedBy: string;
}

/** The running figures of a shift: the Z report's figures before the drawer is counted. */
export type ShiftFigures = Omit<
  ZReport,
  'zReportId' | 'zNumber' | 'closedAt' | 'countedCashCents' | 'overShortCents'
>;

export interface SearchHit extends ProductSummary {
  /** How a code matched ("barcode", "SKU", "barcode, one digit differs"), or "similar"; else empty. */
  matchedBy: string[];
}

/** A category offered when nothing matched ("Furniture" under "Home & Garden"). */
export interface CategorySuggestion {
  categoryId: number;
  name: string;
  parentName: string | null;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  hasMore: boolean;
  /** Set when the configured embedding model failed and the built-in one answered. */
  degraded: string | null;
  /** Set when nothing matched: the store does not seem to sell it; the closest categories. */
  noMatch: { suggestions: CategorySuggestion[] } | null;
}

// ---- sync status: answered by syncStatus/syncNow and pushed as an event ---------------------

/** A mutation HQ refused, with HQ's reason, as the sync details panel lists it. */
export const RejectedMutation = z.object({
  mutationId: z.number().int(),
  mutationType: z.string(),
  /** What the mutation was about (receipt number of a sale, shift, customer...). */
  subject: z.string(),
  code: z.string(),
  message: z.string(),
  receivedAt: z.string(),
});
export type RejectedMutation = z.infer<typeof RejectedMutation>;

/** Catalog download progress (first sync or resync). */
export const DownloadProgress = z.object({
  stage: z.string(),
  done: z.number(),
  total: z.number(),
});
export type DownloadProgress = z.infer<typeof DownloadProgress>;

/**
 * The till's sync status as the status bar, the sync panel and the download screen see it. The
 * sync client (sync/client) publishes exactly this shape; the host pushes it to every connected
 * screen whenever it changes (`TillEvent`).
 */
/**
 * The last catalog integrity check (issue 11, item 7): the till's catalog compared with HQ's
 * by per-table checksums. `match`: equal; `healed`: a difference was found and the catalog
 * downloaded afresh, now equal; `differs`: still different after that download (HQ's staff
 * should look; the till sells on and checks again later).
 */
export const CatalogIntegrity = z.object({
  checkedAt: z.string(),
  result: z.enum(['match', 'healed', 'differs']),
  /** Catalog tables that differed (products, stock_levels, ...); empty on a match. */
  differing: z.array(z.string()),
});
export type CatalogIntegrity = z.infer<typeof CatalogIntegrity>;

export const SyncView = z.object({
  enrolled: z.boolean(),
  hqUrl: z.string().nullable(),
  storeId: z.string().nullable(),
  registerId: z.string().nullable(),
  deviceId: z.string().nullable(),
  /** HQ answered the last attempt. */
  online: z.boolean(),
  /** A round (push, pull or download) is running now. */
  syncing: z.boolean(),
  /** Local changes HQ has not acknowledged yet, and the sales among them. */
  pendingCount: z.number().int(),
  pendingSales: z.number().int(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Mutations HQ refused, newest first, with HQ's reason. */
  rejected: z.array(RejectedMutation),
  /** Catalog download progress (first sync or resync); null when none is running. */
  progress: DownloadProgress.nullable(),
  /** The till can sell: it has a catalog (a first download finished). */
  ready: z.boolean(),
  /** The last catalog integrity check; null before the first one. */
  integrity: CatalogIntegrity.nullable().optional(),
});
export type SyncView = z.infer<typeof SyncView>;

// ---- events: pushed by the host to every connected screen ------------------------------------

/**
 * What the host pushes to the screens without being asked: the sync status (online, pending
 * sales, rejected mutations, catalog download progress) whenever it changes. The screens never
 * poll for it.
 */
export const TillEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sync'), view: SyncView }),
]);
export type TillEvent = z.infer<typeof TillEvent>;

/**
 * Events travel on the same port as the API's answers (so an event sent before an answer
 * arrives before it), wrapped in an envelope the API transport (comlink) ignores: its messages
 * always carry an `id`.
 */
export const TillEventMessage = z.object({ tillEvent: TillEvent });
export type TillEventMessage = z.infer<typeof TillEventMessage>;
