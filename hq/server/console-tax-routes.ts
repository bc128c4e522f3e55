/**
 * /console/api tax rates per store and category (contract/console-tax.ts). Registered inside
 * the console's scope (console-routes.ts), so the session, CSRF and origin checks have run;
 * each route checks the user's role and stores before any work.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { ConsoleCategoryTaxRate, ConsoleStoreTaxRate } from '../../contract/console-tax';
import { StoreId } from '../../contract/mutations';
import { assertRead, assertWrite } from '../services/console/access';
import { listTaxRates, setCategoryTaxRate, setStoreTaxRate } from '../services/console/tax';
import { userOf } from './console-auth';

const ok = <T>(data: T) => ({ ok: true as const, data });

export function registerConsoleTaxRoutes(
  api: FastifyInstance,
  pools: { app: pg.Pool; owner: pg.Pool },
): void {
  const r = api.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/stores/:storeId/tax-rates',
    { schema: { params: z.object({ storeId: StoreId }) } },
    async (request) => {
      assertRead(userOf(request), request.params.storeId);
      return ok(await listTaxRates(pools.app, request.params.storeId));
    },
  );

  r.post('/tax/category-rate', { schema: { body: ConsoleCategoryTaxRate } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, request.body.storeIds);
    const actor = { userId: user.userId, email: user.email };
    return ok(await setCategoryTaxRate(pools.app, { input: request.body, actor }));
  });

  r.post('/tax/store-rate', { schema: { body: ConsoleStoreTaxRate } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, request.body.storeIds);
    const actor = { userId: user.userId, email: user.email };
    return ok(await setStoreTaxRate(pools.owner, { input: request.body, actor }));
  });
}
