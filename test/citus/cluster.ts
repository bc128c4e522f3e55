/**
 * A throw-away Citus cluster on loopback for `npm run test:citus`: one coordinator and two
 * workers, each a PostgreSQL 15 server from the machine's installation (Debian's
 * /usr/lib/postgresql/15 with Citus built into it), in a temporary directory.
 *
 * Citus is not an npm package, so nothing here installs it: `citusInstallation()` says whether
 * the PostgreSQL found by pg_config has citus.so, and the runner skips with one line when it
 * does not. As root the servers run as the `postgres` OS user (PostgreSQL refuses root).
 *
 * Every node gets the same generated superuser password (scram-sha-256 on loopback); the HQ
 * bootstrap's Citus mode then creates the database, the extension and the roles on every node
 * and tells the coordinator how to log in to the workers (db/central/citus.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  initdb,
  isRoot,
  postgresOsUser,
  startPostmaster,
  type Postmaster,
  type PostgresBinaries,
} from '../../hq/ops/postgres-process';
import { freePort } from '../../hq/ops/embedded-server';

export interface CitusInstallation {
  ok: boolean;
  /** Why Citus cannot be used (ok: false), in one line. */
  reason: string;
  binaries?: PostgresBinaries;
  version?: string;
}

/** EDGEPOS_PG_CONFIG names the pg_config to use (only that one); else Debian's 15, then PATH. */
const PG_CONFIG_CANDIDATES = process.env.EDGEPOS_PG_CONFIG
  ? [process.env.EDGEPOS_PG_CONFIG]
  : ['/usr/lib/postgresql/15/bin/pg_config', 'pg_config'];

/** The PostgreSQL 15 that has Citus, if this machine has one. */
export function citusInstallation(): CitusInstallation {
  for (const pgConfig of PG_CONFIG_CANDIDATES) {
    let bindir: string;
    let pkglibdir: string;
    let version: string;
    try {
      bindir = execFileSync(pgConfig, ['--bindir'], { encoding: 'utf8' }).trim();
      pkglibdir = execFileSync(pgConfig, ['--pkglibdir'], { encoding: 'utf8' }).trim();
      version = execFileSync(pgConfig, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      continue;
    }
    if (!/PostgreSQL 15\./.test(version)) {
      return { ok: false, reason: `${pgConfig} is ${version}, Citus tests need PostgreSQL 15` };
    }
    if (!existsSync(join(pkglibdir, 'citus.so'))) {
      return { ok: false, reason: `Citus is not installed (no citus.so in ${pkglibdir})` };
    }
    return {
      ok: true,
      reason: '',
      version,
      binaries: {
        nativeDir: join(bindir, '..'),
        initdb: join(bindir, 'initdb'),
        postgres: join(bindir, 'postgres'),
      },
    };
  }
  return {
    ok: false,
    reason: `Citus is not installed (no PostgreSQL 15 pg_config found: ${PG_CONFIG_CANDIDATES.join(', ')})`,
  };
}

export interface ClusterNode {
  name: string;
  host: string;
  port: number;
  pgdata: string;
  server: Postmaster;
}

export interface CitusCluster {
  readonly coordinator: ClusterNode;
  readonly workers: readonly ClusterNode[];
  readonly superuser: { user: string; password: string };
  /** Superuser URL of the coordinator (DATABASE_URL), for `database`. */
  url(database: string): string;
  /** `host:port,host:port`: what EDGEPOS_CITUS_WORKERS expects. */
  workersSpec(): string;
  /** Fast shutdown of one node (restart tests), then start it again on the same port. */
  restart(node: ClusterNode): Promise<void>;
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  workers?: number;
  /** fsync and synchronous commit on (benchmarks); off by default (tests). */
  durable?: boolean;
  /** Server log lines (default: dropped). */
  onOutput?: (node: string, text: string) => void;
}

function settings(durable: boolean, citus = true): Record<string, string> {
  return {
    listen_addresses: '127.0.0.1',
    shared_preload_libraries: citus ? 'citus,pg_stat_statements' : 'pg_stat_statements',
    // Statements per store and executor (monitoring.citus_statements).
    ...(citus ? { 'citus.stat_statements_track': 'all' } : {}),
    // Shard moves copy with logical replication.
    wal_level: 'logical',
    max_wal_senders: '20',
    max_replication_slots: '20',
    max_connections: '300',
    max_prepared_transactions: '200',
    shared_buffers: '128MB',
    ...(citus
      ? {
          'citus.max_cached_conns_per_worker': '4',
          // Loopback test cluster without certificates. (libpq would otherwise look for a
          // client certificate in the HOME of the process that started the servers.)
          'citus.node_conninfo': 'sslmode=disable',
        }
      : {}),
    ...(durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  };
}

export async function startCitusCluster(options: StartClusterOptions = {}): Promise<CitusCluster> {
  const installation = citusInstallation();
  if (!installation.ok || !installation.binaries) throw new Error(installation.reason);
  const binaries = installation.binaries;
  const user = isRoot() ? postgresOsUser({ create: true }) : undefined;
  const root = mkdtempSync(join(tmpdir(), 'edgepos-citus-'));
  chmodSync(root, 0o711);
  const superuser = { user: 'postgres', password: randomBytes(18).toString('base64url') };
  const output = options.onOutput ?? (() => undefined);
  const nodeSettings = settings(options.durable ?? false);
  const started: ClusterNode[] = [];

  const startNode = async (name: string, pgdata: string, port: number): Promise<Postmaster> =>
    startPostmaster({
      binaries,
      pgdata,
      port,
      user,
      settings: { ...nodeSettings, unix_socket_directories: '' },
      onOutput: (text) => output(name, text),
    });

  try {
    const names = [
      'coordinator',
      ...Array.from({ length: options.workers ?? 2 }, (_, i) => `worker${i + 1}`),
    ];
    for (const name of names) {
      const pgdata = join(root, name);
      await initdb({
        binaries,
        pgdata,
        user,
        superuser: superuser.user,
        password: superuser.password,
        flags: ['--encoding=UTF8', '--locale=C'],
        onOutput: (text) => output(name, text),
      });
      const port = await freePort();
      const server = await startNode(name, pgdata, port);
      started.push({ name, host: '127.0.0.1', port, pgdata, server });
    }
  } catch (error) {
    for (const node of started) await node.server.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const [coordinator, ...workers] = started as [ClusterNode, ...ClusterNode[]];
  let stopping: Promise<void> | undefined;
  return {
    coordinator,
    workers,
    superuser,
    url: (database) =>
      `postgres://${superuser.user}:${encodeURIComponent(superuser.password)}@${coordinator.host}:${coordinator.port}/${encodeURIComponent(database)}`,
    workersSpec: () => workers.map((w) => `${w.host}:${w.port}`).join(','),
    restart: async (node) => {
      await node.server.stop();
      node.server = await startNode(node.name, node.pgdata, node.port);
    },
    stop: () => {
      stopping ??= (async () => {
        for (const node of [...workers, coordinator])
          await node.server.stop().catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

export interface PlainServer {
  readonly port: number;
  url(database: string): string;
  stop(): Promise<void>;
}

/**
 * One PostgreSQL server from the same installation and with the same settings as a cluster
 * node, without Citus: the single-server side of a comparison in the same run.
 */
export async function startPlainServer(options: { durable?: boolean } = {}): Promise<PlainServer> {
  const installation = citusInstallation();
  if (!installation.ok || !installation.binaries) throw new Error(installation.reason);
  const binaries = installation.binaries;
  const user = isRoot() ? postgresOsUser({ create: true }) : undefined;
  const root = mkdtempSync(join(tmpdir(), 'edgepos-single-'));
  chmodSync(root, 0o711);
  const password = randomBytes(18).toString('base64url');
  const pgdata = join(root, 'single');
  try {
    await initdb({
      binaries,
      pgdata,
      user,
      superuser: 'postgres',
      password,
      flags: ['--encoding=UTF8', '--locale=C'],
      onOutput: () => undefined,
    });
    const port = await freePort();
    const server = await startPostmaster({
      binaries,
      pgdata,
      port,
      user,
      settings: { ...settings(options.durable ?? false, false), unix_socket_directories: '' },
      onOutput: () => undefined,
    });
    return {
      port,
      url: (database) =>
        `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
      stop: async () => {
        await server.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
