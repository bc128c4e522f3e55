/**
 * /console/api: what the HQ console page calls (contract/console-protocol.ts). Sessions and
 * CSRF are checked by console-auth.ts before a route runs; each route checks the user's role
 * and stores (hq/services/console/access.ts) before any work, then calls a service.
 * Store-scoped work runs as edgepos_app under withTenant; reports run as the read-only
 * edgepos_reporting role.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import {
  ConsolePriceEdit,
  ConsoleProductQuery,
  ConsoleUserCreate,
  CreateRegister,
  PriceImport,
  ReportQuery,
  SignIn,
} from '../../contract/console-protocol';
import { RevokeDevice } from '../../contract/admin-protocol';
import { ConsoleDeviceQuery } from '../../contract/console-devices';
import { StoreId, Uuid } from '../../contract/mutations';
import { listDevices, revokeDevice } from '../services/devices/admin';
import { createEnrollmentCode } from '../services/enroll';
import { listStores } from '../services/stores';
import { assertAdmin, assertRead, assertWrite, visibleStores } from '../services/console/access';
import { listAudit, recordAudit, type Actor } from '../services/console/audit';
import { editPrice, listConsoleProducts, setProductActive } from '../services/console/catalog';
import { importPrices } from '../services/console/price-import';
import { createRegister, listRegisters } from '../services/console/registers';
import {
  cashierActivity,
  lowStock,
  salesByDay,
  salesByHour,
  tenderMix,
  topProducts,
} from '../services/console/reports';
import { createSession, csrfTokenOf, endSession } from '../services/console/sessions';
import { inTransaction } from '../services/console/transaction';
import { authenticate, createUser, listUsers, setUserDisabled } from '../services/console/users';
import { systemClock, type Clock } from '../../core/clock';
import { registerConsoleCatalogRoutes } from './console-catalog-routes';
import { registerConsoleTaxRoutes } from './console-tax-routes';
import { registerConsolePriceRoutes } from './console-price-routes';
import { registerConsoleExceptionRoutes } from './console-exceptions-routes';
import { registerConsoleStaffRoutes } from './console-staff-routes';
import {
  clearSessionCookie,
  consoleAuth,
  sameOrigin,
  setSessionCookie,
  userOf,
} from './console-auth';

export interface ConsoleRouteOptions {
  app: pg.Pool;
  /** The owner role: writes the shared categories (the app role may only read them). */
  owner: pg.Pool;
  reporting: pg.Pool;
  /** HQ's clock (scheduled prices are judged by it); the system clock unless injected. */
  clock?: Clock | undefined;
}

const ok = <T>(data: T) => ({ ok: true as const, data });
const actorOf = (u: { userId: string; email: string }): Actor => ({
  userId: u.userId,
  email: u.email,
});

export function registerConsoleRoutes(api: FastifyInstance, options: ConsoleRouteOptions): void {
  const { app, owner, reporting } = options;
  api.addHook('onRequest', sameOrigin);
  api.addHook('onRequest', consoleAuth(app, new Set(['/console/api/sign-in'])));
  api.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  const r = api.withTypeProvider<ZodTypeProvider>();

  // ---- session -------------------------------------------------------------------------

  r.post('/sign-in', { schema: { body: SignIn } }, async (request, reply) => {
    const user = await authenticate(app, { ...request.body, ip: request.ip });
    const token = await createSession(app, user.userId);
    setSessionCookie(request, reply, token);
    request.log.info({ consoleUser: user.email }, 'console sign-in');
    return ok({ user, csrfToken: csrfTokenOf(token) });
  });

  r.post('/sign-out', async (request, reply) => {
    const user = userOf(request);
    await endSession(app, request.consoleToken ?? '');
    await inTransaction(app, (tx) => recordAudit(tx, actorOf(user), { action: 'sign-out' }));
    clearSessionCookie(reply);
    return ok({ signedOut: true });
  });

  r.get('/session', (request) =>
    ok({ user: userOf(request), csrfToken: csrfTokenOf(request.consoleToken ?? '') }),
  );

  // ---- stores, catalog -----------------------------------------------------------------

  r.get('/stores', async (request) => {
    const user = userOf(request);
    const stores = await listStores(app);
    const visible = new Set(
      visibleStores(
        user,
        stores.map((s) => s.storeId),
      ),
    );
    return ok({ stores: stores.filter((s) => visible.has(s.storeId)) });
  });

  r.get('/products', { schema: { querystring: ConsoleProductQuery } }, async (request) => {
    assertRead(userOf(request), request.query.storeId);
    return ok({
      products: await listConsoleProducts(app, {
        storeId: request.query.storeId,
        search: request.query.search,
      }),
    });
  });

  // Every product of the store (LIMIT NULL), for the catalog's CSV export.
  r.get(
    '/products/export',
    { schema: { querystring: ConsoleProductQuery.pick({ storeId: true }) } },
    async (request) => {
      assertRead(userOf(request), request.query.storeId);
      return ok({
        products: await listConsoleProducts(app, { storeId: request.query.storeId, limit: null }),
      });
    },
  );

  r.post('/prices', { schema: { body: ConsolePriceEdit } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, request.body.storeIds);
    return ok(
      await editPrice(app, {
        edit: request.body,
        actor: actorOf(user),
        now: (options.clock ?? systemClock).now(),
      }),
    );
  });

  r.post(
    '/prices/import',
    { schema: { body: PriceImport }, bodyLimit: 3 * 1024 * 1024 },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, []);
      return ok(
        await importPrices(app, {
          csv: request.body.csv,
          apply: request.body.apply,
          user,
          actor: actorOf(user),
        }),
      );
    },
  );

  r.post(
    '/stores/:storeId/products/:productId/active',
    {
      schema: {
        params: z.object({ storeId: StoreId, productId: Uuid }),
        body: z.object({ active: z.boolean() }),
      },
    },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      return ok(
        await setProductActive(app, {
          ...request.params,
          active: request.body.active,
          actor: actorOf(user),
        }),
      );
    },
  );

  // ---- products created and deleted, categories (console-catalog-routes.ts) --------------

  registerConsoleCatalogRoutes(api, { app, owner });
  registerConsoleTaxRoutes(api, { app, owner });
  registerConsolePriceRoutes(api, { app, clock: options.clock ?? systemClock });

  // ---- registers and devices -----------------------------------------------------------

  r.get(
    '/stores/:storeId/registers',
    { schema: { params: z.object({ storeId: StoreId }) } },
    async (request) => {
      assertRead(userOf(request), request.params.storeId);
      return ok({ registers: await listRegisters(app, request.params.storeId) });
    },
  );

  r.post('/registers', { schema: { body: CreateRegister } }, async (request) => {
    const user = userOf(request);
    assertWrite(user, [request.body.storeId]);
    return ok(await createRegister(app, { input: request.body, actor: actorOf(user) }));
  });

  r.post(
    '/stores/:storeId/registers/:registerId/enrollment-code',
    {
      schema: {
        params: z.object({ storeId: StoreId, registerId: z.string().regex(/^[A-Z0-9]{1,8}$/) }),
      },
    },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      const created = await createEnrollmentCode(app, {
        ...request.params,
        label: `console: ${user.email}`.slice(0, 100),
      });
      await inTransaction(app, (tx) =>
        recordAudit(tx, actorOf(user), {
          action: 'register.enrollment-code',
          storeId: created.storeId,
          target: created.registerId,
          after: { expiresAt: created.expiresAt },
        }),
      );
      return ok(created);
    },
  );

  // Every till's sync health, of one store or every store the user sees; with HQ's clock, so
  // the page measures silence against HQ's time.
  r.get('/devices', { schema: { querystring: ConsoleDeviceQuery } }, async (request) => {
    const user = userOf(request);
    if (request.query.storeId) assertRead(user, request.query.storeId);
    const devices = await listDevices(app, { storeId: request.query.storeId });
    const visible = new Set(visibleStores(user, [...new Set(devices.map((d) => d.storeId))]));
    return ok({
      devices: devices.filter((d) => visible.has(d.storeId)),
      now: new Date().toISOString(),
    });
  });

  r.post(
    '/stores/:storeId/devices/:deviceId/revoke',
    { schema: { params: z.object({ storeId: StoreId, deviceId: Uuid }), body: RevokeDevice } },
    async (request) => {
      const user = userOf(request);
      assertWrite(user, [request.params.storeId]);
      await revokeDevice(app, {
        ...request.params,
        reason: request.body.reason,
        audit: (tx) =>
          recordAudit(tx, actorOf(user), {
            action: 'device.revoke',
            storeId: request.params.storeId,
            target: request.params.deviceId,
            after: { reason: request.body.reason },
          }),
      });
      return ok({ revoked: true });
    },
  );

  // ---- staff (console-staff-routes.ts) --------------------------------------------------

  registerConsoleStaffRoutes(api, app);

  // ---- exceptions and reconciliation (console-exceptions-routes.ts) ----------------------

  registerConsoleExceptionRoutes(api, app);

  // ---- reports -------------------------------------------------------------------------

  const rangeOf = async (
    user: ReturnType<typeof userOf>,
    q: { from: string; to: string; stores?: string[] | undefined },
  ) => {
    const all = (await listStores(app)).map((s) => s.storeId);
    const wanted = q.stores ?? visibleStores(user, all);
    for (const s of wanted) assertRead(user, s);
    return { from: q.from, to: q.to, storeIds: wanted.filter((s) => all.includes(s)) };
  };

  r.get('/reports/sales-by-day', { schema: { querystring: ReportQuery } }, async (request) =>
    ok(await salesByDay(reporting, await rangeOf(userOf(request), request.query))),
  );
  r.get('/reports/top-products', { schema: { querystring: ReportQuery } }, async (request) =>
    ok(
      await topProducts(reporting, {
        ...(await rangeOf(userOf(request), request.query)),
        limit: 20,
      }),
    ),
  );
  r.get('/reports/low-stock', { schema: { querystring: ReportQuery } }, async (request) =>
    ok(await lowStock(reporting, await rangeOf(userOf(request), request.query))),
  );
  r.get('/reports/sales-by-hour', { schema: { querystring: ReportQuery } }, async (request) =>
    ok(await salesByHour(reporting, await rangeOf(userOf(request), request.query))),
  );
  r.get('/reports/tender-mix', { schema: { querystring: ReportQuery } }, async (request) =>
    ok(await tenderMix(reporting, await rangeOf(userOf(request), request.query))),
  );
  r.get('/reports/cashiers', { schema: { querystring: ReportQuery } }, async (request) =>
    ok(await cashierActivity(reporting, await rangeOf(userOf(request), request.query))),
  );

  // ---- users and audit (administrators) ------------------------------------------------

  r.get('/users', async (request) => {
    assertAdmin(userOf(request));
    return ok({ users: await listUsers(app) });
  });
  r.post('/users', { schema: { body: ConsoleUserCreate } }, async (request) => {
    const user = userOf(request);
    assertAdmin(user);
    return ok(await createUser(app, { input: request.body, actor: actorOf(user) }));
  });
  r.post(
    '/users/:userId/disabled',
    { schema: { params: z.object({ userId: Uuid }), body: z.object({ disabled: z.boolean() }) } },
    async (request) => {
      const user = userOf(request);
      assertAdmin(user);
      return ok(
        await setUserDisabled(app, {
          userId: request.params.userId,
          disabled: request.body.disabled,
          actor: actorOf(user),
        }),
      );
    },
  );
  r.get(
    '/audit',
    {
      schema: {
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }),
      },
    },
    async (request) => {
      assertAdmin(userOf(request));
      return ok({ entries: await listAudit(app, { limit: request.query.limit ?? 200 }) });
    },
  );
}
