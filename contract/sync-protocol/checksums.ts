/**
 * Catalog checksums (sync protocol, wire.ts): how a till checks its catalog against HQ's.
 */
import { z } from 'zod';
import { Cursor } from './cursor';

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
