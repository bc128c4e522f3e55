/**
 * How `npm run hq:admin` reaches HQ: where the running service and its admin token are found
 * (--url/--token, $EDGEPOS_HQ_URL/$EDGEPOS_ADMIN_TOKEN, or <data-dir>/hq.json and
 * <data-dir>/admin-token), one admin API call, and how answers are printed (--json or words).
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_HQ_DATA_DIR } from '../../ops/embedded-server';
import { getErrorMessage } from '../../../contract/errors';

interface Globals {
  url?: string;
  token?: string;
  dataDir?: string;
  json?: boolean;
}

export interface AdminClient {
  /** One admin API call. `body` goes out as JSON: a field left undefined is not sent at all. */
  api: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  /** JSON with --json, else the words `human` makes. */
  print: (value: unknown, human: () => string) => void;
  /** The HQ data directory (--data-dir, default .data/hq), absolute. */
  dataDir: () => string;
}

/** The global options every command shares (declared on `program`). */
export function withGlobalOptions(program: Command): Command {
  return program
    .option('--url <url>', 'HQ sync service URL (default: from <data-dir>/hq.json)')
    .option(
      '--token <token>',
      'admin token (default: $EDGEPOS_ADMIN_TOKEN or <data-dir>/admin-token)',
    )
    .option('--data-dir <dir>', 'HQ data directory (default .data/hq)')
    .option('--json', 'print JSON');
}

export function createAdminClient(program: Command): AdminClient {
  const globals = (): Globals => program.opts<Globals>();
  const dataDir = (): string => resolve(globals().dataDir ?? DEFAULT_HQ_DATA_DIR);

  function connection(): { url: string; token: string } {
    const g = globals();
    const dir = dataDir();
    let url = g.url ?? process.env.EDGEPOS_HQ_URL;
    if (!url && existsSync(join(dir, 'hq.json'))) {
      url = (JSON.parse(readFileSync(join(dir, 'hq.json'), 'utf8')) as { url?: string }).url;
    }
    let token = g.token ?? process.env.EDGEPOS_ADMIN_TOKEN;
    if (!token && existsSync(join(dir, 'admin-token'))) {
      token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
    }
    if (!url) throw new Error(`No HQ found: start it with "npm run hq" or pass --url`);
    if (!token) throw new Error(`No admin token: pass --token or set EDGEPOS_ADMIN_TOKEN`);
    return { url: url.replace(/\/+$/, ''), token };
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { url, token } = connection();
    let response: Response;
    try {
      response = await fetch(`${url}/admin/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new Error(
        `HQ at ${url} is not reachable (${getErrorMessage(error)}). Is "npm run hq" running?`,
        {
          cause: error,
        },
      );
    }
    const json = (await response.json()) as
      { ok: true; data: T } | { ok: false; error: { kind: string; message: string } };
    if (!json.ok)
      throw new Error(`${json.error.message} (${json.error.kind}, HTTP ${response.status})`);
    return json.data;
  }

  function print(value: unknown, human: () => string): void {
    process.stdout.write(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }

  return { api, print, dataDir };
}

/** All of stdin (a PIN piped or typed then Ctrl+D), so it never appears in argv. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
