import { defineConfig } from 'vitest/config';
import { testProjects } from './test/projects.ts';

export default defineConfig({
  test: {
    typecheck: { enabled: true, tsconfig: './tsconfig.json', include: ['**/*.test-d.ts'] },
    reporters: ['default', './test/setup/require-tests-reporter.ts'],
    projects: testProjects(),
  },
});
