/**
 * /console/api staff routes (contract/console-staff.ts): a store's staff, added, disabled or
 * enabled, and given a new PIN. Registered inside the console's scope (console-routes.ts), so
 * the session, CSRF and origin checks have run; each route checks the user may change the
 * store before any work.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { CreateStaff, StaffActive, StaffRePin } from '../../contract/console-staff';
import { StoreId, Uuid } from '../../contract/mutations';
import { assertRead, assertWrite } from '../services/console/access';
import type { Actor } from '../services/console/audit';
import {
  createStaff,
  listConsoleStaff,
  rePinStaff,
  setStaffActive,
} from '../services/console/staff';
import { userOf } from './console-auth';

const ok = <T>(data: T) => ({ ok: true as const, data });
const actorOf = (u: { userId: string; email: string }): Actor => ({
  userId: u.userId,
  email: u.email,
});
const StaffParams = z.object({ storeId: StoreId, staffId: Uuid });

export function registerConsoleStaffRoutes(api: FastifyInstance, app: pg.Pool): void {
  const r = api.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/stores/:storeId/staff',
    { schema: { params: z.object({ storeId: StoreId }) } },
    async (request) => {
      assertRead(userOf(request), request.params.storeId);
      return ok({ staff: await listConsoleStaff(app, request.params.storeId) });
    },
  );

  r.post('/staff', { schema: { body: CreateStaff } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, [request.body.storeId]);
    return ok(await createStaff(app, { input: request.body, actor: actorOf(user) }));
  });

  r.post(
    '/stores/:storeId/staff/:staffId/active',
    { schema: { params: StaffParams, body: StaffActive } },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      return ok(
        await setStaffActive(app, {
          ...request.params,
          active: request.body.active,
          actor: actorOf(user),
        }),
      );
    },
  );

  r.post(
    '/stores/:storeId/staff/:staffId/pin',
    { schema: { params: StaffParams, body: StaffRePin } },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      return ok(
        await rePinStaff(app, { ...request.params, pin: request.body.pin, actor: actorOf(user) }),
      );
    },
  );
}
