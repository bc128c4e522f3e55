/** `npm run hq:admin` commands for stores, categories, products, prices, PINs and the feed. */
import type { Command } from 'commander';
import { readStdin, type AdminClient } from './client';
import { UUID, boolArg, intArg, priceArg } from './args';

export function registerCatalogCommands(program: Command, { api, print }: AdminClient): void {
  program.command('stores').action(async () => {
    const { stores } = await api<{ stores: Array<{ storeId: string; storeName: string }> }>(
      'GET',
      '/stores',
    );
    print(stores, () => stores.map((s) => `${s.storeId}\t${s.storeName}`).join('\n'));
  });

  program.command('categories').action(async () => {
    const { categories } = await api<{
      categories: Array<{ categoryId: number; categoryName: string; isActive: boolean }>;
    }>('GET', '/categories');
    print(categories, () =>
      categories
        .map((c) => `${c.categoryId}\t${c.categoryName}${c.isActive ? '' : ' (inactive)'}`)
        .join('\n'),
    );
  });

  program
    .command('category <categoryId> <name>')
    .description('create or rename a category (shared by every store)')
    .option('--description <text>')
    .option('--inactive', 'mark inactive')
    .action(async (id: string, name: string, o: { description?: string; inactive?: boolean }) => {
      const r = await api('PUT', '/categories', {
        categoryId: intArg(id),
        categoryName: name,
        description: o.description,
        isActive: o.inactive ? false : undefined,
      });
      print(r, () => `Category ${id} saved.`);
    });

  program
    .command('products <storeId>')
    .option('--search <text>', 'SKU or part of the name')
    .option('--limit <n>', 'rows', intArg, 20)
    .action(async (storeId: string, o: { search?: string; limit: number }) => {
      const q = new URLSearchParams({
        limit: String(o.limit),
        ...(o.search ? { search: o.search } : {}),
      });
      const { products } = await api<{
        products: Array<{
          productId: string;
          sku: string;
          productName: string;
          priceCents: number;
        }>;
      }>('GET', `/stores/${storeId}/products?${q.toString()}`);
      print(products, () =>
        products
          .map(
            (p) => `${p.sku}\t${(p.priceCents / 100).toFixed(2)}\t${p.productName}\t${p.productId}`,
          )
          .join('\n'),
      );
    });

  program
    .command('price <storeId> <skuOrProductId> <price>')
    .description('change a price (store "all" changes it in every store)')
    .action(async (storeId: string, ref: string, price: string) => {
      const priceCents = priceArg(price);
      const change = UUID.test(ref) ? { productId: ref, priceCents } : { sku: ref, priceCents };
      const r = await api<{ updated: number; unknown: string[] }>('POST', '/prices', {
        storeId: storeId === 'all' ? undefined : storeId,
        changes: [change],
      });
      print(r, () =>
        r.unknown.length > 0
          ? `No product ${r.unknown.join(', ')}.`
          : `Updated ${r.updated} row(s).`,
      );
    });

  program
    .command('staff-pin <storeId> <staffId>')
    .description("set a staff member's PIN, read from stdin (a manager's: at least 6 digits)")
    .action(async (storeId: string, staffId: string) => {
      const pin = (await readStdin()).trim();
      const r = await api<{ displayName: string; role: string }>(
        'PUT',
        `/stores/${storeId}/staff/${staffId}/pin`,
        { pin },
      );
      print(r, () => `New PIN set for ${r.displayName} (${r.role}); the store's tills receive it.`);
    });

  program
    .command('product <storeId> <productId>')
    .description('edit a product')
    .option('--name <name>')
    .option('--price <price>', 'e.g. 12.99', priceArg)
    .option('--active <bool>', 'true or false', boolArg)
    .option('--category <id>', 'category ID', intArg)
    .option('--description <text>')
    .action(
      async (
        storeId: string,
        productId: string,
        o: {
          name?: string;
          price?: number;
          active?: boolean;
          category?: number;
          description?: string;
        },
      ) => {
        const patch = {
          productName: o.name,
          priceCents: o.price,
          isActive: o.active,
          categoryId: o.category,
          productDescription: o.description,
        };
        const r = await api('PATCH', `/stores/${storeId}/products/${productId}`, patch);
        print(r, () => `Product ${productId} saved.`);
      },
    );

  program
    .command('delete-product <storeId> <productId>')
    .action(async (storeId: string, productId: string) => {
      const r = await api('DELETE', `/stores/${storeId}/products/${productId}`);
      print(r, () => `Product ${productId} deleted.`);
    });

  program
    .command('feed-reset <storeId>')
    .description("reset a store's change feed: all its tills download their catalog afresh")
    .action(async (storeId: string) => {
      const r = await api('POST', `/stores/${storeId}/feed/reset`);
      print(r, () => `Feed of ${storeId} reset.`);
    });
}
