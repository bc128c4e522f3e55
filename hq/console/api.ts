/**
 * The console page's only way to HQ: same-origin fetches to /console/api with the session
 * cookie (sent by the browser, unreadable here) and, for changes, the CSRF token HQ handed out
 * at sign-in. Answers are checked against the contract schemas before the screens see them.
 */
import type { z } from 'zod';
import { CONSOLE_CSRF_HEADER } from '../../contract/console-protocol';

export class ApiError extends Error {
  readonly kind: string;
  readonly status: number;
  constructor(kind: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when HQ says the session is gone (the app shows the sign-in screen). */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export async function api<S extends z.ZodType>(
  schema: S,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; query?: Record<string, string> } = {},
): Promise<z.infer<S>> {
  const method = init.method ?? 'GET';
  const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers[CONSOLE_CSRF_HEADER] = csrfToken;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/console/api${path}${query}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ApiError(
      'unavailable',
      'HQ cannot be reached. Check the connection and try again.',
      0,
    );
  }
  const body = (await response.json().catch(() => undefined)) as
    | { ok: true; data: unknown }
    | { ok: false; error: { kind: string; message: string } }
    | undefined;
  if (!body)
    throw new ApiError(
      'internal',
      `HQ answered with an error (${response.status}).`,
      response.status,
    );
  if (!body.ok) {
    if (response.status === 401 && path !== '/sign-in') onSignedOut();
    throw new ApiError(body.error.kind, body.error.message, response.status);
  }
  return schema.parse(body.data);
}
