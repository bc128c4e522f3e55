/**
 * The till's HTTP transport to the HQ sync service: global `fetch` only (Node 20 and a
 * browser Web Worker alike), the protocol header on every request, a timeout, and every
 * response validated against the protocol schemas before anyone uses it.
 *
 * Failures become a SyncError classified for the scheduler:
 *   retryable  the network, a timeout, a truncated or garbled answer, 5xx, 429 (with the
 *              server's Retry-After when it sent one): try again later, nothing was lost
 *   fatal      the credential is refused, the app is too old (426), the request is invalid:
 *              retrying the same request cannot help until someone acts
 *   protocol   an answer the sync logic handles itself: gap, mutation_id_conflict,
 *              resync_required, payload_too_large
 * "Already applied" is not an error: HQ answers it per mutation inside a successful push.
 */
import type { z } from 'zod';
import {
  ErrorBody,
  Headers,
  MAX_PENDING_HEADER,
  PROTOCOL_VERSION,
  APP_VERSION,
  type SyncErrorKind,
} from '../../contract/sync-protocol/wire';
import { getErrorMessage } from '../../contract/errors';

export type SyncErrorClass = 'retryable' | 'fatal' | 'protocol';

export class SyncError extends Error {
  readonly kind: SyncErrorKind | 'network' | 'bad_response';
  readonly errorClass: SyncErrorClass;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly lastMutationId: number | undefined;
  readonly firstConflictingId: number | undefined;

  constructor(options: {
    kind: SyncError['kind'];
    message: string;
    errorClass: SyncErrorClass;
    status?: number | undefined;
    retryAfterMs?: number | undefined;
    lastMutationId?: number | undefined;
    firstConflictingId?: number | undefined;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncError';
    this.kind = options.kind;
    this.errorClass = options.errorClass;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.lastMutationId = options.lastMutationId;
    this.firstConflictingId = options.firstConflictingId;
  }
}

const PROTOCOL_KINDS = new Set<string>([
  'gap',
  'mutation_id_conflict',
  'resync_required',
  'payload_too_large',
]);

/** Retry-After: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classify(status: number, kind: string): SyncErrorClass {
  if (PROTOCOL_KINDS.has(kind)) return 'protocol';
  if (status >= 500 || status === 429 || status === 408) return 'retryable';
  return 'fatal';
}

export interface HttpOptions {
  baseUrl: string;
  /** The device credential, if enrolled (read on every request: it can change on rebase). */
  token?: () => string | undefined;
  /** Unacknowledged local changes, reported to HQ for its administration view. */
  pending?: () => number | undefined;
  fetch?: typeof fetch;
  /** Per-request timeout in ms (default 30 s; a long poll adds its wait). */
  timeoutMs?: number;
  /** Told after each attempt whether HQ answered at all (any HTTP status) or not. */
  onReachable?: (reachable: boolean) => void;
}

export type SyncHttp = ReturnType<typeof createSyncHttp>;

export function createSyncHttp(options: HttpOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
    opts: { signal?: AbortSignal | undefined; extraTimeoutMs?: number; auth?: boolean } = {},
  ): Promise<z.infer<S>> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error('timeout')),
      timeoutMs + (opts.extraTimeoutMs ?? 0),
    );
    const onAbort = (): void => controller.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = {
      [Headers.protocol]: String(PROTOCOL_VERSION),
      [Headers.app]: APP_VERSION,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = opts.auth === false ? undefined : options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const pending = options.pending?.();
    // Capped at what HQ accepts: a count this large only informs staff, never blocks a sync.
    if (pending !== undefined) {
      headers[Headers.pending] = String(
        Math.min(Math.max(0, Math.trunc(pending)), MAX_PENDING_HEADER),
      );
    }
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      const aborted = opts.signal?.aborted === true;
      if (!aborted) options.onReachable?.(false);
      throw new SyncError({
        kind: 'network',
        errorClass: 'retryable',
        message: aborted ? 'Request cancelled' : `HQ is unreachable (${getErrorMessage(error)})`,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    options.onReachable?.(true);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new SyncError({
        kind: 'bad_response',
        errorClass: 'retryable',
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        message: `HQ sent an unreadable answer (HTTP ${response.status}, ${text.length} bytes)`,
        cause: error,
      });
    }
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(json);
      const kind = parsed.success ? parsed.data.error.kind : 'internal';
      throw new SyncError({
        kind: parsed.success ? kind : response.status >= 500 ? 'unavailable' : 'bad_response',
        errorClass: classify(response.status, kind),
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        message: parsed.success ? parsed.data.error.message : `HQ answered HTTP ${response.status}`,
        lastMutationId: parsed.success ? parsed.data.error.lastMutationId : undefined,
        firstConflictingId: parsed.success ? parsed.data.error.firstConflictingId : undefined,
      });
    }
    const ok = (json as { ok?: unknown } | null)?.ok === true;
    const envelope = schema.safeParse(ok ? (json as { data?: unknown }).data : undefined);
    if (!ok || !envelope.success) {
      throw new SyncError({
        kind: 'bad_response',
        errorClass: 'retryable',
        status: response.status,
        message: `HQ's answer to ${path} does not match the protocol: ${(
          envelope.error?.issues ?? []
        )
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      });
    }
    return envelope.data;
  }

  return { request, baseUrl: base };
}
