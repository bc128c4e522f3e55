/** The catalog at the till: the scanner path (exact code), search as you type, substitutes. */
import { CatalogInput, type ProductSummary } from '../../contract/till-api/catalog';
import { NotFoundError, ValidationError } from '../../db/errors';
import { lookupByCode } from '../../db/queries/catalog';
import { withPricesAt } from '../../db/queries/scheduled-prices';
import { define } from './define';
import { productSearch } from './search';

export const catalogHandlers = {
  /** Scanner path: an exact barcode or SKU. Unknown codes are a not_found error, never a line. */
  scan: define({
    input: CatalogInput.scan,
    staff: 'none',
    run: async ({ till }, { code }): Promise<ProductSummary> => {
      const t = await till();
      const trimmed = code.trim();
      if (trimmed === '') throw new ValidationError('Nothing was scanned');
      if (trimmed.length > 64)
        throw new NotFoundError(
          `That is not a product code (${trimmed.length} characters; codes are at most 64)`,
        );
      const product = await lookupByCode(t.db, t.identity.storeId, trimmed);
      if (!product) throw new NotFoundError(`No product has the code ${trimmed}`);
      // The price now by the till's clock: a scheduled price in force wins (offline too).
      const [priced] = await withPricesAt(
        t.db,
        { storeId: t.identity.storeId, at: t.clock.now() },
        [product],
      );
      return priced ?? product;
    },
  }),

  search: define({
    input: CatalogInput.search,
    staff: 'none',
    run: async ({ till }, input) => productSearch.search(await till(), input),
  }),

  substitutes: define({
    input: CatalogInput.substitutes,
    staff: 'none',
    run: async ({ till }, input) => productSearch.substitutes(await till(), input),
  }),
};
