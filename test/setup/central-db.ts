/**
 * A fresh, fully migrated HQ database for a test file, on the run's one real PostgreSQL
 * (central-server.ts): CREATE DATABASE ... TEMPLATE <migrated template>, plus one pool per role.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { bootstrapCentral } from '../../db/central/bootstrap';
import { migrateCentral } from '../../db/central/migrate';
import { ensureRestrictiveShardGuards } from '../../db/central/citus';
import { ROLE_NAMES, withDatabase, type CentralTarget } from '../../db/central/connection';
import {
  createCentralPools,
  createRolePool,
  endPools,
  type CentralPools,
} from '../../db/central/pool';
import './provided';
import { PgCode, sqlState } from '../../db/pg-errors';

export interface TestDatabase {
  name: string;
  target: CentralTarget;
  pools: CentralPools;
  drop(): Promise<void>;
}

export function centralTestServer(): ReturnType<typeof inject<'centralServer'>> {
  return inject('centralServer');
}

async function adminQuery(target: CentralTarget, sql: string): Promise<void> {
  const admin = createRolePool(target, 'admin', { database: target.maintenanceDatabase, max: 1 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(sql);
        return;
      } catch (error) {
        // The template is briefly in use by a concurrent CREATE DATABASE.
        if (sqlState(error) !== PgCode.objectInUse || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + attempt * 50));
      }
    }
  } finally {
    await admin.end();
  }
}

/**
 * A new database. `migrated` (default): a copy of the migrated template. Otherwise an empty
 * database prepared by the bootstrap only (for migration up/down tests).
 */
export async function createTestDatabase(
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const { target: template, runPrefix, mode } = centralTestServer();
  const name = `${runPrefix}${randomBytes(5).toString('hex')}`;
  const target = withDatabase(template, name);
  if (options.migrated === false) {
    await bootstrapCentral(target);
  } else if (mode === 'citus') {
    // A copy of a distributed template would not be distributed: bootstrap on every node,
    // migrate (which distributes) and restore the shards' tenant guards, as startCentral does.
    await bootstrapCentral(target);
    const owner = createRolePool(target, 'owner', { max: 1 });
    try {
      const result = await migrateCentral(owner);
      await ensureRestrictiveShardGuards(owner, { repair: result.applied.length > 0 });
    } finally {
      await owner.end();
    }
  } else {
    await adminQuery(
      template,
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template.database)} OWNER ${ROLE_NAMES.owner}`,
    );
  }
  // Database ACLs are not copied from the template: restrict TEMP like the bootstrap does.
  await adminQuery(
    template,
    `REVOKE TEMPORARY ON DATABASE ${pg.escapeIdentifier(name)} FROM PUBLIC, ${ROLE_NAMES.app}, ${ROLE_NAMES.reporting}`,
  );
  const pools = createCentralPools(target);
  let dropped = false;
  return {
    name,
    target,
    pools,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await endPools(pools);
      const nodes = [
        template,
        ...(template.citus?.workers ?? []).map((w) => ({ ...template, ...w })),
      ];
      for (const node of nodes) {
        await adminQuery(node, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      }
    },
  };
}
