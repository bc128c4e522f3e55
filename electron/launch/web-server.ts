/**
 * Serving the built renderer (dist-web or a test build) with Vite's preview server. `/hq` on
 * the same origin is relayed to the HQ sync service, so the browser till talks to HQ without
 * cross-origin requests (the sync service sends no CORS headers, by design).
 *
 * The relay is transparent: when HQ cannot be reached it drops the connection rather than
 * answering 502 itself, so the till sees exactly what it would see without the relay (HQ
 * unreachable: offline) instead of "HQ answered with an error" (online, failing).
 */
import { request as httpRequest } from 'node:http';
import { preview, type Plugin, type PreviewServer } from 'vite';

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
  return {
    name: 'edge-pos-hq-relay',
    configurePreviewServer(server) {
      // Mounted at /hq: connect strips the prefix from req.url.
      server.middlewares.use('/hq', (req, res) => {
        const url = new URL(req.url ?? '/', base);
        const headers = { ...req.headers, host: url.host };
        const upstream = httpRequest(url, { method: req.method ?? 'GET', headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
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
    preview: { host: '127.0.0.1', port: options.port ?? 0, strictPort: options.port !== undefined },
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
