/**
 * A fault-injecting HTTP proxy between tills and HQ, for the sync fault tests. Seeded: the
 * same seed and the same request sequence give the same faults, so a failure reproduces.
 *
 * Faults (per request, drawn from `rates`, or taken in order from a script):
 *   drop_request   the connection is cut before HQ sees the request
 *   drop_response  HQ handles (and commits) the request, the till never hears the answer
 *   truncate       HQ handles it; the till receives half of the body, then the cut
 *   duplicate      HQ receives the request twice, at once; the till gets the first answer
 *   delay          forwarded after a random delay
 *   unavailable    503 with Retry-After, HQ never sees it
 * `offline` refuses every request (an unreachable HQ) until switched back.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAULTS = [
  'drop_request',
  'drop_response',
  'truncate',
  'duplicate',
  'delay',
  'unavailable',
] as const;
export type Fault = (typeof FAULTS)[number] | 'none';

export interface ScriptedFault {
  fault: Fault;
  /** Only a request whose path starts with this takes the fault (default: any). */
  path?: string;
}

export interface FaultProxy {
  url: string;
  offline: boolean;
  rates: Partial<Record<Fault, number>>;
  /** Faults for the next matching requests, in order (they win over `rates`). */
  script(...faults: ScriptedFault[]): void;
  /** How often each fault was injected, and requests seen per path. */
  readonly stats: Record<Fault, number> & {
    requests: Record<string, number>;
    maxInFlight: Record<string, number>;
  };
  /** Every request seen: path, body and the fault it got. */
  readonly log: Array<{ path: string; body: string; fault: Fault | 'offline' }>;
  close(): Promise<void>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export async function startFaultProxy(options: {
  target: string;
  seed: number;
  rates?: Partial<Record<Fault, number>>;
  delayMs?: [number, number];
}): Promise<FaultProxy> {
  const random = mulberry32(options.seed);
  const queue: ScriptedFault[] = [];
  const log: FaultProxy['log'] = [];
  const sockets = new Set<Socket>();
  const [minDelay, maxDelay] = options.delayMs ?? [5, 80];
  const stats = {
    none: 0,
    drop_request: 0,
    drop_response: 0,
    truncate: 0,
    duplicate: 0,
    delay: 0,
    unavailable: 0,
    requests: {} as Record<string, number>,
    /** Most requests of one path HQ was handling at the same time. */
    maxInFlight: {} as Record<string, number>,
  };
  const inFlight: Record<string, number> = {};

  const choose = (path: string): Fault => {
    const i = queue.findIndex((f) => f.path === undefined || path.startsWith(f.path));
    if (i >= 0) return queue.splice(i, 1)[0]!.fault;
    let roll = random();
    for (const fault of FAULTS) {
      const rate = proxy.rates[fault] ?? 0;
      if (roll < rate) return fault;
      roll -= rate;
    }
    return 'none';
  };

  const forward = async (req: IncomingMessage, body: Buffer): Promise<Forwarded> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) {
        headers[k] = v;
      }
    }
    const response = await fetch(`${options.target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    const out: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(key)) {
        out[key] = value;
      }
    });
    return {
      status: response.status,
      headers: out,
      body: Buffer.from(await response.arrayBuffer()),
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    stats.requests[path] = (stats.requests[path] ?? 0) + 1;
    if (proxy.offline) {
      log.push({ path, body: body.toString('utf8'), fault: 'offline' });
      req.socket.destroy();
      return;
    }
    const fault = choose(path);
    stats[fault] += 1;
    log.push({ path, body: body.toString('utf8'), fault });
    switch (fault) {
      case 'drop_request':
        req.socket.destroy();
        return;
      case 'unavailable':
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(
          JSON.stringify({ ok: false, error: { kind: 'unavailable', message: 'injected 503' } }),
        );
        return;
      case 'delay':
        await new Promise((r) => setTimeout(r, minDelay + random() * (maxDelay - minDelay)));
        break;
      default:
        break;
    }
    let answer: Forwarded;
    if (proxy.offline) {
      req.socket.destroy();
      return;
    }
    inFlight[path] = (inFlight[path] ?? 0) + 1;
    stats.maxInFlight[path] = Math.max(stats.maxInFlight[path] ?? 0, inFlight[path]);
    try {
      if (fault === 'duplicate') {
        const [first] = await Promise.all([forward(req, body), forward(req, body)]);
        answer = first;
      } else {
        answer = await forward(req, body);
      }
    } finally {
      inFlight[path] = (inFlight[path] ?? 1) - 1;
    }
    if (fault === 'drop_response' || proxy.offline) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-length': String(answer.body.length),
    });
    if (fault === 'truncate') {
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ok: false,
            error: { kind: 'unavailable', message: 'proxy: HQ unreachable' },
          }),
        );
      } else {
        req.socket.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  let offline = false;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    get offline() {
      return offline;
    },
    /** Going offline also cuts connections in flight (a long poll must not deliver later). */
    set offline(value: boolean) {
      offline = value;
      if (value) for (const s of sockets) s.destroy();
    },
    rates: { ...options.rates },
    script: (...faults) => queue.push(...faults),
    stats,
    log,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
