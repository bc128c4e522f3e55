/**
 * /healthz (the process answers) and /readyz (it can serve tills: database up and migrated),
 * for load balancers and supervisors. No authentication; nothing in the answers is secret.
 */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { checkReady } from '../services/health';

export function registerHealthRoutes(fastify: FastifyInstance, options: { app: pg.Pool }): void {
  fastify.get('/healthz', (_request, reply) => reply.send({ ok: true, data: { status: 'alive' } }));
  fastify.get('/readyz', async () => {
    await checkReady(options.app);
    return { ok: true, data: { status: 'ready' } };
  });
}
