/**
 * The HQ sync service as an HTTP service: health and readiness, the protocol version check,
 * body limits, request validation, administration auth, and the feed's ordering by the store's
 * change number as a number across a digit boundary (99,999 -> 100,000).
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFailure } from '../../hq/server/errors';
import { registerHealthRoutes } from '../../hq/server/health-routes';
import { createTestDatabase } from '../setup/central-db';
import { withTenant } from '../../db/central/tenant';
import {
  ADMIN_TOKEN,
  openSyncTill,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';

let hq: TestHq;
let till: TestTillHandle;
let token: string;

beforeAll(async () => {
  hq = await startTestHq();
  till = await openSyncTill({ url: hq.url, code: await hq.code('seattle'), storeId: 'seattle' });
  await till.client.stop();
  const { rows } = await till.store.db.query<{ token: string }>(
    `SELECT token FROM pos.sync_device`,
  );
  token = rows[0]!.token;
});

afterAll(async () => {
  await till?.close();
  await hq?.close();
});

const device = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${hq.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-edgepos-protocol': '1',
      authorization: `Bearer ${token}`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${hq.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${hq.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, data: { status: 'ready' } });
  });

  it('is not ready on a database without the sync schema (503 unavailable)', async () => {
    const empty = await createTestDatabase({ migrated: false });
    const app = Fastify({ logger: false });
    app.setErrorHandler(sendFailure);
    registerHealthRoutes(app, { app: empty.pools.app });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body)).toEqual({
        ok: false,
        error: { kind: 'unavailable', message: 'not ready: sync schema missing' },
      });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await empty.drop();
    }
  });
});

describe('protocol version', () => {
  it('tells an old till to upgrade (426) whatever else is wrong with the request', async () => {
    for (const version of [undefined, '0', 'abc']) {
      const response = await fetch(`${hq.url}/v1/push`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(version === undefined ? {} : { 'x-edgepos-protocol': version }),
        },
        body: '{}',
      });
      expect(response.status).toBe(426);
      const body = (await response.json()) as {
        ok: boolean;
        error: { kind: string; message: string };
      };
      expect(body.ok).toBe(false);
      expect(body.error.kind).toBe('upgrade_required');
      expect(body.error.message).toMatch(/too old/);
    }
  });

  it('says HQ must be updated when the till is newer', async () => {
    const response = await device('/v1/pull', { cursor: 'x' }, { 'x-edgepos-protocol': '99' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { kind: string } }).error.kind).toBe(
      'protocol_too_new',
    );
  });
});

describe('request checks', () => {
  it('refuses bodies that break the protocol schemas', async () => {
    const bad = await device('/v1/push', {
      mutations: [{ mutationId: 1, type: 'sale.recorded', payload: {} }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { kind: string } }).error.kind).toBe('validation');
    const empty = await device('/v1/push', { mutations: [] });
    expect(empty.status).toBe(400);
    const garbage = await device('/v1/pull', 'not json');
    expect(garbage.status).toBe(400);
  });

  it('limits body sizes', async () => {
    const big = await device('/v1/pull', { cursor: 'c'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { kind: string } }).error.kind).toBe(
      'payload_too_large',
    );
  });

  it('refuses administration without the admin token, and a device token there', async () => {
    expect((await fetch(`${hq.url}/admin/v1/stores`)).status).toBe(401);
    expect(
      (await fetch(`${hq.url}/admin/v1/stores`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(401);
    expect(
      (
        await fetch(`${hq.url}/admin/v1/stores`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
    ).toBe(200);
  });
});

describe('the feed', () => {
  it("orders by the store's change number as a number across a digit boundary", async () => {
    const { rows: cursorRows } = await till.store.db.query<{ c: string }>(
      `SELECT pull_cursor AS c FROM pos.sync_state`,
    );
    const epoch = cursorRows[0]!.c.split('.')[1]!;
    const pullAll = async (from: string) => {
      let cursor = from;
      const seen: string[] = [];
      const numbers: number[] = [];
      for (let page = 0; page < 50; page++) {
        const response = await device('/v1/pull', { cursor, limit: 1 });
        const body = (await response.json()) as {
          data: {
            cursor: string;
            changes: { products: Array<{ productName: string }> };
            more: boolean;
          };
        };
        seen.push(...body.data.changes.products.map((p) => p.productName));
        cursor = body.data.cursor;
        numbers.push(Number(cursor.split('.')[3]));
        if (!body.data.more) break;
      }
      return { seen, numbers, cursor };
    };
    const products = await till.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 6`,
    );
    const rename = (i: number) =>
      withTenant(hq.db.pools.app, 'seattle', async (tx) => {
        await tx.query(
          `UPDATE retail.products SET product_name = $2 WHERE store_id = 'seattle' AND product_id = $1`,
          [products.rows[i]!.product_id, `Boundary ${i}`],
        );
        tx.changes.record('product', [products.rows[i]!.product_id]);
      });
    // The store's counter just below a power of ten (numbers nobody used are simply skipped):
    // the renames get 99,998 ... 100,003, where text order would put 100,000 first.
    await hq.db.pools.admin.query(
      `UPDATE sync.feed_state SET last_seq = 99997 WHERE store_id = 'seattle'`,
    );
    for (let i = 0; i < products.rows.length; i++) await rename(i);
    const { seen, numbers } = await pullAll(`c1.${epoch}.0.99997`);
    expect(seen).toEqual(products.rows.map((_, i) => `Boundary ${i}`));
    expect(numbers).toEqual([99_998, 99_999, 100_000, 100_001, 100_002, 100_003]);
  });
});
