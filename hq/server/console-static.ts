/**
 * Serves the built HQ console (hq/console/, built by `npm run build:console` into
 * dist-console/) at /console/. Any path that is not a file gets index.html, so the page's own
 * routes survive a reload. The page may load only its own files (CSP), never inside a frame.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export function registerConsoleStatic(fastify: FastifyInstance, options: { dir: string }): void {
  const root = normalize(options.dir);
  const send = async (path: string): Promise<{ type: string; body: Buffer } | undefined> => {
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return { type: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
  };

  fastify.get('/console', (_request, reply) => reply.redirect('/console/'));
  fastify.get('/console/*', async (request, reply) => {
    reply
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-frame-options', 'DENY')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    const wanted = (request.params as { '*': string })['*'];
    const asset = wanted ? await send(wanted) : undefined;
    if (asset) {
      const immutable = wanted.startsWith('assets/');
      return reply
        .type(asset.type)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(asset.body);
    }
    if (wanted.startsWith('assets/') || wanted.startsWith('api/')) {
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
    const index = await send('index.html');
    if (!index) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The HQ console is not built yet: run `npm run build:console`, then reload.');
    }
    return reply.type(index.type).header('cache-control', 'no-cache').send(index.body);
  });
}

export function consoleBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}
