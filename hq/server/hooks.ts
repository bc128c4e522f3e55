/**
 * Request hooks: what every device or admin request passes before its route runs.
 *
 *   protocolCheck  (onRequest, /v1) the x-edgepos-protocol header names a version HQ serves;
 *                  first, so an old till gets a clear answer whatever else is wrong
 *   deviceAuth     (onRequest, /v1 routes but enroll) a live device credential, checked before
 *                  the body is read; the service verifies it again in the request's tenant
 *                  transaction (hq/services/devices/verify.ts verifyDevice)
 *   adminAuth      (onRequest, /admin/v1) the admin token, compared by hash in constant time
 * Both count failed attempts per address (failure-limit.ts) and refuse with 429 once an
 * address has used them up.
 */
import type {
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
  onRequestHookHandler,
} from 'fastify';
import type pg from 'pg';
import {
  AppVersionHeader,
  Headers,
  MIN_PROTOCOL_VERSION,
  PendingHeader,
  PROTOCOL_VERSION,
} from '../../contract/sync-protocol/wire';
import {
  parseDeviceToken,
  sameHash,
  sha256Hex,
  type DeviceCredential,
} from '../services/credentials';
import { authenticateDevice, type TillVersion } from '../services/devices/verify';
import { HqError, badRequest, unauthorized } from '../services/errors';
import type { FailureLimit } from './failure-limit';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by deviceAuth: the device credential, checked against HQ's device table. */
    credential?: DeviceCredential;
  }
}

/** The bearer token of an Authorization header, if well-formed. */
export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export const protocolCheck: onRequestHookHandler = (request, _reply, done) => {
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
};

/**
 * Device authentication, as an onRequest hook: the credential is checked against HQ's device
 * table BEFORE the body is read or parsed, so a request without a live credential costs one
 * indexed lookup whatever it sends (a 10 MiB push with a junk credential used to be parsed and
 * validated first), and nothing it carries reaches a service (no sales partitions for an
 * unverified device). Failed attempts are counted per address; an address that used them up
 * is refused before the database is asked. The services verify again in their own
 * transaction (verifyDevice): this check does not replace that one.
 */
export function deviceAuth(options: {
  app: pg.Pool;
  failures: FailureLimit;
}): onRequestAsyncHookHandler {
  return async (request) => {
    await options.failures.refuseIfExhausted(request);
    const credential = parseDeviceToken(bearer(request.headers.authorization) ?? '');
    try {
      if (!credential) throw unauthorized();
      await authenticateDevice(options.app, credential);
    } catch (error) {
      if (error instanceof HqError && error.kind === 'unauthorized') {
        await options.failures.recordFailure(request);
      }
      throw error;
    }
    request.credential = credential;
    request.log = request.log.child({ storeId: credential.storeId, deviceId: credential.deviceId });
  };
}

/** The credential deviceAuth parsed (a route without deviceAuth has none: unauthorized). */
export function credentialOf(request: FastifyRequest): DeviceCredential {
  if (!request.credential) throw unauthorized();
  return request.credential;
}

/**
 * The till's count of unacknowledged changes (header x-edgepos-pending), or undefined when
 * absent. A malformed or out-of-range value is the client's mistake: 400, never a database
 * error (3000000000 used to overflow the integer column as a 500).
 */
export function pendingHeader(request: FastifyRequest): number | undefined {
  const raw = request.headers[Headers.pending];
  if (raw === undefined) return undefined;
  const parsed = PendingHeader.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues[0]?.message ?? 'x-edgepos-pending is malformed');
  }
  return parsed.data;
}

/**
 * Which software the till runs: its app version (header x-edgepos-app; null from tills older
 * than the header) and the sync protocol it speaks (already checked by protocolCheck).
 * A malformed app version is a 400 like a malformed pending count.
 */
export function tillVersion(request: FastifyRequest): TillVersion | undefined {
  const protocol = Number(request.headers[Headers.protocol]);
  if (!Number.isInteger(protocol)) return undefined;
  const raw = request.headers[Headers.app];
  if (raw === undefined) return { app: null, protocol };
  const parsed = AppVersionHeader.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues[0]?.message ?? 'x-edgepos-app is malformed');
  }
  return { app: parsed.data, protocol };
}

export function adminAuth(
  adminTokenHash: string | (() => string),
  failures: FailureLimit,
): onRequestAsyncHookHandler {
  return async (request) => {
    await failures.refuseIfExhausted(request);
    const token = bearer(request.headers.authorization);
    const expected = typeof adminTokenHash === 'string' ? adminTokenHash : adminTokenHash();
    if (!token || !sameHash(sha256Hex(token), expected)) {
      await failures.recordFailure(request);
      throw unauthorized('Administration needs the HQ admin token');
    }
  };
}

/** Sends `data` given as JSON text (pull and snapshot pages, built by PostgreSQL) as is. */
export function sendJson(reply: FastifyReply, dataJson: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(`{"ok":true,"data":${dataJson}}`);
}
