/**
 * Serving the built renderer (dist-web or a test build) with Vite's preview server. `/hq` on
 * the same origin is relayed to the HQ sync service, so the browser till talks to HQ without
 * cross-origin requests (the sync service sends no CORS headers, by design).
 *
 * The relay is transparent: when HQ cannot be reached it drops the connection rather than
 * answering 502 itself, so the till sees exactly what it would see without the relay (HQ
 * unreachable: offline) instead of "HQ answered with an error" (online, failing).
 *
 * It is NOT a proxy (issue 12): it forwards only the device API's own paths (`/v1/<word>[/<word>]`) to
 * the one configured HQ origin; anything else — another host in the target (`//host`,
 * absolute-form requests), traversal, encoded characters, the admin API — is refused with 404
 * before anything is sent. Neither the page nor the relay sends CORS headers, and the page may
 * not be framed.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { preview, type Plugin, type PreviewServer } from 'vite';

/**
 * The only paths relayed: the device API (`/v1/push`, `/v1/pull`, `/v1/receipts/lookup`...):
 * one or two lower-case words, optionally a query. (Two words since the receipt lookup of
 * issue 13: with one only, a browser till could never ask HQ for another register's receipt.)
 */
const DEVICE_PATH = /^\/v1\/[a-z]+(?:\/[a-z]+)?(?:\?[A-Za-z0-9=&%._~-]*)?$/;

/** Response headers a page must not get from HQ through the relay. */
const DROPPED_RESPONSE_HEADERS = /^access-control-/i;

export interface WebServer {
  /** e.g. http://127.0.0.1:4173/ */
  url: string;
  /** The HQ address a browser till on this page uses (same origin, relayed). */
  hqUrl: string;
  server: PreviewServer;
  close(): Promise<void>;
}

export function hqRelay(target: string): Plugin {
  const base = new URL(target);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`The HQ address must be http(s): ${target}`);
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  return {
    name: 'edge-pos-hq-relay',
    configurePreviewServer(server) {
      // Absolute-form request targets (`GET http://host/ HTTP/1.1`) are proxy requests: refused
      // before connect's routing, which would otherwise match them against "/hq" by path.
      server.middlewares.use((req, res, next) => {
        if (!(req.url ?? '/').startsWith('/')) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request target');
          return;
        }
        next();
      });
      // Mounted at /hq: connect strips the prefix from req.url.
      server.middlewares.use('/hq', (req, res) => {
        const path = req.url ?? '';
        if (!DEVICE_PATH.test(path)) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
          return;
        }
        const url = new URL(`${prefix}${path}`, base);
        if (url.origin !== base.origin) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
          return;
        }
        const headers: OutgoingHttpHeaders = { ...req.headers, host: url.host };
        delete headers.origin;
        delete headers.cookie;
        const upstream = httpRequest(url, { method: req.method ?? 'GET', headers }, (answer) => {
          const kept = Object.entries(answer.headers).filter(
            ([name]) => !DROPPED_RESPONSE_HEADERS.test(name),
          );
          res.writeHead(answer.statusCode ?? 502, Object.fromEntries(kept));
          answer.pipe(res);
        });
        upstream.on('error', () => req.socket.destroy());
        // The till gave up (a cancelled long poll, a timeout): stop waiting on HQ too.
        res.on('close', () => upstream.destroy());
        req.pipe(upstream);
      });
    },
  };
}

export async function serveWeb(options: {
  configFile: string;
  outDir: string;
  port?: number;
  hqTarget?: string;
}): Promise<WebServer> {
  const server = await preview({
    configFile: options.configFile,
    logLevel: 'warn',
    plugins: options.hqTarget ? [hqRelay(options.hqTarget)] : [],
    build: { outDir: options.outDir },
    preview: {
      host: '127.0.0.1',
      port: options.port ?? 0,
      strictPort: options.port !== undefined,
      // Same-origin only: no page of another origin (localhost included) may read answers.
      cors: false,
      headers: {
        // Only frame-ancestors here (a <meta> policy cannot carry it): the rest of the page's
        // policy is its <meta> tag, and a full header would also bind the database worker,
        // whose PGlite needs to compile WebAssembly.
        'Content-Security-Policy': "frame-ancestors 'none'",
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      },
    },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('the preview server has no port');
  const url = `http://127.0.0.1:${address.port}/`;
  return { url, hqUrl: `${url}hq`, server, close: () => server.close() };
}

/** The page address that enrolls a new browser till with `code` at first run. */
export function enrollUrl(web: WebServer, code: string): string {
  const params = new URLSearchParams({ hq: web.hqUrl, code, enroll: 'auto' });
  return `${web.url}?${params.toString()}`;
}
