/**
 * /v1: what a till calls (contract/sync-protocol/). Thin: each route validates its body with
 * the protocol schema, hands it to a service with the device credential (hooks.ts) and sends
 * the answer; the services own the work and their tables. Pull and snapshot pages are JSON
 * text built by PostgreSQL and sent as is.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { EnrollRequest, RebaseRequest } from '../../contract/sync-protocol/enrollment';
import { PullRequest } from '../../contract/sync-protocol/pull';
import { PushRequest } from '../../contract/sync-protocol/push';
import { ReceiptLookupRequest } from '../../contract/sync-protocol/receipt-lookup';
import { SnapshotRequest } from '../../contract/sync-protocol/snapshot';
import { describeDevice } from '../services/devices/verify';
import { tillExceptions } from '../services/exceptions';
import { rebaseDevice, redeemEnrollmentCode } from '../services/enroll';
import { readCatalogChecksums } from '../services/integrity';
import type { ChangeNotifier } from '../services/notify';
import { pullChanges } from '../services/pull';
import { pushMutations } from '../services/push';
import { lookUpReceipt } from '../services/receipts';
import { snapshotPage } from '../services/snapshot';
import type { FailureLimit } from './failure-limit';
import {
  credentialOf,
  deviceAuth,
  pendingHeader,
  protocolCheck,
  sendJson,
  tillVersion,
} from './hooks';
import type { Limiter } from './limiter';

/**
 * The only body HQ reads before it knows who is asking (an enrollment request is a code and a
 * label): anything larger is refused unread.
 */
export const ENROLL_BODY_LIMIT = 4 * 1024;

export interface DeviceRouteOptions {
  app: pg.Pool;
  notifier: ChangeNotifier;
  /** Largest push body in bytes. */
  pushBodyLimit: number;
  /** Admission control for push transactions. */
  limitPush: Limiter;
  /** Failed device authentications, per address. */
  authFailures: FailureLimit;
  /** Failed enrollments, per address. */
  enrollFailures: FailureLimit;
}

export function registerDeviceRoutes(v1: FastifyInstance, options: DeviceRouteOptions): void {
  const { app, notifier, limitPush } = options;
  v1.addHook('onRequest', protocolCheck);
  const r = v1.withTypeProvider<ZodTypeProvider>();
  const authenticated = deviceAuth({ app, failures: options.authFailures });
  const { enrollFailures } = options;

  r.post(
    '/enroll',
    {
      bodyLimit: ENROLL_BODY_LIMIT,
      schema: { body: EnrollRequest },
      onRequest: async (request) => enrollFailures.refuseIfExhausted(request),
      // Every failed enrollment counts: an unknown code, a malformed one, an oversized body.
      onError: async (request) => enrollFailures.recordFailure(request),
    },
    async (request, reply) => {
      const result = await redeemEnrollmentCode(app, request.body);
      request.log.info(
        { storeId: result.storeId, deviceId: result.deviceId, registerId: result.registerId },
        'till enrolled',
      );
      return reply.send({ ok: true, data: result });
    },
  );

  r.get('/device', { onRequest: authenticated }, async (request, reply) => {
    const data = await describeDevice(app, credentialOf(request), {
      pending: pendingHeader(request),
      version: tillVersion(request),
    });
    return reply.send({ ok: true, data });
  });

  // What HQ found wrong around this till's facts, for its sync panel (issue 11).
  r.get('/exceptions', { onRequest: authenticated }, async (request, reply) => {
    const data = await tillExceptions(app, credentialOf(request));
    return reply.send({ ok: true, data });
  });

  r.post(
    '/push',
    { onRequest: authenticated, bodyLimit: options.pushBodyLimit, schema: { body: PushRequest } },
    async (request, reply) => {
      const result = await limitPush(() =>
        pushMutations(app, {
          credential: credentialOf(request),
          mutations: request.body.mutations,
          pending: pendingHeader(request),
          version: tillVersion(request),
          logger: request.log,
        }),
      );
      const rejected = result.results.filter((x) => x.status === 'rejected').length;
      request.log.info(
        {
          mutations: request.body.mutations.length,
          lastMutationId: result.lastMutationId,
          rejected,
        },
        'push applied',
      );
      return reply.send({ ok: true, data: result });
    },
  );

  r.post(
    '/pull',
    { onRequest: authenticated, schema: { body: PullRequest } },
    async (request, reply) => {
      // A till that hangs up mid long poll is answered at once (nobody is listening).
      const hangUp = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) hangUp.abort();
      });
      const page = await pullChanges(app, {
        notifier,
        credential: credentialOf(request),
        request: request.body,
        pending: pendingHeader(request),
        version: tillVersion(request),
        logger: request.log,
        signal: hangUp.signal,
      });
      return sendJson(reply, page);
    },
  );

  r.post(
    '/snapshot',
    { onRequest: authenticated, schema: { body: SnapshotRequest } },
    async (request, reply) => {
      const page = await snapshotPage(app, {
        credential: credentialOf(request),
        request: request.body,
        pending: pendingHeader(request),
        version: tillVersion(request),
      });
      return sendJson(reply, page);
    },
  );

  // A receipt of the till's store that it does not hold (sold at another register, issue 13).
  r.post(
    '/receipts/lookup',
    { onRequest: authenticated, schema: { body: ReceiptLookupRequest } },
    async (request, reply) => {
      const data = await lookUpReceipt(app, {
        credential: credentialOf(request),
        request: request.body,
        pending: pendingHeader(request),
      });
      return reply.send({ ok: true, data });
    },
  );

  r.get('/checksums', { onRequest: authenticated }, async (request, reply) => {
    const data = await readCatalogChecksums(app, {
      credential: credentialOf(request),
      pending: pendingHeader(request),
    });
    return reply.send({ ok: true, data });
  });

  r.post(
    '/rebase',
    { onRequest: authenticated, schema: { body: RebaseRequest } },
    async (request, reply) => {
      const result = await rebaseDevice(app, credentialOf(request), request.body);
      request.log.warn(
        { newDeviceId: result.deviceId, lastMutationId: result.lastMutationId },
        'till continues as a new device',
      );
      return reply.send({ ok: true, data: result });
    },
  );
}
