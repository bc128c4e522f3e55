/**
 * The sync protocol between a till and the HQ sync service: these schemas ARE the contract.
 * The server validates every request body with them, the client validates every response, and
 * the types on both sides are derived from them (never written twice).
 *
 * Wire rules (docs/sync-protocol.md explains why each holds):
 * - Every device request carries `x-edgepos-protocol: <n>`; HQ answers 426 upgrade_required to
 *   a client older than MIN_PROTOCOL_VERSION.
 * - Success bodies are `{ ok: true, data }`, failures `{ ok: false, error: { kind, message } }`
 *   with an HTTP status that says whether to retry (5xx, 429 and network errors) or not.
 * - The device's store is never in a path, body or cursor: HQ takes it from the credential.
 * - Amounts are integer cents; mutation IDs count 1, 2, 3... per device.
 *
 * Browser-safe: no `node:` imports here or in sync/client (the web POS runs the client in a
 * Web Worker).
 */
import { z } from 'zod';
import { MutationException } from './exceptions';
import {
  CategoryEntity,
  CategoryTaxRateEntity,
  CustomerEntity,
  EmbeddingEntity,
  PromotionEntity,
  ProductEntity,
  RegisterEntity,
  StaffEntity,
  StockLevelEntity,
  StoredValueAllowanceEntity,
  StoreEntity,
} from './catalog';
import { MAX_INT4, Mutation, RegisterId, SaleRecorded, StoreId, Uuid } from './mutations';

export {
  CategoryEntity,
  CategoryTaxRateEntity,
  CustomerEntity,
  EmbeddingEntity,
  PromotionEntity,
  ProductEntity,
  RegisterEntity,
  StaffEntity,
  StockLevelEntity,
  StoredValueAllowanceEntity,
  StoreEntity,
} from './catalog';
export { Mutation, RegisterId, StoreId, Uuid } from './mutations';

/** Bumped when a change would break an older peer. */
export const PROTOCOL_VERSION = 1;
/** Oldest client HQ still serves; older ones get 426 upgrade_required. */
export const MIN_PROTOCOL_VERSION = 1;

export const Headers = {
  protocol: 'x-edgepos-protocol',
  /** The till's count of unacknowledged local changes (shown in HQ administration). */
  pending: 'x-edgepos-pending',
  /** The till app's version (APP_VERSION), shown to HQ staff with each till's sync health. */
  app: 'x-edgepos-app',
} as const;

/**
 * The version of this code base's till app, sent with every request (x-edgepos-app). Kept equal
 * to package.json's version (test/sync/app-version.test.ts checks it).
 */
export const APP_VERSION = '0.1.0';

/** The x-edgepos-app header: a version like 0.1.0 or 1.2.3-beta.1. Malformed is a 400. */
export const AppVersionHeader = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,39}$/, 'x-edgepos-app must be a version like 1.2.3');

/**
 * The x-edgepos-pending header: a till's count of unacknowledged changes, digits only, at most
 * what HQ's integer column holds (the till caps what it sends). Missing is fine; malformed is
 * a 400.
 */
export const PendingHeader = z
  .string()
  .regex(/^[0-9]{1,10}$/, 'x-edgepos-pending must be a whole number of changes')
  .transform(Number)
  .pipe(z.number().max(MAX_INT4, `x-edgepos-pending must be at most ${MAX_INT4}`));
export const MAX_PENDING_HEADER = MAX_INT4;

/** Most mutations one push may carry; the client also splits by bytes. */
export const MAX_PUSH_MUTATIONS = 1_000;
/** Longest a pull may wait for new changes (long poll). */
export const MAX_PULL_WAIT_MS = 30_000;
export const MAX_PAGE_ROWS = 10_000;

// ---------------------------------------------------------------------------------------
// Envelopes and errors
// ---------------------------------------------------------------------------------------

export const SyncErrorKind = z.enum([
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'upgrade_required',
  'protocol_too_new',
  /** A push starts after HQ's last mutation ID + 1 (HQ lost mutations, e.g. a restore). */
  'gap',
  /** A replayed mutation ID carries other content: the till's counter went backwards. */
  'mutation_id_conflict',
  /** The cursor cannot be continued (expired, reset feed, or unknown): download a snapshot. */
  'resync_required',
  'payload_too_large',
  /** HQ is busy; retry after Retry-After. */
  'overloaded',
  /** Too many failed authentication or enrollment attempts from this address (429). */
  'rate_limited',
  'unavailable',
  'internal',
]);
export type SyncErrorKind = z.infer<typeof SyncErrorKind>;

export const ErrorBody = z.object({
  ok: z.literal(false),
  error: z.object({
    kind: SyncErrorKind,
    message: z.string(),
    /** gap / mutation_id_conflict: HQ's last applied mutation ID for this device. */
    lastMutationId: z.number().int().nonnegative().optional(),
    /** mutation_id_conflict: the first ID whose content differs from what HQ applied. */
    firstConflictingId: z.number().int().positive().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function okBody<T extends z.ZodType>(data: T) {
  return z.object({ ok: z.literal(true), data });
}

// ---------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------

/** `<storeId>.<deviceId>.<secret>`: the secret is 32 random bytes, base64url. */
export const DeviceToken = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,49}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/,
    'not a device credential',
  );
export type DeviceToken = z.infer<typeof DeviceToken>;

/** `<storeId>.XXXX-XXXX-XXXX-XXXX` (Crockford-like alphabet, no 0/O/1/I), case-insensitive. */
export const EnrollmentCode = z
  .string()
  .trim()
  .transform((s) => {
    const dot = s.lastIndexOf('.');
    return dot < 0 ? s : `${s.slice(0, dot).toLowerCase()}.${s.slice(dot + 1).toUpperCase()}`;
  })
  .pipe(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,49}\.[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/,
        'not an enrollment code (expected store.XXXX-XXXX-XXXX-XXXX)',
      ),
  );

/** A register's highest receipt sequence and Z number HQ holds. */
export const RegisterCounters = z.object({
  receiptSeq: z.number().int().nonnegative(),
  zNumber: z.number().int().nonnegative(),
});
export type RegisterCounters = z.infer<typeof RegisterCounters>;

/** A device secret: 32 random bytes, base64url (the third part of a DeviceToken). */
export const DeviceSecret = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a device secret');

export const EnrollRequest = z.object({
  code: EnrollmentCode,
  label: z.string().trim().min(1).max(100).optional(),
  /**
   * The device secret the till made up and stored before asking. HQ keeps only its hash, and
   * answers the same code with the same secret again with the same credential: a till that
   * lost the answer retries without burning the code. Without it HQ makes one up (older
   * tills), and such a request cannot be repeated.
   */
  secret: DeviceSecret.optional(),
});
export type EnrollRequest = z.input<typeof EnrollRequest>;

export const EnrollResult = z.object({
  deviceId: Uuid,
  storeId: StoreId,
  registerId: RegisterId,
  token: DeviceToken,
  /** The store row, so the till can set its identity before the first download. */
  store: StoreEntity,
  /**
   * The register's highest receipt sequence and Z number HQ already holds: a till that takes
   * over a register with history continues after them instead of reusing receipt numbers.
   */
  counters: RegisterCounters,
});
export type EnrollResult = z.infer<typeof EnrollResult>;

export const DeviceInfo = z.object({
  deviceId: Uuid,
  storeId: StoreId,
  registerId: RegisterId,
  lastMutationId: z.number().int().nonnegative(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/**
 * The till continues as a new device after its counter went backwards. The till makes up the
 * new ID and secret itself and stores them before asking, so a lost answer is simply retried
 * (HQ treats the same request again as done).
 */
export const RebaseRequest = z.object({
  newDeviceId: Uuid,
  newSecret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** The first mutation ID the new device will send; HQ starts its counter one below. */
  fromMutationId: z.number().int().positive(),
});
export type RebaseRequest = z.infer<typeof RebaseRequest>;

export const RebaseResult = z.object({
  deviceId: Uuid,
  token: DeviceToken,
  lastMutationId: z.number().int().nonnegative(),
  /** A restored till also lost receipt numbers HQ has seen: it continues after them. */
  counters: RegisterCounters,
});
export type RebaseResult = z.infer<typeof RebaseResult>;

// ---------------------------------------------------------------------------------------
// Push: till -> HQ, exactly once
// ---------------------------------------------------------------------------------------

export const PushRequest = z.object({
  /** Consecutive mutation IDs, ascending. */
  mutations: z.array(Mutation).min(1).max(MAX_PUSH_MUTATIONS),
});
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * What HQ found wrong around a fact it recorded (a customer email another record has, a
 * receipt number issued twice...): the fact is recorded, a person at HQ works the exception.
 */
const Exceptions = z.array(MutationException).max(50).optional();

export const MutationResult = z.discriminatedUnion('status', [
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('applied'),
    exceptions: Exceptions,
  }),
  /** HQ already had its effect (same sale, shift, customer...): acknowledged, no change. */
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('duplicate'),
    exceptions: Exceptions,
  }),
  /**
   * HQ could not record it (not authentic: arithmetic that does not add up, a time outside
   * what HQ keeps; or a reference it cannot do without, like a void of a sale HQ does not
   * hold). Kept whole in HQ's quarantine for staff to re-apply; the counter moved on. Shown at
   * the till with its reason.
   */
  z.object({
    mutationId: z.number().int().positive(),
    status: z.literal('rejected'),
    code: z.string().min(1).max(100),
    message: z.string().max(2_000),
  }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const PushResult = z.object({
  /** HQ's last applied mutation ID for this device after this request. */
  lastMutationId: z.number().int().nonnegative(),
  /**
   * One result per mutation sent, in order. A mutation HQ had applied before (a retry after a
   * lost acknowledgement) gets its original result again, rejections included.
   */
  results: z.array(MutationResult),
});
export type PushResult = z.infer<typeof PushResult>;

// ---------------------------------------------------------------------------------------
// Pull: HQ -> till, in commit order
// ---------------------------------------------------------------------------------------

/** Largest PostgreSQL xid8 (a 64-bit unsigned transaction ID). */
const MAX_XID8 = 18_446_744_073_709_551_615n;
/** A transaction ID as decimal text that fits xid8. */
export function isXid8Text(text: string): boolean {
  return /^[0-9]{1,20}$/.test(text) && BigInt(text) <= MAX_XID8;
}

/**
 * Opaque to the till. HQ issues `c1.<feed epoch>.0.<store change number>`; HQs before the
 * per-store feed issued `c1.<feed epoch>.<transaction ID>.<seq>`, which HQ now answers with
 * resync_required once. The shape is the same, so tills of either version accept both. Holds
 * no store.
 */
export const Cursor = z
  .string()
  // Epoch a UUID, third field 0 or an old transaction ID (within xid8), change number a safe
  // integer: a cursor the schema accepts is one HQ can answer (position, legacy) without a
  // failed cast or a lost digit.
  .regex(
    /^c1\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[0-9]{1,20}\.[0-9]{1,16}$/,
  )
  .refine((cursor) => {
    const [, , txid = '', seq = ''] = cursor.split('.');
    return isXid8Text(txid) && Number.isSafeInteger(Number(seq));
  }, 'cursor out of range');
export type Cursor = z.infer<typeof Cursor>;

/**
 * GET /v1/checksums (issue 11, item 7): per-table checksums of the store's catalog, read in one
 * snapshot together with the feed position they describe (db/queries/catalog-checksums.ts). A
 * till compares them with its own only when its cursor equals `cursor` (it holds exactly the
 * feed up to there); a table that differs is downloaded afresh.
 */
export const CatalogChecksums = z.object({
  cursor: Cursor,
  tables: z
    .array(
      z.object({
        table: z.enum([
          'products',
          'categories',
          'category_tax_rates',
          'registers',
          'staff',
          'stock_levels',
        ]),
        count: z.number().int().nonnegative(),
        sum: z.string().regex(/^[0-9]{1,40}$/),
      }),
    )
    .max(50),
});
export type CatalogChecksums = z.infer<typeof CatalogChecksums>;

/**
 * POST /v1/receipts/lookup (issue 13, returns at any register): a till asks HQ for a receipt of
 * its store that it does not hold (sold at another register). HQ answers under the store's
 * tenant key, so a till never reads another store's receipts.
 */
export const ReceiptLookupRequest = z.object({
  receiptNumber: z.string().trim().min(1).max(80),
});
export type ReceiptLookupRequest = z.infer<typeof ReceiptLookupRequest>;

/** A return HQ holds against the receipt: which sold lines and how many units it took back. */
export const ReceiptReturnRecord = z.object({
  transactionId: Uuid,
  status: z.enum(['completed', 'voided']),
  /** What it put back on card (negative: a refund), so a refund to card never exceeds the charge. */
  cardCents: z.number().int().safe(),
  lines: z
    .array(z.object({ originalItemId: Uuid, quantity: z.number().int().positive() }))
    .max(500),
});
export type ReceiptReturnRecord = z.infer<typeof ReceiptReturnRecord>;

export const ReceiptLookup = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    /** The sale as its till sent it (no stock movements, no card authorisation codes). */
    sale: SaleRecorded,
    status: z.enum(['completed', 'voided']),
    /** Every return HQ holds against it, from any register (voided ones too). */
    returns: z.array(ReceiptReturnRecord).max(1_000),
  }),
  z.object({
    found: z.literal(false),
    /**
     * The receipt number is another store's of the chain (its name): returns are taken only
     * at the store that sold (docs/checkout.md, "Returns at any register").
     */
    otherStore: z.string().max(100).nullable(),
  }),
]);
export type ReceiptLookup = z.infer<typeof ReceiptLookup>;

export const EmbeddingKey = z.object({
  productId: Uuid,
  embeddingModel: z.string().min(1).max(100),
});
export type EmbeddingKey = z.infer<typeof EmbeddingKey>;

/** Current rows, grouped by table. A till applies them only if their version is newer. */
export const Changes = z.object({
  stores: z.array(StoreEntity),
  categories: z.array(CategoryEntity),
  categoryTaxRates: z.array(CategoryTaxRateEntity),
  registers: z.array(RegisterEntity),
  staff: z.array(StaffEntity),
  products: z.array(ProductEntity),
  customers: z.array(CustomerEntity),
  stockLevels: z.array(StockLevelEntity),
  storedValueAllowances: z.array(StoredValueAllowanceEntity),
  embeddings: z.array(EmbeddingEntity),
  promotions: z.array(PromotionEntity),
});
export type Changes = z.infer<typeof Changes>;

/** Keys of rows HQ no longer has (tombstones). */
export const Deletes = z.object({
  categories: z.array(z.number().int().positive()),
  categoryTaxRates: z.array(z.number().int().positive()),
  registers: z.array(RegisterId),
  staff: z.array(Uuid),
  products: z.array(Uuid),
  customers: z.array(Uuid),
  stockLevels: z.array(Uuid),
  storedValueAllowances: z.array(Uuid),
  embeddings: z.array(EmbeddingKey),
  promotions: z.array(Uuid),
});
export type Deletes = z.infer<typeof Deletes>;

export const PullRequest = z.object({
  cursor: Cursor,
  /** Most change-log entries per page (a single huge HQ transaction may exceed it). */
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
  /** Long poll: wait up to this long for a change when there is none now. */
  waitMs: z.number().int().min(0).max(MAX_PULL_WAIT_MS).optional(),
});
export type PullRequest = z.infer<typeof PullRequest>;

export const PullPage = z.object({
  /** Apply `changes` and `deletes`, then store this cursor, in ONE local transaction. */
  cursor: Cursor,
  changes: Changes,
  deletes: Deletes,
  /**
   * This device's mutations up to this ID are included in the stock levels the till holds
   * once the page is applied (null: no news). Local movements above it still count.
   */
  stockAck: z.number().int().nonnegative().nullable(),
  /** Change-log entries this page covered. */
  entries: z.number().int().nonnegative(),
  /** More entries are ready now: pull again at once. */
  more: z.boolean(),
});
export type PullPage = z.infer<typeof PullPage>;

// ---------------------------------------------------------------------------------------
// Snapshot: a full download (first sync of a new till, or a resync)
// ---------------------------------------------------------------------------------------

/** Opaque to the till; resumes the download where it stopped. */
export const SnapshotToken = z.string().min(1).max(1_000);

export const SnapshotRequest = z.object({
  /** null starts a new snapshot (its horizon is taken now). */
  token: SnapshotToken.nullable(),
  limit: z.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
});
export type SnapshotRequest = z.infer<typeof SnapshotRequest>;

export const SnapshotPage = z.object({
  /** Continue with this token; store it with the page in one local transaction. */
  token: SnapshotToken,
  changes: Changes,
  /** Rows in this page, rows done so far (including this page) and in total (estimate). */
  rows: z.number().int().nonnegative(),
  progress: z.object({
    stage: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  /** Last page: continue the change feed from `cursor`. */
  done: z.boolean(),
  cursor: Cursor.nullable(),
});
export type SnapshotPage = z.infer<typeof SnapshotPage>;

export function emptyChanges(): Changes {
  return {
    stores: [],
    categories: [],
    categoryTaxRates: [],
    registers: [],
    staff: [],
    products: [],
    customers: [],
    stockLevels: [],
    storedValueAllowances: [],
    embeddings: [],
    promotions: [],
  };
}

export function emptyDeletes(): Deletes {
  return {
    categories: [],
    categoryTaxRates: [],
    registers: [],
    staff: [],
    products: [],
    customers: [],
    stockLevels: [],
    storedValueAllowances: [],
    embeddings: [],
    promotions: [],
  };
}

export function changeCount(changes: Changes): number {
  return Object.values(changes).reduce((n, rows: readonly unknown[]) => n + rows.length, 0);
}
