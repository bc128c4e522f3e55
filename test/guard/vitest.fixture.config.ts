/**
 * The exit-code guard's vitest config: the real projects of `npm test` (test/projects.ts, with
 * their global setups) and the real reporters, pointed at one fixture chosen by environment:
 *
 *   EDGEPOS_GUARD_FIXTURE  failing | unhandled | empty | passing  (test/guard/fixtures/<name>.fixture.ts)
 *   EDGEPOS_GUARD_SETUP    failing -> add a global setup that throws
 *
 * Only test/guard/exit-codes.guard.test.ts runs it, in a child process.
 */
import { defineConfig } from 'vitest/config';
import { testProjects } from '../projects.ts';

const fixture = process.env.EDGEPOS_GUARD_FIXTURE ?? 'failing';
if (!/^[a-z-]+$/.test(fixture)) throw new Error(`bad EDGEPOS_GUARD_FIXTURE ${fixture}`);

export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    reporters: ['default', './test/setup/require-tests-reporter.ts'],
    projects: testProjects({
      include: () => [`test/guard/fixtures/${fixture}.fixture.ts`],
      ...(process.env.EDGEPOS_GUARD_SETUP === 'failing'
        ? { extraGlobalSetup: ['./test/guard/fixtures/failing-global-setup.ts'] }
        : {}),
    }),
  },
});
