/**
 * How a console request proves who sent it (docs/hq-console.md "Sessions"):
 *   - the session cookie (HTTP-only, SameSite=Strict, Path=/console, Secure over HTTPS),
 *     looked up by hash (hq/services/console/sessions.ts);
 *   - for every request that can change something (anything but GET/HEAD): the session's CSRF
 *     token in the x-csrf-token header, and, when the browser names one, an Origin equal to
 *     the console's own.
 * The cookie is read and written here rather than with @fastify/cookie: its current release
 * needs the `cookie` 2 package, which requires Node 22 (we support Node 20), and one cookie
 * with a fixed name needs no general parser.
 */
import type {
  FastifyReply,
  FastifyRequest,
  onRequestAsyncHookHandler,
  onRequestHookHandler,
} from 'fastify';
import type pg from 'pg';
import {
  CONSOLE_CSRF_HEADER,
  CONSOLE_SESSION_COOKIE,
  type ConsoleUser,
} from '../../contract/console-protocol';
import { forbidden, unauthorized } from '../services/errors';
import { csrfMatches, MAX_HOURS, sessionUser } from '../services/console/sessions';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by consoleAuth: the signed-in console user and their session token. */
    consoleUser?: ConsoleUser;
    consoleToken?: string;
  }
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token of the request's cookie header, if there is a well-formed one. */
export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CONSOLE_SESSION_COOKIE) {
      const value = rest.join('=');
      return TOKEN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${CONSOLE_SESSION_COOKIE}=${token}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${MAX_HOURS * 3600}${secure}`,
  );
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    `${CONSOLE_SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`,
  );
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** A change request from a page on another origin is refused before anything else. */
export const sameOrigin: onRequestHookHandler = (request, _reply, done) => {
  if (SAFE_METHODS.has(request.method)) return done();
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
    return done(forbidden('Requests from other sites are refused'));
  }
  done();
};

/** Requires a live session (and the CSRF token for changes); routes in `open` skip it. */
export function consoleAuth(app: pg.Pool, open: ReadonlySet<string>): onRequestAsyncHookHandler {
  return async (request) => {
    if (open.has(request.routeOptions.url ?? '')) return;
    const token = sessionCookie(request.headers.cookie);
    const user = token ? await sessionUser(app, token) : undefined;
    if (!token || !user) throw unauthorized('Please sign in');
    if (!SAFE_METHODS.has(request.method)) {
      const presented = request.headers[CONSOLE_CSRF_HEADER];
      if (!csrfMatches(token, typeof presented === 'string' ? presented : undefined)) {
        throw forbidden('This page is out of date: reload it and try again');
      }
    }
    request.consoleUser = user;
    request.consoleToken = token;
    request.log = request.log.child({ consoleUser: user.email });
  };
}

export function userOf(request: FastifyRequest): ConsoleUser {
  if (!request.consoleUser) throw unauthorized('Please sign in');
  return request.consoleUser;
}
