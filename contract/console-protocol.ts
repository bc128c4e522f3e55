/**
 * HQ console contract (issue 14): what the console page sends to /console/api and what it gets
 * back. The SAME schemas validate the forms in the page (messages are shown next to the field,
 * so they are written for people, not programmers) and the requests at the server.
 *
 * Authentication is a session cookie (HTTP-only, SameSite=Strict) set by sign-in; every
 * request that changes something also carries the session's CSRF token in the
 * `x-csrf-token` header (CONSOLE_CSRF_HEADER).
 */
import { z } from 'zod';
import { Cents, StoreId, Uuid } from './mutations';

export const CONSOLE_CSRF_HEADER = 'x-csrf-token';
export const CONSOLE_SESSION_COOKIE = 'edgepos_console';

/** admin: everything; manager: their stores only; analyst: reads every store, changes nothing. */
export const ConsoleRole = z.enum(['admin', 'manager', 'analyst']);
export type ConsoleRole = z.infer<typeof ConsoleRole>;

export const ConsoleEmail = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'Enter your email address')
  .max(200, 'That email address is too long')
  .regex(/^[^\s@]+@[^\s@]+$/, 'Enter an email address like ana@example.com');

/** Long passphrases beat complexity rules (NIST SP 800-63B): length only, 12 to 200. */
export const ConsolePassword = z
  .string()
  .min(12, 'Use at least 12 characters')
  .max(200, 'Use at most 200 characters');

export const SignIn = z.object({
  email: ConsoleEmail,
  password: z.string().min(1, 'Enter your password').max(200, 'Use at most 200 characters'),
});
export type SignIn = z.infer<typeof SignIn>;

export const ConsoleUser = z.object({
  userId: Uuid,
  email: z.string(),
  displayName: z.string(),
  role: ConsoleRole,
  storeIds: z.array(StoreId),
  disabled: z.boolean(),
});
export type ConsoleUser = z.infer<typeof ConsoleUser>;

export const ConsoleSession = z.object({ user: ConsoleUser, csrfToken: z.string() });
export type ConsoleSession = z.infer<typeof ConsoleSession>;

export const ConsoleUserCreate = z
  .object({
    email: ConsoleEmail,
    displayName: z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters'),
    role: ConsoleRole,
    storeIds: z.array(StoreId).max(500).default([]),
    password: ConsolePassword,
  })
  .superRefine((u, ctx) => {
    if (u.role === 'manager' && u.storeIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['storeIds'], message: 'Choose the stores they run' });
    if (u.role !== 'manager' && u.storeIds.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['storeIds'],
        message: 'Only store managers are limited to stores',
      });
  });
export type ConsoleUserCreate = z.input<typeof ConsoleUserCreate>;

/** A new price for one product (by SKU) in one or several stores, all or nothing. */
export const ConsolePriceEdit = z.object({
  sku: z.string().trim().min(1, 'Choose a product').max(50),
  priceCents: Cents.nonnegative('A price cannot be negative').max(
    99_999_999,
    'That price is too high',
  ),
  storeIds: z.array(StoreId).min(1, 'Choose at least one store').max(500),
});
export type ConsolePriceEdit = z.infer<typeof ConsolePriceEdit>;

export const ConsolePriceEditResult = z.object({
  /** Stores whose price changed (a store already at that price is left alone). */
  updated: z.array(StoreId),
  unchanged: z.array(StoreId),
});
export type ConsolePriceEditResult = z.infer<typeof ConsolePriceEditResult>;

export const ConsoleProduct = z.object({
  storeId: StoreId,
  productId: Uuid,
  sku: z.string(),
  barcode: z.string().nullable(),
  productName: z.string(),
  categoryId: z.number().int().nullable(),
  priceCents: Cents,
  isActive: z.boolean(),
});
export type ConsoleProduct = z.infer<typeof ConsoleProduct>;

export const ConsoleProductQuery = z.object({
  storeId: StoreId,
  search: z.string().trim().max(100).optional(),
});

export const CreateRegister = z.object({
  storeId: StoreId,
  registerId: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{1,8}$/, 'Use 1 to 8 letters or digits, like R03'),
  registerName: z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters'),
});
export type CreateRegister = z.infer<typeof CreateRegister>;

const IsoDay = z.iso.date('Enter a date like 2026-12-01');

export const ReportQuery = z
  .object({
    from: IsoDay,
    to: IsoDay,
    /** Comma-separated store IDs; omitted = every store the user may see. */
    stores: z
      .string()
      .max(20_000)
      .optional()
      .transform((s) => (s ? s.split(',').filter(Boolean) : undefined))
      .pipe(z.array(StoreId).optional()),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'The end date is before the start' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 731 * 86_400_000, {
    path: ['to'],
    message: 'Choose at most two years',
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const SalesDay = z.object({
  day: z.string(),
  netCents: Cents,
  taxCents: Cents,
  returnsCents: Cents,
  quantity: z.number().int(),
});
export const SalesByDay = z.object({
  stores: z.array(StoreId),
  days: z.array(SalesDay),
  /** Per store, net cents per day in the same order as `days`. */
  byStore: z.array(z.object({ storeId: StoreId, netCents: z.array(Cents) })),
});
export type SalesByDay = z.infer<typeof SalesByDay>;

export const TopProducts = z.object({
  products: z.array(
    z.object({
      productId: Uuid,
      sku: z.string(),
      productName: z.string(),
      quantity: z.number().int(),
      netCents: Cents,
    }),
  ),
  categories: z.array(
    z.object({
      categoryId: z.number().int().nullable(),
      categoryName: z.string(),
      quantity: z.number().int(),
      netCents: Cents,
    }),
  ),
});
export type TopProducts = z.infer<typeof TopProducts>;

export const LowStock = z.object({
  items: z.array(
    z.object({
      storeId: StoreId,
      productId: Uuid,
      sku: z.string(),
      productName: z.string(),
      onHand: z.number().int(),
      reorderPoint: z.number().int(),
      /** Units sold per day over the last 7 days of the range. */
      velocityPerDay: z.number(),
      /** Enough for 14 days of sales above the reorder point. */
      suggestedOrder: z.number().int().nonnegative(),
    }),
  ),
});
export type LowStock = z.infer<typeof LowStock>;

/** Net sales per hour of the store-local day (0-23), summed over the range and stores. */
export const SalesByHour = z.object({
  hours: z.array(
    z.object({
      hour: z.number().int().min(0).max(23),
      netCents: Cents,
      quantity: z.number().int(),
    }),
  ),
});
export type SalesByHour = z.infer<typeof SalesByHour>;

/** What customers paid with, per tender type, over the range and stores. */
export const TenderMix = z.object({
  tenders: z.array(
    z.object({ tenderType: z.string(), amountCents: Cents, payments: z.number().int() }),
  ),
});
export type TenderMix = z.infer<typeof TenderMix>;

/** Per store and cashier over the range: sales and returns rung, refunds, voids made. */
export const CashierActivity = z.object({
  cashiers: z.array(
    z.object({
      storeId: StoreId,
      cashierId: Uuid,
      cashierName: z.string(),
      sales: z.number().int(),
      returns: z.number().int(),
      refundsCents: Cents,
      voids: z.number().int(),
      voidedCents: Cents,
    }),
  ),
});
export type CashierActivity = z.infer<typeof CashierActivity>;

export const AuditEntry = z.object({
  auditId: z.number().int(),
  at: z.string(),
  userEmail: z.string(),
  action: z.string(),
  storeId: z.string().nullable(),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * Prices from a CSV file: header `sku,price,store` (store = a store ID; empty = every store the
 * user may change). `apply: false` only previews; `apply: true` applies every row or, if any
 * row has an error, none.
 */
export const PriceImport = z.object({
  csv: z.string().min(1, 'Choose a CSV file').max(2_000_000, 'That file is too big (2 MB at most)'),
  apply: z.boolean(),
});
export type PriceImport = z.infer<typeof PriceImport>;

export const PriceImportRow = z.object({
  line: z.number().int().positive(),
  sku: z.string(),
  storeId: z.string(),
  priceCents: Cents.nullable(),
  currentCents: Cents.nullable(),
  status: z.enum(['change', 'same', 'error']),
  error: z.string().optional(),
});
export type PriceImportRow = z.infer<typeof PriceImportRow>;

export const PriceImportResult = z.object({
  applied: z.boolean(),
  rows: z.array(PriceImportRow),
  changes: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});
export type PriceImportResult = z.infer<typeof PriceImportResult>;
