/**
 * Request hooks: what every device or admin request passes before its route runs.
 *
 *   protocolCheck  (onRequest, /v1) the x-edgepos-protocol header names a version HQ serves;
 *                  first, so an old till gets a clear answer whatever else is wrong
 *   deviceAuth     (preHandler, /v1 routes but enroll) a well-formed device credential; the
 *                  credential is only parsed here, verified by the service in the request's
 *                  tenant transaction (hq/services/devices.ts verifyDevice)
 *   adminAuth      (onRequest, /admin/v1) the admin token, compared by hash in constant time
 */
import type {
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import { Headers, MIN_PROTOCOL_VERSION, PROTOCOL_VERSION } from '../../contract/sync-protocol';
import {
  parseDeviceToken,
  sameHash,
  sha256Hex,
  type DeviceCredential,
} from '../services/credentials';
import { HqError, unauthorized } from '../services/errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by deviceAuth: the parsed (not yet verified) device credential. */
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

export const deviceAuth: preHandlerHookHandler = (request, _reply, done) => {
  const credential = parseDeviceToken(bearer(request.headers.authorization) ?? '');
  if (!credential) return done(unauthorized());
  request.credential = credential;
  request.log = request.log.child({ storeId: credential.storeId, deviceId: credential.deviceId });
  done();
};

/** The credential deviceAuth parsed (a route without deviceAuth has none: unauthorized). */
export function credentialOf(request: FastifyRequest): DeviceCredential {
  if (!request.credential) throw unauthorized();
  return request.credential;
}

/** The till's count of unacknowledged changes (header x-edgepos-pending), when well-formed. */
export function pendingHeader(request: FastifyRequest): number | undefined {
  const raw = request.headers[Headers.pending];
  const n = typeof raw === 'string' ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function adminAuth(adminTokenHash: string): onRequestHookHandler {
  return (request, _reply, done) => {
    const token = bearer(request.headers.authorization);
    if (!token || !sameHash(sha256Hex(token), adminTokenHash)) {
      return done(unauthorized('Administration needs the HQ admin token'));
    }
    done();
  };
}

/** Sends `data` given as JSON text (pull and snapshot pages, built by PostgreSQL) as is. */
export function sendJson(reply: FastifyReply, dataJson: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(`{"ok":true,"data":${dataJson}}`);
}
