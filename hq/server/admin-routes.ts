/**
 * /admin/v1: the administration API for HQ staff (and `npm run hq:admin`). Every route needs
 * `Authorization: Bearer <admin token>`; the token is compared by hash in constant time.
 * Bodies and parameters are validated with contract/admin-protocol.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { StoreId, Uuid } from '../../contract/mutations';
import {
  CategoryUpsert,
  CreateEnrollmentCode,
  DismissQuarantined,
  ExceptionQuery,
  PriceChange,
  ProductCreate,
  ProductPatch,
  ProductQuery,
  PromotionDefine,
  PromotionEnd,
  QuarantineQuery,
  ReapplyQuarantined,
  ReconcileRequest,
  ResolveException,
  RevokeDevice,
  SetStaffPin,
} from '../../contract/admin-protocol';
import {
  GiftCardIssue,
  GiftCardParams,
  GiftCardQuery,
  GiftCardStateChange,
  GiftCardTopUp,
} from '../../contract/admin-gift-cards';
import {
  changeGiftCardState,
  giftCard,
  issueGiftCard,
  listGiftCards,
  topUpGiftCard,
} from '../services/gift-cards';
import { listCategories, upsertCategory } from '../services/categories';
import { createProduct, deleteProduct, listProducts, patchProduct } from '../services/products';
import { changePrices } from '../services/prices';
import { removeCustomer, setStaffPin } from '../services/people';
import { listDevices, requestResync, revokeDevice } from '../services/devices/admin';
import {
  dismiss,
  listExceptions,
  listQuarantine,
  reapply,
  resolveException,
} from '../services/exceptions';
import { reconcileDay } from '../services/reconcile';
import {
  checkSalePromotions,
  checkSalePrices,
  definePromotion,
  endPromotion,
  listPromotions,
} from '../services/promotions';
import { listStores } from '../services/stores';
import { createEnrollmentCode } from '../services/enroll';
import { resetFeed } from '../services/retention';
import type { FailureLimit } from './failure-limit';
import { adminAuth } from './hooks';

export interface AdminRouteOptions {
  app: pg.Pool;
  owner: pg.Pool;
  adminTokenHash: string | (() => string);
  /** Failed admin authentications, per address (shared with the device API's). */
  authFailures: FailureLimit;
}

const StoreParams = z.object({ storeId: StoreId });
const ProductParams = z.object({ storeId: StoreId, productId: Uuid });
const StaffParams = z.object({ storeId: StoreId, staffId: Uuid });
const DeviceParams = z.object({ storeId: StoreId, deviceId: Uuid });
const CustomerParams = z.object({ storeId: StoreId, customerId: Uuid });
const ExceptionParams = z.object({ storeId: StoreId, exceptionId: Uuid });
// A quarantined mutation's device is as the ingest path named it (a UUID for real tills).
const QuarantineParams = z.object({
  storeId: StoreId,
  deviceId: z.string().min(1).max(100),
  mutationId: z.coerce.number().int().positive(),
});

export function registerAdminRoutes(admin: FastifyInstance, options: AdminRouteOptions): void {
  const { app, owner } = options;
  admin.addHook('onRequest', adminAuth(options.adminTokenHash, options.authFailures));
  const r = admin.withTypeProvider<ZodTypeProvider>();
  const ok = <T>(data: T) => ({ ok: true as const, data });

  r.get('/stores', async () => ok({ stores: await listStores(app) }));

  r.get('/categories', async () => ok({ categories: await listCategories(app) }));
  r.put('/categories', { schema: { body: CategoryUpsert } }, async (request) =>
    ok(await upsertCategory(owner, request.body)),
  );

  r.get(
    '/stores/:storeId/products',
    { schema: { params: StoreParams, querystring: ProductQuery } },
    async (request) =>
      ok({
        products: await listProducts(app, {
          storeId: request.params.storeId,
          search: request.query.search,
          limit: request.query.limit,
        }),
      }),
  );
  r.post(
    '/stores/:storeId/products',
    { schema: { params: StoreParams, body: ProductCreate } },
    async (request) =>
      ok(await createProduct(app, { storeId: request.params.storeId, product: request.body })),
  );
  r.put(
    '/stores/:storeId/staff/:staffId/pin',
    { schema: { params: StaffParams, body: SetStaffPin } },
    async (request) =>
      ok(
        await setStaffPin(app, {
          storeId: request.params.storeId,
          staffId: request.params.staffId,
          pin: request.body.pin,
        }),
      ),
  );
  r.patch(
    '/stores/:storeId/products/:productId',
    { schema: { params: ProductParams, body: ProductPatch } },
    async (request) =>
      ok(
        await patchProduct(app, {
          storeId: request.params.storeId,
          productId: request.params.productId,
          patch: request.body,
        }),
      ),
  );
  r.delete(
    '/stores/:storeId/products/:productId',
    { schema: { params: ProductParams } },
    async (request) => {
      await deleteProduct(app, request.params);
      return ok({ deleted: true });
    },
  );
  r.delete(
    '/stores/:storeId/customers/:customerId',
    { schema: { params: CustomerParams } },
    async (request) => {
      await removeCustomer(app, request.params);
      return ok({ deleted: true });
    },
  );
  r.post('/prices', { schema: { body: PriceChange } }, async (request) =>
    ok(await changePrices(app, request.body)),
  );

  r.post('/promotions', { schema: { body: PromotionDefine } }, async (request) =>
    ok(await definePromotion(app, request.body)),
  );
  r.get('/stores/:storeId/promotions', { schema: { params: StoreParams } }, async (request) =>
    ok({ promotions: await listPromotions(app, request.params.storeId) }),
  );
  r.get(
    '/stores/:storeId/sales/:transactionId/promotions',
    { schema: { params: z.object({ storeId: StoreId, transactionId: Uuid }) } },
    async (request) => ok(await checkSalePromotions(app, request.params)),
  );
  r.get(
    '/stores/:storeId/sales/:transactionId/prices',
    { schema: { params: z.object({ storeId: StoreId, transactionId: Uuid }) } },
    async (request) => ok(await checkSalePrices(app, request.params)),
  );
  r.post(
    '/promotions/:promotionId/end',
    { schema: { params: z.object({ promotionId: Uuid }), body: PromotionEnd } },
    async (request) =>
      ok(
        await endPromotion(app, {
          promotionId: request.params.promotionId,
          endsAt: request.body.endsAt,
        }),
      ),
  );

  // Gift cards and store credit (contract/admin-gift-cards.ts).
  r.post('/gift-cards', { schema: { body: GiftCardIssue } }, async (request) =>
    ok(await issueGiftCard(app, request.body)),
  );
  r.get('/gift-cards', { schema: { querystring: GiftCardQuery } }, async (request) =>
    ok({ cards: await listGiftCards(app, request.query) }),
  );
  r.get('/gift-cards/:cardNumber', { schema: { params: GiftCardParams } }, async (request) =>
    ok(await giftCard(app, request.params.cardNumber)),
  );
  r.post(
    '/gift-cards/:cardNumber/top-up',
    { schema: { params: GiftCardParams, body: GiftCardTopUp } },
    async (request) => ok(await topUpGiftCard(app, request.params.cardNumber, request.body)),
  );
  r.post(
    '/gift-cards/:cardNumber/state',
    { schema: { params: GiftCardParams, body: GiftCardStateChange } },
    async (request) => ok(await changeGiftCardState(app, request.params.cardNumber, request.body)),
  );

  r.post('/enrollment-codes', { schema: { body: CreateEnrollmentCode } }, async (request) => {
    const created = await createEnrollmentCode(app, {
      storeId: request.body.storeId,
      registerId: request.body.registerId,
      ttlMinutes: request.body.ttlMinutes,
      label: request.body.label,
      replace: request.body.replace,
    });
    request.log.info(
      { storeId: created.storeId, registerId: created.registerId, replace: request.body.replace },
      'enrollment code created',
    );
    return ok(created);
  });

  r.get(
    '/devices',
    { schema: { querystring: z.object({ storeId: StoreId.optional() }) } },
    async (request) => ok({ devices: await listDevices(app, { storeId: request.query.storeId }) }),
  );
  r.post(
    '/stores/:storeId/devices/:deviceId/revoke',
    { schema: { params: DeviceParams, body: RevokeDevice } },
    async (request) => {
      const { revoked } = await revokeDevice(app, {
        ...request.params,
        reason: request.body.reason,
      });
      request.log.warn({ ...request.params, lineage: revoked }, 'device revoked');
      // `devices`: every device of the lineage this call revoked (the named one included).
      return ok({ revoked: true, devices: revoked });
    },
  );
  r.post(
    '/stores/:storeId/devices/:deviceId/resync',
    { schema: { params: DeviceParams } },
    async (request) => {
      await requestResync(app, request.params);
      return ok({ resyncRequested: true });
    },
  );
  r.post('/stores/:storeId/feed/reset', { schema: { params: StoreParams } }, async (request) => {
    await resetFeed(app, request.params.storeId);
    request.log.warn(request.params, 'change feed reset: every till of the store will resync');
    return ok({ reset: true });
  });

  // Exceptions and the quarantine (issue 11): worked by people, every decision audited.
  r.get('/exceptions', { schema: { querystring: ExceptionQuery } }, async (request) =>
    ok({ exceptions: await listExceptions(app, request.query) }),
  );
  r.post(
    '/stores/:storeId/exceptions/:exceptionId/resolve',
    { schema: { params: ExceptionParams, body: ResolveException } },
    async (request) => {
      const resolved = await resolveException(app, { ...request.params, ...request.body });
      request.log.info(
        { ...request.params, resolvedBy: request.body.resolvedBy },
        'exception resolved',
      );
      return ok(resolved);
    },
  );
  // Reconciliation of a day: raises an exception for each difference (a POST: it records).
  r.post('/reconcile', { schema: { body: ReconcileRequest } }, async (request) => {
    const result = await reconcileDay(app, request.body);
    request.log.info(
      {
        date: request.body.date,
        storeId: request.body.storeId,
        differing: result.stores.filter((s) => s.status === 'differs').length,
      },
      'day reconciled',
    );
    return ok(result);
  });
  r.get('/quarantine', { schema: { querystring: QuarantineQuery } }, async (request) =>
    ok({ quarantine: await listQuarantine(app, request.query) }),
  );
  r.post(
    '/stores/:storeId/quarantine/:deviceId/:mutationId/reapply',
    { schema: { params: QuarantineParams, body: ReapplyQuarantined } },
    async (request) => {
      const result = await reapply(app, { ...request.params, by: request.body.by });
      request.log.info(
        { ...request.params, by: request.body.by, status: result.status },
        'quarantined mutation re-applied',
      );
      return ok(result);
    },
  );
  r.post(
    '/stores/:storeId/quarantine/:deviceId/:mutationId/dismiss',
    { schema: { params: QuarantineParams, body: DismissQuarantined } },
    async (request) => {
      await dismiss(app, { ...request.params, ...request.body });
      request.log.warn(
        { ...request.params, by: request.body.by },
        'quarantined mutation dismissed',
      );
      return ok({ dismissed: true });
    },
  );
}
