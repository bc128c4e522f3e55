/** The catalog at the till: the scanner path (exact code), search as you type, substitutes. */
import { ApiInput, type ProductSummary } from '../../contract/till-api';
import { NotFoundError, ValidationError } from '../../db/errors';
import { lookupByCode } from '../../db/queries/catalog';
import { define } from './define';
import { productSearch } from './search';

export const catalogHandlers = {
  /** Scanner path: an exact barcode or SKU. Unknown codes are a not_found error, never a line. */
  scan: define({
    input: ApiInput.scan,
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
      return product;
    },
  }),

  search: define({
    input: ApiInput.search,
    staff: 'none',
    run: async ({ till }, input) => productSearch.search(await till(), input),
  }),

  substitutes: define({
    input: ApiInput.substitutes,
    staff: 'none',
    run: async ({ till }, input) => productSearch.substitutes(await till(), input),
  }),
};
