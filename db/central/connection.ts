/**
 * Where HQ's database is and which role connects how.
 *
 * Four roles, each with its own login (never one login that switches role, which a compromised
 * service could switch back):
 *   admin      the superuser: bootstrap (roles, database, superuser-only extensions), backups
 *   owner      edgepos_owner: migrations, partition maintenance; owns every object
 *   app        edgepos_app: the services; subject to row-level security
 *   reporting  edgepos_reporting: read-only dashboards and monitoring
 *
 * Passwords of the three application roles are derived from one secret (HMAC-SHA-256), so they
 * are stable across restarts without another file to keep: the embedded server's generated
 * superuser password, or DATABASE_URL's password (or EDGEPOS_ROLE_SECRET). Each can be
 * overridden (EDGEPOS_OWNER_PASSWORD, EDGEPOS_APP_PASSWORD, EDGEPOS_REPORTING_PASSWORD).
 */
import { createHmac } from 'node:crypto';
import { ValidationError } from '../errors';

export const ROLE_NAMES = {
  owner: 'edgepos_owner',
  app: 'edgepos_app',
  reporting: 'edgepos_reporting',
} as const;

export type RoleKey = 'admin' | 'owner' | 'app' | 'reporting';

export interface Credentials {
  user: string;
  password: string | undefined;
}

export type SslOption = false | { rejectUnauthorized: boolean };

export interface CitusNodeAddress {
  host: string;
  port: number;
}

export interface CentralTarget {
  host: string;
  port: number;
  /** The HQ database. */
  database: string;
  /** A database that always exists, for admin work before the HQ database does. */
  maintenanceDatabase: string;
  ssl: SslOption;
  roles: Record<RoleKey, Credentials>;
  /**
   * Citus mode (db/central/citus.ts): `host:port` is the coordinator and these are its
   * workers, which accept the same superuser. From EDGEPOS_CITUS_WORKERS (and
   * EDGEPOS_CITUS_SHARD_COUNT) with DATABASE_URL.
   */
  citus?: { workers: readonly CitusNodeAddress[]; shardCount?: number } | undefined;
}

export const DEFAULT_DATABASE = 'edgepos';

export function derivePassword(secret: string, role: string): string {
  return createHmac('sha256', secret).update(`edgepos-role:${role}`).digest('base64url');
}

function rolePasswords(
  secret: string,
  env: NodeJS.ProcessEnv,
): Record<'owner' | 'app' | 'reporting', Credentials> {
  return {
    owner: {
      user: ROLE_NAMES.owner,
      password: env.EDGEPOS_OWNER_PASSWORD ?? derivePassword(secret, ROLE_NAMES.owner),
    },
    app: {
      user: ROLE_NAMES.app,
      password: env.EDGEPOS_APP_PASSWORD ?? derivePassword(secret, ROLE_NAMES.app),
    },
    reporting: {
      user: ROLE_NAMES.reporting,
      password: env.EDGEPOS_REPORTING_PASSWORD ?? derivePassword(secret, ROLE_NAMES.reporting),
    },
  };
}

export function embeddedTarget(options: {
  port: number;
  superuser: { user: string; password: string };
  database?: string | undefined;
  env?: NodeJS.ProcessEnv;
}): CentralTarget {
  return {
    host: '127.0.0.1',
    port: options.port,
    database: options.database ?? DEFAULT_DATABASE,
    maintenanceDatabase: 'postgres',
    ssl: false,
    roles: {
      admin: { user: options.superuser.user, password: options.superuser.password },
      ...rolePasswords(options.superuser.password, options.env ?? process.env),
    },
  };
}

/**
 * DATABASE_URL names a superuser and (optionally) the HQ database:
 * postgres://postgres:secret@db.example:5432/edgepos?sslmode=require
 */
export function urlTarget(
  url: string,
  options: { database?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): CentralTarget {
  const env = options.env ?? process.env;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ValidationError('DATABASE_URL is not a valid URL', { cause: error });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ValidationError(
      `DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`,
    );
  }
  const user = decodeURIComponent(parsed.username);
  if (!user) throw new ValidationError('DATABASE_URL must name a user (a superuser)');
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const secret = env.EDGEPOS_ROLE_SECRET ?? password;
  if (!secret) {
    throw new ValidationError(
      'DATABASE_URL has no password; set EDGEPOS_ROLE_SECRET so the application roles get stable passwords',
    );
  }
  const pathDb = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const sslmode = parsed.searchParams.get('sslmode');
  const ssl: SslOption =
    !sslmode || sslmode === 'disable' || sslmode === 'prefer' || sslmode === 'allow'
      ? false
      : { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' };
  const workers = parseCitusWorkers(env.EDGEPOS_CITUS_WORKERS);
  const shardCount = env.EDGEPOS_CITUS_SHARD_COUNT
    ? Number(env.EDGEPOS_CITUS_SHARD_COUNT)
    : undefined;
  if (shardCount !== undefined && (!Number.isInteger(shardCount) || shardCount < 1)) {
    throw new ValidationError('EDGEPOS_CITUS_SHARD_COUNT must be a whole number >= 1');
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: options.database ?? (pathDb || DEFAULT_DATABASE),
    maintenanceDatabase: env.EDGEPOS_MAINTENANCE_DATABASE ?? 'postgres',
    ssl,
    roles: { admin: { user, password }, ...rolePasswords(secret, env) },
    ...(workers ? { citus: { workers, ...(shardCount !== undefined ? { shardCount } : {}) } } : {}),
  };
}

/** `host:port,host:port` (EDGEPOS_CITUS_WORKERS); undefined when unset or empty. */
export function parseCitusWorkers(spec: string | undefined): CitusNodeAddress[] | undefined {
  if (!spec || spec.trim() === '') return undefined;
  return spec.split(',').map((part) => {
    const match = /^\s*([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\s*$/.exec(part);
    if (!match) {
      throw new ValidationError(
        `EDGEPOS_CITUS_WORKERS: ${JSON.stringify(part)} is not host:port (e.g. 10.0.0.5:5432)`,
      );
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  });
}

/** The same server and roles, another database (tests: one database per file). */
export function withDatabase(target: CentralTarget, database: string): CentralTarget {
  return { ...target, database };
}

/** A connection URL for one role, e.g. for the sync service's logs (redacted) or psql. */
export function roleUrl(
  target: CentralTarget,
  role: RoleKey,
  options: { redact?: boolean; database?: string } = {},
): string {
  const { user, password } = target.roles[role];
  const auth = password
    ? `${encodeURIComponent(user)}:${options.redact ? '***' : encodeURIComponent(password)}`
    : encodeURIComponent(user);
  const ssl = target.ssl
    ? `?sslmode=${target.ssl.rejectUnauthorized ? 'verify-full' : 'require'}`
    : '';
  return `postgres://${auth}@${target.host}:${target.port}/${encodeURIComponent(options.database ?? target.database)}${ssl}`;
}
