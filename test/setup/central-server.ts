/**
 * vitest globalSetup of the `pg` project: ONE real PostgreSQL for the whole run.
 *
 *   DATABASE_URL set -> that server (a superuser URL); otherwise the embedded PostgreSQL in a
 *   fresh temporary data directory (fsync off: a throw-away cluster). With EDGEPOS_CITUS_WORKERS
 *   as well, DATABASE_URL is a Citus coordinator (`npm run test:citus`): see provided.ts.
 *
 * It bootstraps the roles, builds a migrated template database, and provides the connection
 * to test files (test/setup/central-db.ts), which each CREATE DATABASE ... TEMPLATE it: a
 * fresh, fully migrated database per file in well under a second. Teardown drops every
 * database of this run and stops the embedded server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { bootstrapCentral } from '../../db/central/bootstrap';
import { ensureRestrictiveShardGuards } from '../../db/central/citus';
import { migrateCentral } from '../../db/central/migrate';
import {
  embeddedTarget,
  urlTarget,
  withDatabase,
  type CentralTarget,
} from '../../db/central/connection';
import { createRolePool } from '../../db/central/pool';
import { startEmbeddedServer, type EmbeddedServer } from '../../hq/ops/embedded-server';
import type { CentralTestServer } from './provided';
import './provided';

async function dropRunDatabases(target: CentralTarget, prefix: string): Promise<void> {
  // On a Citus cluster every node has a copy of each database.
  const nodes = [target, ...(target.citus?.workers ?? []).map((w) => ({ ...target, ...w }))];
  for (const node of nodes) {
    const admin = createRolePool(node, 'admin', { database: node.maintenanceDatabase, max: 1 });
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
        [prefix],
      );
      for (const row of rows) {
        await admin.query(
          `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(row.datname)} WITH (FORCE)`,
        );
      }
    } finally {
      await admin.end();
    }
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runPrefix = `edgepos_t${randomBytes(3).toString('hex')}_`;
  const url = process.env.DATABASE_URL;
  let server: EmbeddedServer | undefined;
  let dataDir: string | undefined;
  let base: CentralTarget;
  if (url) {
    base = urlTarget(url);
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'edgepos-pg-test-'));
    server = await startEmbeddedServer({ dataDir, durable: false });
    base = embeddedTarget({ port: server.port, superuser: server.superuser });
  }
  const target = withDatabase(base, `${runPrefix}template`);
  try {
    await bootstrapCentral(target);
    const owner = createRolePool(target, 'owner', { max: 1 });
    try {
      const result = await migrateCentral(owner);
      if (target.citus)
        await ensureRestrictiveShardGuards(owner, { repair: result.applied.length > 0 });
    } finally {
      await owner.end();
    }
  } catch (error) {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const provided: CentralTestServer = {
    target,
    runPrefix,
    mode: server ? 'embedded' : target.citus ? 'citus' : 'url',
  };
  project.provide('centralServer', provided);
  return async () => {
    try {
      await dropRunDatabases(target, runPrefix);
    } finally {
      await server?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  };
}
