import { defineConfig } from 'vitest/config';

/**
 * Projects by file suffix (house style):
 *   *.test.ts     pure logic, fast            -> project "unit" (npm run check)
 *   *.db.test.ts  real PGlite on disk/memory  -> project "db"
 *   *.pg.test.ts  real PostgreSQL server      -> project "pg"
 *   test/e2e/**   Chromium via playwright-core -> project "e2e"
 */
export default defineConfig({
  test: {
    typecheck: { enabled: true, tsconfig: './tsconfig.json', include: ['**/*.test-d.ts'] },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{contract,core,db,sync,electron,renderer,test,bench}/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/*.pg.test.ts', 'test/e2e/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['**/*.db.test.ts'],
          exclude: ['node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'pg',
          include: ['**/*.pg.test.ts'],
          exclude: ['node_modules/**'],
          // One real PostgreSQL for the whole project (embedded, or DATABASE_URL).
          globalSetup: ['./test/setup/central-server.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          exclude: ['node_modules/**'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
