/**
 * The HQ sync service's HTTP surface (fastify 5), assembled: device routes under /v1
 * (device-routes.ts: protocol header, device credential), administration under /admin/v1
 * (admin-routes.ts: admin token), the HQ console at /console/ (console-static.ts: the built
 * page; console-routes.ts: its API under /console/api, session cookie + CSRF), /healthz and
 * /readyz (health-routes.ts), and ONE error handler (errors.ts). Credentials are checked in
 * onRequest hooks, before any body is read; failed attempts are limited per address
 * (failure-limit.ts).
 *
 * Every request body is validated by the zod schemas of contract/sync-protocol/ and
 * contract/admin-protocol.ts before a route sees it; routes are thin and call the services
 * (hq/services/), which own the work and their tables. Errors leave as
 * `{ ok: false, error: { kind, message } }` with a status that tells the client whether to
 * retry; internal details stay in the log.
 */
import Fastify, {
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type pg from 'pg';
import type { Logger as PinoLogger } from 'pino';
import type { ChangeNotifier } from '../services/notify';
import { registerAdminRoutes } from './admin-routes';
import type { Clock } from '../../core/clock';
import { registerConsoleRoutes } from './console-routes';
import { registerConsoleStatic } from './console-static';
import { registerDeviceRoutes } from './device-routes';
import { sendFailure } from './errors';
import { registerHealthRoutes } from './health-routes';
import {
  DEFAULT_AUTH_FAILURES,
  DEFAULT_ENROLL_FAILURES,
  failureLimit,
  rateLimitPlugin,
  type FailureLimitOptions,
} from './failure-limit';
import { limiter } from './limiter';

export interface HqAppOptions {
  app: pg.Pool;
  owner: pg.Pool;
  /** The read-only reporting role (console reports). */
  reporting: pg.Pool;
  notifier: ChangeNotifier;
  logger: PinoLogger;
  /** SHA-256 (hex) of the admin token, asked at each admin request (the token can rotate). */
  adminTokenHash: string | (() => string);
  /** The built HQ console served at /console/ (dist-console/). */
  consoleDir: string;
  /** HQ's clock for the console (scheduled prices); the system clock unless injected. */
  clock?: Clock | undefined;
  /** Largest push body (default 32 MiB); other bodies are limited to 1 MiB. */
  pushBodyLimit?: number | undefined;
  /** Push transactions at once; more wait in a queue (default 6). */
  maxConcurrentPushes?: number | undefined;
  /** Pushes allowed to wait; beyond that HQ answers 503 overloaded (default 64). */
  maxQueuedPushes?: number | undefined;
  /** Failed device or admin authentications per address (default 30 a minute). */
  authFailures?: FailureLimitOptions | undefined;
  /** Failed enrollments per address (default 10 in 10 minutes). */
  enrollFailures?: FailureLimitOptions | undefined;
}

export type HqApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  PinoLogger
>;

export async function buildHqApp(options: HqAppOptions): Promise<HqApp> {
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
  fastify.setErrorHandler(sendFailure);
  await fastify.register(...rateLimitPlugin);
  const authFailures = failureLimit(fastify, 'auth', options.authFailures ?? DEFAULT_AUTH_FAILURES);
  const enrollFailures = failureLimit(
    fastify,
    'enroll',
    options.enrollFailures ?? DEFAULT_ENROLL_FAILURES,
  );

  await fastify.register((health, _opts, done) => {
    registerHealthRoutes(health, { app: options.app });
    done();
  });
  await fastify.register(
    (v1, _opts, done) => {
      registerDeviceRoutes(v1, {
        app: options.app,
        notifier: options.notifier,
        pushBodyLimit: options.pushBodyLimit ?? 32 * 1024 * 1024,
        limitPush: limiter(options.maxConcurrentPushes ?? 6, options.maxQueuedPushes ?? 64),
        authFailures,
        enrollFailures,
      });
      done();
    },
    { prefix: '/v1' },
  );
  await fastify.register(
    (admin, _opts, done) => {
      registerAdminRoutes(admin, {
        app: options.app,
        owner: options.owner,
        adminTokenHash: options.adminTokenHash,
        authFailures,
      });
      done();
    },
    { prefix: '/admin/v1' },
  );
  await fastify.register(
    (api, _opts, done) => {
      registerConsoleRoutes(api, {
        app: options.app,
        owner: options.owner,
        reporting: options.reporting,
        clock: options.clock,
      });
      done();
    },
    { prefix: '/console/api' },
  );
  await fastify.register((page, _opts, done) => {
    registerConsoleStatic(page, { dir: options.consoleDir });
    done();
  });
  return fastify;
}
