/**
 * A till without PGlite: just the device protocol over HTTP, for load. Used by the sync
 * benchmark's load generators (bench/push-tills.ts runs them in their own process).
 */
import type { Mutation } from '../contract/mutations';
import { EnrollResult } from '../contract/sync-protocol/enrollment';
import { PushResult } from '../contract/sync-protocol/push';
import { PullPage } from '../contract/sync-protocol/pull';
import { SnapshotPage } from '../contract/sync-protocol/snapshot';
import { PROTOCOL_VERSION } from '../contract/sync-protocol/wire';

/** HQ answered a request with an error (`kind` from its `{ ok: false, error }` body). */
export class WireError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export class WireTill {
  constructor(
    private readonly url: string,
    /** The device token (after enroll); a load process receives it from the one that enrolled. */
    public token = '',
  ) {}

  /** Requests retried after a 503/429 (HQ's backpressure). */
  retries = 0;

  /** Like the real client: a 503/429 is retried after the server's Retry-After. */
  private async call<T>(path: string, body: unknown, schema: { parse(v: unknown): T }): Promise<T> {
    const text = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${this.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-edgepos-protocol': String(PROTOCOL_VERSION),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: text,
      });
      const json = (await response.json()) as {
        ok: boolean;
        data?: unknown;
        error?: { kind?: string; message: string };
      };
      if ((response.status === 503 || response.status === 429) && attempt < 30) {
        this.retries += 1;
        const seconds = Number(response.headers.get('retry-after') ?? '1');
        const ms = Math.max(0.05, seconds) * 1000 * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, ms));
        continue;
      }
      if (!response.ok || !json.ok) {
        throw new WireError(
          json.error?.kind ?? 'unknown',
          `${path}: HTTP ${response.status} ${json.error?.kind ?? ''} ${json.error?.message ?? ''}`,
        );
      }
      return schema.parse(json.data);
    }
  }

  async enroll(code: string): Promise<void> {
    this.token = (await this.call('/v1/enroll', { code }, EnrollResult)).token;
  }

  async download(): Promise<{ rows: number; cursor: string }> {
    let token: string | null = null;
    let rows = 0;
    for (;;) {
      const page: SnapshotPage = await this.call(
        '/v1/snapshot',
        { token, limit: 2_000 },
        SnapshotPage,
      );
      rows += page.rows;
      token = page.token;
      if (page.done && page.cursor) return { rows, cursor: page.cursor };
    }
  }

  async push(mutations: Mutation[]): Promise<PushResult> {
    const result = await this.call('/v1/push', { mutations }, PushResult);
    const rejected = result.results.filter((r) => r.status === 'rejected');
    if (rejected.length > 0)
      throw new Error(`push: ${rejected.length} rejected (${JSON.stringify(rejected[0])})`);
    return result;
  }

  async pull(cursor: string, waitMs = 0): Promise<PullPage> {
    return this.call('/v1/pull', { cursor, waitMs }, PullPage);
  }
}
