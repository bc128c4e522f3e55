/**
 * /console/api exceptions and reconciliation routes (contract/console-exceptions.ts).
 * Registered inside the console's scope (console-routes.ts), so the session, CSRF and origin
 * checks have run; each route checks the user's role and stores before any work. Everyone
 * reads the queue of the stores they see; resolving and reconciling (which records findings)
 * are changes, refused to analysts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import {
  ConsoleExceptionQuery,
  ConsoleReconcile,
  ConsoleResolveException,
} from '../../contract/console-exceptions';
import { StoreId, Uuid } from '../../contract/mutations';
import { assertRead, assertWrite } from '../services/console/access';
import type { Actor } from '../services/console/audit';
import {
  listConsoleExceptions,
  reconcileConsole,
  resolveConsoleException,
} from '../services/console/exceptions';
import { userOf } from './console-auth';

const ok = <T>(data: T) => ({ ok: true as const, data });
const actorOf = (u: { userId: string; email: string }): Actor => ({
  userId: u.userId,
  email: u.email,
});

export function registerConsoleExceptionRoutes(api: FastifyInstance, app: pg.Pool): void {
  const r = api.withTypeProvider<ZodTypeProvider>();

  r.get('/exceptions', { schema: { querystring: ConsoleExceptionQuery } }, async (request) => {
    const user = userOf(request);
    if (request.query.storeId) assertRead(user, request.query.storeId);
    return ok({ exceptions: await listConsoleExceptions(app, { user, query: request.query }) });
  });

  r.post(
    '/stores/:storeId/exceptions/:exceptionId/resolve',
    {
      schema: {
        params: z.object({ storeId: StoreId, exceptionId: Uuid }),
        body: ConsoleResolveException,
      },
    },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      return ok(
        await resolveConsoleException(app, {
          ...request.params,
          resolution: request.body.resolution,
          actor: actorOf(user),
        }),
      );
    },
  );

  r.post('/reconcile', { schema: { body: ConsoleReconcile } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, request.body.storeId ? [request.body.storeId] : []);
    return ok(await reconcileConsole(app, { user, request: request.body, actor: actorOf(user) }));
  });
}
