/**
 * Issue 12 finding 3: the web till's `/hq` relay forwards only to the configured HQ origin,
 * under a fixed set of device paths, and the page's server sends no permissive CORS headers and
 * forbids framing. Real servers on loopback: the preview server with the relay, a stand-in HQ
 * and a stand-in "other host" that must never receive anything.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWeb, type WebServer } from './web-server';

interface Recorder {
  server: Server;
  port: number;
  seen: Array<{ url: string; authorization: string | undefined }>;
}

async function recorder(): Promise<Recorder> {
  const seen: Recorder['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
    });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, seen };
}

let dir: string;
let hq: Recorder;
let other: Recorder;
let web: WebServer;
let webPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgepos-relay-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>till</title>');
  hq = await recorder();
  other = await recorder();
  web = await serveWeb({
    configFile: 'vite.config.ts',
    outDir: dir,
    hqTarget: `http://127.0.0.1:${hq.port}`,
  });
  webPort = Number(new URL(web.url).port);
});

afterAll(async () => {
  await web?.close();
  hq?.server.close();
  other?.server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A raw request line, so absolute-form and odd targets reach the server unchanged. */
function raw(
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(webPort, '127.0.0.1', () => {
      const lines = [`GET ${target} HTTP/1.1`, `Host: 127.0.0.1:${webPort}`, 'Connection: close'];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const head = text.split('\r\n\r\n')[0] ?? '';
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    });
  });
}

function get(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: webPort, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the /hq relay', () => {
  it('forwards a device request to HQ under /v1, with its credential', async () => {
    const res = await get('/hq/v1/pull', { authorization: 'Bearer device-secret' });
    expect(res.statusCode).toBe(200);
    expect(hq.seen.at(-1)).toEqual({ url: '/v1/pull', authorization: 'Bearer device-secret' });
    // Two words: the receipt lookup (returns at any register, at another store).
    const lookup = await get('/hq/v1/receipts/lookup', { authorization: 'Bearer device-secret' });
    expect(lookup.statusCode).toBe(200);
    expect(hq.seen.at(-1)?.url).toBe('/v1/receipts/lookup');
  });

  it('never forwards to another host, whatever the request target says', async () => {
    const before = hq.seen.length;
    const targets = [
      `/hq//127.0.0.1:${other.port}/v1/pull`,
      `/hq///127.0.0.1:${other.port}/v1/pull`,
      `/hq/\\\\127.0.0.1:${other.port}/v1/pull`,
      `http://127.0.0.1:${other.port}/v1/pull`,
      `http://127.0.0.1:${webPort}/hq//127.0.0.1:${other.port}/v1/pull`,
      `/hq/http://127.0.0.1:${other.port}/v1/pull`,
      `/hq/v1/../../admin/v1/stores`,
      `/hq/v1/%2e%2e/%2e%2e/admin/v1/stores`,
      `/hq/admin/v1/stores`,
      `/hq/v1/receipts/lookup/more`,
      `/hq/v1/receipts/../../admin`,
      `/hq/`,
    ];
    for (const target of targets) {
      const res = await raw(target, { Authorization: 'Bearer device-secret' });
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
    }
    expect(other.seen).toEqual([]);
    expect(hq.seen.slice(before).map((s) => s.url)).toEqual([]);
  });

  it('sends no CORS headers, even when HQ or a page asks for them', async () => {
    const res = await get('/hq/v1/pull', { origin: 'http://localhost:9999' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const page = await get('/', { origin: 'http://localhost:9999' });
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves the till page with frame-ancestors none', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});
