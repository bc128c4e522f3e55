/**
 * /console/api scheduled price changes (contract/console-prices.ts). Registered inside the
 * console's scope (console-routes.ts), so the session, CSRF and origin checks have run; each
 * route checks the user's role and stores before any work. Time is HQ's clock (injected).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { ConsoleScheduledPriceCreate } from '../../contract/console-prices';
import { StoreId } from '../../contract/mutations';
import type { Clock } from '../../core/clock';
import { Uuid } from '../../core/ids';
import { assertRead, assertWrite } from '../services/console/access';
import {
  cancelScheduledPrice,
  listScheduledPrices,
  schedulePrice,
} from '../services/console/scheduled-prices';
import { userOf } from './console-auth';

const ok = <T>(data: T) => ({ ok: true as const, data });

export function registerConsolePriceRoutes(
  api: FastifyInstance,
  options: { app: pg.Pool; clock: Clock },
): void {
  const { app, clock } = options;
  const r = api.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/stores/:storeId/scheduled-prices',
    { schema: { params: z.object({ storeId: StoreId }) } },
    async (request) => {
      assertRead(userOf(request), request.params.storeId);
      return ok(await listScheduledPrices(app, { storeId: request.params.storeId, clock }));
    },
  );

  r.post(
    '/scheduled-prices',
    { schema: { body: ConsoleScheduledPriceCreate } },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, request.body.storeIds);
      const actor = { userId: user.userId, email: user.email };
      return ok({ scheduled: await schedulePrice(app, { input: request.body, actor, clock }) });
    },
  );

  r.post(
    '/stores/:storeId/scheduled-prices/:scheduleId/cancel',
    { schema: { params: z.object({ storeId: StoreId, scheduleId: Uuid }) } },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      const actor = { userId: user.userId, email: user.email };
      await cancelScheduledPrice(app, { ...request.params, actor, clock });
      return ok({ cancelled: true });
    },
  );
}
