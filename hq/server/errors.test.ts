/**
 * The one error-to-HTTP mapping, through a real fastify instance (inject, no socket): each kind
 * of failure a route can throw leaves with its status, body, Retry-After and nothing internal.
 */
import Fastify from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SyncErrorKind } from '../../contract/sync-protocol/wire';
import { HqError } from '../services/errors';
import { HTTP_STATUS, httpFailure, sendFailure } from './errors';

const app = Fastify({ logger: false, bodyLimit: 64 });
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.setErrorHandler(sendFailure);

const connectionRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
  code: 'ECONNREFUSED',
});

beforeAll(async () => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post('/gap', () => {
    throw new HqError('gap', 'send from 8', { details: { lastMutationId: 7 } });
  });
  r.post('/busy', () => {
    throw new HqError('overloaded', 'HQ is busy', { retryAfterS: 1 });
  });
  r.post('/validated', { schema: { body: z.object({ n: z.number().int() }) } }, () => ({}));
  r.post('/database-down', () => {
    throw connectionRefused;
  });
  r.post('/bug', () => {
    throw new Error('relation "secret_table" does not exist');
  });
  await app.ready();
});
afterAll(() => app.close());

const post = (url: string, payload: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url, payload });
/** The answer's JSON body. */
const json = (response: { body: string }): unknown => JSON.parse(response.body);

describe('error to HTTP', () => {
  it('gives every protocol kind a status, client errors below 500', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...SyncErrorKind.options].sort());
    for (const kind of SyncErrorKind.options) {
      const failure = httpFailure(new HqError(kind, 'x'));
      expect(failure.status).toBe(HTTP_STATUS[kind]);
      expect(failure.body.kind).toBe(kind);
    }
    expect(HTTP_STATUS.resync_required).toBe(409);
    expect(HTTP_STATUS.upgrade_required).toBe(426);
    expect(HTTP_STATUS.overloaded).toBe(503);
  });

  it('sends an HqError with its kind, message and details', async () => {
    const response = await post('/gap');
    expect(response.statusCode).toBe(409);
    expect(json(response)).toEqual({
      ok: false,
      error: { kind: 'gap', message: 'send from 8', lastMutationId: 7 },
    });
    const busy = await post('/busy');
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
  });

  it('answers schema validation and oversized bodies as the client’s mistake', async () => {
    const invalid = await post('/validated', { n: 'seven' });
    expect(invalid.statusCode).toBe(400);
    expect(json(invalid)).toMatchObject({ ok: false, error: { kind: 'validation' } });
    expect((json(invalid) as { error: { message: string } }).error.message).toMatch(
      /^Invalid request: \/n /,
    );
    const big = await post('/validated', { n: 1, padding: 'x'.repeat(200) });
    expect(big.statusCode).toBe(413);
    expect(json(big)).toMatchObject({ error: { kind: 'payload_too_large' } });
  });

  it('tells a till to come back when the database is unreachable', async () => {
    const response = await post('/database-down');
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(json(response)).toMatchObject({ error: { kind: 'unavailable' } });
  });

  it('keeps internal details in the log, not in the answer', async () => {
    const response = await post('/bug');
    expect(response.statusCode).toBe(500);
    expect(json(response)).toEqual({
      ok: false,
      error: { kind: 'internal', message: 'HQ failed to handle the request (see the HQ log)' },
    });
    expect(response.body).not.toMatch(/secret_table/);
    expect(httpFailure(new Error('x')).log).toBe('internal');
    expect(httpFailure(connectionRefused).log).toBe('unavailable');
    expect(httpFailure(new HqError('conflict', 'x')).log).toBe('none');
    expect(httpFailure(new HqError('validation', 'x')).log).toBe('client');
  });

  it('answers a database data exception (input the schemas missed) as a 400, never a 500', () => {
    for (const code of ['22003', '22P02', '22007', '22008']) {
      const failure = httpFailure(Object.assign(new Error('integer out of range'), { code }));
      expect(failure.status, code).toBe(400);
      expect(failure.body.kind).toBe('validation');
      expect(failure.body.message).not.toMatch(/integer/);
      // Logged as HQ's own failure: a schema is missing a bound.
      expect(failure.log).toBe('internal');
    }
    expect(httpFailure(Object.assign(new Error('x'), { code: '23505' })).status).toBe(500);
  });
});
