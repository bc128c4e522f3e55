/**
 * /console/api products created and deleted, and the chain's categories
 * (contract/console-catalog.ts). Registered inside the console's scope (console-routes.ts), so
 * the session, CSRF and origin checks have run; each route checks the user's role and stores
 * before any work. Categories are shared by every store: administrators only.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import {
  ConsoleCategoryCreate,
  ConsoleCategoryUpdate,
  ConsoleProductCreate,
} from '../../contract/console-catalog';
import { StoreId, Uuid } from '../../contract/mutations';
import { listCategories } from '../services/categories';
import { assertAdmin, assertWrite } from '../services/console/access';
import type { Actor } from '../services/console/audit';
import {
  createConsoleCategory,
  createConsoleProduct,
  deleteConsoleProduct,
  updateConsoleCategory,
} from '../services/console/products';
import { userOf } from './console-auth';

const ok = <T>(data: T) => ({ ok: true as const, data });
const actorOf = (u: { userId: string; email: string }): Actor => ({
  userId: u.userId,
  email: u.email,
});

export function registerConsoleCatalogRoutes(
  api: FastifyInstance,
  pools: { app: pg.Pool; owner: pg.Pool },
): void {
  const r = api.withTypeProvider<ZodTypeProvider>();

  r.post('/products', { schema: { body: ConsoleProductCreate } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, [request.body.storeId]);
    return ok(await createConsoleProduct(pools.app, { input: request.body, actor: actorOf(user) }));
  });

  r.post(
    '/stores/:storeId/products/:productId/delete',
    { schema: { params: z.object({ storeId: StoreId, productId: Uuid }) } },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      await deleteConsoleProduct(pools.app, { ...request.params, actor: actorOf(user) });
      return ok({ deleted: true });
    },
  );

  r.get('/categories', async () => ok({ categories: await listCategories(pools.app) }));

  r.post('/categories', { schema: { body: ConsoleCategoryCreate } }, async (request) => {
    const user = userOf(request);
    assertAdmin(user);
    return ok(
      await createConsoleCategory(pools.owner, { input: request.body, actor: actorOf(user) }),
    );
  });

  r.post(
    '/categories/:categoryId',
    {
      schema: {
        params: z.object({ categoryId: z.coerce.number().int().positive().max(2_147_483_647) }),
        body: ConsoleCategoryUpdate,
      },
    },
    async (request) => {
      const user = userOf(request);
      assertAdmin(user);
      return ok(
        await updateConsoleCategory(pools.owner, {
          categoryId: request.params.categoryId,
          input: request.body,
          actor: actorOf(user),
        }),
      );
    },
  );
}
