/**
 * The vitest projects of `npm test`, chosen by file suffix (house style):
 *   *.test.ts     pure logic, fast            -> "unit" (npm run check)
 *   *.db.test.ts  real PGlite on disk/memory  -> "db"
 *   *.pg.test.ts  real PostgreSQL server      -> "pg" (global setup starts it)
 *   test/e2e/**   Chromium via playwright-core -> "e2e"
 *   *.guard.test.ts the runner itself (exit codes)    -> "guard"
 *
 * Defined here, not inline in vitest.config.ts, so the exit-code guard (test/guard/) runs its
 * failing fixtures through exactly these projects, global setups included.
 *
 * Timeouts: no test may depend on a wall-clock budget. Tests that are slow by nature (real
 * servers, SIGKILL loops, Chromium, packaging) get generous per-project limits that only
 * catch hangs; speed targets live in `npm run bench`.
 */
import type { TestProjectInlineConfiguration } from 'vitest/config';

export const PROJECT_NAMES = ['unit', 'db', 'pg', 'e2e', 'guard'] as const;
export type ProjectName = (typeof PROJECT_NAMES)[number];

export interface ProjectOverrides {
  /** Replaces a project's include globs (the guard points them at its fixtures). */
  include?: (name: ProjectName) => string[];
  /** Extra global setup files, run after the project's own. */
  extraGlobalSetup?: string[];
}

const IGNORED = ['node_modules/**', 'dist/**', 'dist-electron/**', 'dist-web/**', 'release/**'];

export function testProjects(overrides: ProjectOverrides = {}): TestProjectInlineConfiguration[] {
  const include = (name: ProjectName, globs: string[]): string[] =>
    overrides.include ? overrides.include(name) : globs;
  const globalSetup = (own: string[]): string[] => [...own, ...(overrides.extraGlobalSetup ?? [])];
  return [
    {
      extends: true,
      test: {
        name: 'unit',
        include: include('unit', [
          '{contract,core,db,sync,hq,till,electron,renderer,test,bench}/**/*.test.ts',
        ]),
        exclude: [
          ...IGNORED,
          '**/*.db.test.ts',
          '**/*.pg.test.ts',
          '**/*.guard.test.ts',
          // A Citus cluster: `npm run test:citus` only (test/citus/vitest.config.ts).
          '**/*.citus.test.ts',
          'test/e2e/**',
        ],
        globalSetup: globalSetup([]),
        // Type-level tests (*.test-d.ts) run once, here, not in every project.
        typecheck: { enabled: true, tsconfig: './tsconfig.json', include: ['**/*.test-d.ts'] },
        // Generous: on a loaded 2-core machine a unit test that builds or spawns can take long.
        testTimeout: 60_000,
        hookTimeout: 60_000,
      },
    },
    {
      extends: true,
      test: {
        name: 'db',
        include: include('db', ['**/*.db.test.ts']),
        exclude: IGNORED,
        globalSetup: globalSetup([]),
        testTimeout: 300_000,
        hookTimeout: 300_000,
      },
    },
    {
      extends: true,
      test: {
        name: 'pg',
        include: include('pg', ['**/*.pg.test.ts']),
        exclude: IGNORED,
        // One real PostgreSQL for the whole project (embedded, or DATABASE_URL).
        globalSetup: globalSetup(['./test/setup/central-server.ts']),
        testTimeout: 400_000,
        hookTimeout: 400_000,
      },
    },
    {
      extends: true,
      test: {
        name: 'e2e',
        include: include('e2e', ['test/e2e/**/*.e2e.test.ts']),
        exclude: IGNORED,
        globalSetup: globalSetup([]),
        fileParallelism: false,
        testTimeout: 400_000,
        hookTimeout: 600_000,
      },
    },
    {
      extends: true,
      test: {
        name: 'guard',
        include: include('guard', ['test/guard/**/*.guard.test.ts']),
        exclude: IGNORED,
        globalSetup: globalSetup([]),
        testTimeout: 600_000,
        hookTimeout: 600_000,
      },
    },
  ];
}
