/**
 * HQ console contract for creating and deleting products and for the chain's categories
 * (issue 14, item 2). The same schemas check the console's forms and the server's requests;
 * the rules are the catalog's (contract/catalog.ts ProductEntity, CategoryEntity), the
 * messages written for people.
 */
import { z } from 'zod';
import { CategoryEntity } from './catalog';
import { Cents, StoreId } from './mutations';

const CategoryNumber = z.number().int().positive().max(2_147_483_647);

/** A new product in one store (the other details can be set through the admin API). */
export const ConsoleProductCreate = z.object({
  storeId: StoreId,
  sku: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/,
      'Use up to 50 letters, digits, dots, dashes or underscores, like TEE-042',
    ),
  barcode: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z-]{1,64}$/, 'Use up to 64 letters, digits or dashes')
    .nullable(),
  productName: z.string().trim().min(1, 'Enter a name').max(200, 'Use at most 200 characters'),
  categoryId: CategoryNumber.nullable(),
  priceCents: Cents.nonnegative('A price cannot be negative').max(
    99_999_999,
    'That price is too high',
  ),
  reorderPoint: z
    .number()
    .int('Enter a whole number')
    .min(0, 'Enter 0 or more')
    .max(1_000_000, 'That is more than any shelf holds'),
});
export type ConsoleProductCreate = z.infer<typeof ConsoleProductCreate>;

export const ConsoleCategoryCreate = z.object({
  categoryName: z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters'),
  parentCategoryId: CategoryNumber.nullable(),
});
export type ConsoleCategoryCreate = z.infer<typeof ConsoleCategoryCreate>;

/** Rename, move, or stop / restart using a category. */
export const ConsoleCategoryUpdate = ConsoleCategoryCreate.extend({ isActive: z.boolean() });
export type ConsoleCategoryUpdate = z.infer<typeof ConsoleCategoryUpdate>;

export const ConsoleCategoryList = z.object({ categories: z.array(CategoryEntity) });
