/**
 * The HQ sync service's HTTP surface (fastify 5): device routes under /v1 (protocol header,
 * device credential), administration under /admin/v1 (admin token), /healthz and /readyz.
 *
 * Every request body is validated by the zod schemas of contract/sync-protocol.ts and
 * contract/admin-protocol.ts before a handler sees it. Big responses (pull and snapshot pages)
 * are JSON text built by PostgreSQL and sent as is. Errors leave as
 * `{ ok: false, error: { kind, message } }` with a status that tells the client whether to
 * retry; internal details stay in the log.
 */
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { Logger as PinoLogger } from 'pino';
import { withTenant } from '../../db/central/tenant';
import {
  EnrollRequest,
  Headers,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  PullRequest,
  PushRequest,
  RebaseRequest,
  SnapshotRequest,
} from '../../contract/sync-protocol';
import { registerAdminRoutes } from './admin-routes';
import { bearer, parseDeviceToken, type DeviceCredential } from '../services/credentials';
import {
  clearResyncRequest,
  describeDevice,
  recordPullPosition,
  verifyDevice,
} from '../services/devices';
import { rebaseDevice, redeemEnrollmentCode } from '../services/enroll';
import { HqError, conflict, resyncRequired, unauthorized } from '../services/errors';
import { sendFailure } from './errors';
import {
  DEFAULT_PAGE_ENTRIES,
  checkCursor,
  ensureFeedState,
  parseCursor,
  readFeedPage,
  readFeedState,
} from '../services/feed';
import type { ChangeNotifier } from '../services/notify';
import { pushMutations } from '../services/push';
import {
  DEFAULT_SNAPSHOT_ROWS,
  readSnapshotPage,
  resumeSnapshot,
  startSnapshot,
} from '../services/snapshot';

export interface SyncAppOptions {
  app: pg.Pool;
  owner: pg.Pool;
  notifier: ChangeNotifier;
  logger: PinoLogger;
  /** SHA-256 (hex) of the admin token. */
  adminTokenHash: string;
  /** Largest push body (default 32 MiB); other bodies are limited to 1 MiB. */
  pushBodyLimit?: number;
  /** Push transactions at once; more wait in a queue (default 6). */
  maxConcurrentPushes?: number;
  /** Pushes allowed to wait; beyond that HQ answers 503 overloaded (default 64). */
  maxQueuedPushes?: number;
}

/** A small FIFO semaphore that refuses instead of queueing without bound. */
function limiter(max: number, maxQueued: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) {
      if (queue.length >= maxQueued) {
        throw new HqError('overloaded', 'HQ is busy; try again shortly', { retryAfterS: 1 });
      }
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      active += 1;
    }
    try {
      return await fn();
    } finally {
      const next = queue.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

function pendingHeader(request: FastifyRequest): number | undefined {
  const raw = request.headers[Headers.pending];
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function sendJson(reply: FastifyReply, dataJson: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(`{"ok":true,"data":${dataJson}}`);
}

declare module 'fastify' {
  interface FastifyRequest {
    credential?: DeviceCredential;
  }
}

export type SyncApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  PinoLogger
>;

export async function buildSyncApp(options: SyncAppOptions): Promise<SyncApp> {
  const { app: appPool, notifier } = options;
  const fastify = Fastify({
    loggerInstance: options.logger,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    // Closing cuts open connections (a long poll would otherwise hold shutdown for the whole
    // keep-alive period); a till simply retries, and every request is safe to repeat.
    forceCloseConnections: true,
  });
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  const limitPush = limiter(options.maxConcurrentPushes ?? 6, options.maxQueuedPushes ?? 64);

  fastify.setErrorHandler(sendFailure);

  fastify.get('/healthz', (_request, reply) => reply.send({ ok: true, data: { status: 'alive' } }));
  fastify.get('/readyz', async (_request, reply) => {
    try {
      const { rows } = await appPool.query<{ ready: boolean }>(
        `SELECT to_regclass('sync.change_log') IS NOT NULL AS ready`,
      );
      if (!rows[0]?.ready) throw new Error('sync schema missing');
      return { ok: true, data: { status: 'ready' } };
    } catch (error) {
      return reply.status(503).send({
        ok: false,
        error: { kind: 'unavailable', message: `not ready: ${String(error)}` },
      });
    }
  });

  await fastify.register(
    (v1, _opts, registered) => {
      // Protocol check first: an old till gets a clear answer whatever else is wrong.
      v1.addHook('onRequest', (request, _reply, done) => {
        const raw = request.headers[Headers.protocol];
        const version = typeof raw === 'string' ? Number(raw) : NaN;
        if (!Number.isInteger(version) || version < MIN_PROTOCOL_VERSION) {
          return done(
            new HqError(
              'upgrade_required',
              `This till's software is too old for HQ (sync protocol ${Number.isInteger(version) ? version : 'unknown'}, HQ needs ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}). Update the till app, then it will sync again; its sales stay safely queued meanwhile.`,
            ),
          );
        }
        if (version > PROTOCOL_VERSION) {
          return done(
            new HqError(
              'protocol_too_new',
              `HQ speaks sync protocol ${MIN_PROTOCOL_VERSION} to ${PROTOCOL_VERSION}; this till speaks ${version}. Update HQ.`,
            ),
          );
        }
        done();
      });
      const authed = (
        request: FastifyRequest,
        _reply: FastifyReply,
        done: (error?: Error) => void,
      ): void => {
        const credential = parseDeviceToken(bearer(request.headers.authorization) ?? '');
        if (!credential) return done(unauthorized());
        request.credential = credential;
        request.log = request.log.child({
          storeId: credential.storeId,
          deviceId: credential.deviceId,
        });
        done();
      };
      const credentialOf = (request: FastifyRequest): DeviceCredential => {
        if (!request.credential) throw unauthorized();
        return request.credential;
      };
      const r = v1.withTypeProvider<ZodTypeProvider>();

      r.post('/enroll', { schema: { body: EnrollRequest } }, async (request, reply) => {
        const result = await redeemEnrollmentCode(appPool, request.body);
        request.log.info(
          { storeId: result.storeId, deviceId: result.deviceId, registerId: result.registerId },
          'till enrolled',
        );
        return reply.send({ ok: true, data: result });
      });

      r.get('/device', { preHandler: authed }, async (request, reply) => {
        const data = await describeDevice(appPool, credentialOf(request), {
          pending: pendingHeader(request),
        });
        return reply.send({ ok: true, data });
      });

      r.post(
        '/push',
        {
          preHandler: authed,
          bodyLimit: options.pushBodyLimit ?? 32 * 1024 * 1024,
          schema: { body: PushRequest },
        },
        async (request, reply) => {
          const result = await limitPush(() =>
            pushMutations(appPool, {
              credential: credentialOf(request),
              mutations: request.body.mutations,
              pending: pendingHeader(request),
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
        { preHandler: authed, schema: { body: PullRequest } },
        async (request, reply) => {
          const credential = credentialOf(request);
          const position = parseCursor(request.body.cursor);
          const device = await withTenant(appPool, credential.storeId, async (tx) => {
            const d = await verifyDevice(tx, credential, {
              pending: pendingHeader(request),
              touch: 'pull',
            });
            if (position) await recordPullPosition(tx, d, position);
            return d;
          });
          if (device.supersededBy !== null) {
            throw conflict(`This till continues as device ${device.supersededBy}`);
          }
          if (device.resyncRequestedAt !== null) {
            throw resyncRequired('HQ asked this till to download its catalog afresh.');
          }
          const deadline = Date.now() + (request.body.waitMs ?? 0);
          const abort = new AbortController();
          reply.raw.on('close', () => {
            if (!reply.raw.writableFinished) abort.abort();
          });
          const limit = request.body.limit ?? DEFAULT_PAGE_ENTRIES;
          for (;;) {
            const subscription = notifier.subscribe(device.storeId);
            try {
              const page = await withTenant(
                appPool,
                device.storeId,
                async (tx) => {
                  const state = await readFeedState(tx);
                  if (!state) return undefined;
                  return readFeedPage(tx, {
                    device,
                    state,
                    position: checkCursor(state, position),
                    limit,
                    logger: request.log,
                  });
                },
                { snapshot: true },
              );
              if (!page) {
                await withTenant(appPool, device.storeId, (tx) =>
                  ensureFeedState(tx, device.storeId),
                );
                continue;
              }
              const remaining = deadline - Date.now();
              if (page.entries > 0 || remaining <= 0 || abort.signal.aborted) {
                return sendJson(reply, page.json);
              }
              if (page.blockedByHorizon) {
                // Committed changes wait for an older transaction to finish: look again soon.
                await new Promise((resolve) => setTimeout(resolve, Math.min(50, remaining)));
              } else {
                await subscription.wait(remaining, abort.signal);
              }
            } finally {
              subscription.cancel();
            }
          }
        },
      );

      r.post(
        '/snapshot',
        { preHandler: authed, schema: { body: SnapshotRequest } },
        async (request, reply) => {
          const credential = credentialOf(request);
          const starting = request.body.token === null;
          const device = await withTenant(appPool, credential.storeId, async (tx) => {
            const d = await verifyDevice(tx, credential, {
              pending: pendingHeader(request),
              touch: 'pull',
            });
            if (starting) {
              await ensureFeedState(tx, d.storeId);
              await clearResyncRequest(tx, d);
            }
            return d;
          });
          if (device.supersededBy !== null) {
            throw conflict(`This till continues as device ${device.supersededBy}`);
          }
          const limit = request.body.limit ?? DEFAULT_SNAPSHOT_ROWS;
          const page = await withTenant(
            appPool,
            device.storeId,
            async (tx) => {
              const state = await readFeedState(tx);
              if (!state)
                throw resyncRequired('HQ has no change feed for this store yet: start again.');
              const position =
                request.body.token === null
                  ? await startSnapshot(tx, state)
                  : resumeSnapshot(state, request.body.token);
              return readSnapshotPage(tx, position, limit);
            },
            { snapshot: true },
          );
          return sendJson(reply, page.json);
        },
      );

      r.post(
        '/rebase',
        { preHandler: authed, schema: { body: RebaseRequest } },
        async (request, reply) => {
          const result = await rebaseDevice(appPool, credentialOf(request), request.body);
          request.log.warn(
            { newDeviceId: result.deviceId, lastMutationId: result.lastMutationId },
            'till continues as a new device',
          );
          return reply.send({ ok: true, data: result });
        },
      );
      registered();
    },
    { prefix: '/v1' },
  );

  await fastify.register(
    (admin, _opts, done) => {
      registerAdminRoutes(admin, {
        app: appPool,
        owner: options.owner,
        adminTokenHash: options.adminTokenHash,
      });
      done();
    },
    { prefix: '/admin/v1' },
  );

  return fastify;
}
