import { defineConfig } from 'vitest/config';
import { testProjects } from './test/projects.ts';

export default defineConfig({
  test: {
    reporters: ['default', './test/setup/require-tests-reporter.ts'],
    // Most test time is spent waiting on child processes (PostgreSQL, PGlite children, Chromium)
    // and timers, not on this process's CPU: three files at a time on a 2-core machine.
    maxWorkers: 3,
    projects: testProjects(),
  },
});
