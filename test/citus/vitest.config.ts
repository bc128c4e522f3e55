/**
 * `npm run test:citus` (scripts/test-citus.ts) runs this configuration against the Citus
 * cluster it starts; it is not part of `npm test`. One project: the central isolation, ingest,
 * rollup, stored-value (and its admin commands), loyalty and sync fault suites, unchanged, plus the cluster's own tests (*.citus.test.ts). The
 * rollup, stored-value, loyalty, returns-across-stores and sync fault suites, unchanged, plus the cluster's own tests (*.citus.test.ts). The
 * pg global setup sees EDGEPOS_CITUS_WORKERS and gives every test file a database of its own
 * that is bootstrapped on every node, migrated and distributed (a template copy would not be
 * distributed).
 */
import { defineConfig } from 'vitest/config';

export const CITUS_SUITES = [
  'test/central/isolation.pg.test.ts',
  'test/central/isolation-property.pg.test.ts',
  'test/central/ingest.pg.test.ts',
  'test/central/stored-value.pg.test.ts',
  'test/central/loyalty.pg.test.ts',
  'test/hq/gift-card-admin.pg.test.ts',
  'test/central/returns-across-stores.pg.test.ts',
  'test/central/concurrent-ingest.pg.test.ts',
  'test/central/rollups.pg.test.ts',
  'test/central/partitions.pg.test.ts',
  'test/sync/push-faults.pg.test.ts',
  'test/sync/pull-faults.pg.test.ts',
  'test/hq/isolation.pg.test.ts',
  'test/sync/sync-flow.pg.test.ts',
  'test/citus/**/*.citus.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/setup/require-tests-reporter.ts'],
    // The cluster's three servers share the machine's cores with the tests.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'citus',
          include: CITUS_SUITES,
          exclude: ['node_modules/**'],
          globalSetup: ['./test/setup/central-server.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
