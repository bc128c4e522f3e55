/**
 * `npm run bench -- --json` prints ONE JSON object of figures; without --json a table.
 * `--only edge,search` runs a subset. Figure names are a stable interface (read by checks
 * outside the tests): never rename one.
 *
 * Each suite is a module exporting `run(ctx)` that returns `{ "name": value | {p50,...} }`.
 * All figures of one invocation come from the same run on the same machine, so ratios between
 * them (sale commit vs bare insert, ingest vs COPY, hybrid vs fts) are meaningful.
 */
import { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Figures, Suite } from './suite';
import { getErrorMessage } from '../contract/errors';

const suites: Record<string, () => Promise<Suite>> = {
  edge: async () => (await import('./edge')).suite,
  search: async () => (await import('./search')).suite,
  central: async () => (await import('./central')).suite,
  ui: async () => (await import('./ui')).suite,
  sync: async () => (await import('./sync')).suite,
  // Starts a Citus cluster and a plain server of its own; without Citus it says why, no figures.
  topology: async () => (await import('./topology')).suite,
  console: async () => (await import('./console')).suite,
};

async function main(): Promise<number> {
  const program = new Command()
    .name('bench')
    .option('--json', 'print one JSON object of figures')
    .option('--only <suites>', `comma-separated subset of: ${Object.keys(suites).join(', ')}`)
    .option('--quick', 'smaller data sets (smoke run, figures not comparable to targets)')
    .parse(process.argv);
  const opts = program.opts<{ json?: boolean; only?: string; quick?: boolean }>();
  const selected = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(suites);
  for (const name of selected) {
    if (!suites[name]) {
      throw new Error(`Unknown suite ${name} (known: ${Object.keys(suites).join(', ')})`);
    }
  }
  const workDir = await mkdtemp(join(tmpdir(), 'edge-pos-bench-'));
  const figures: Figures = {};
  const log = (message: string): void => {
    process.stderr.write(`[bench] ${message}\n`);
  };
  const failed: Record<string, string> = {};
  try {
    for (const name of selected) {
      const load = suites[name];
      if (!load) continue;
      const started = performance.now();
      try {
        const suite = await load();
        log(`suite ${suite.name}`);
        Object.assign(
          figures,
          await suite.run({ workDir: join(workDir, name), log, quick: Boolean(opts.quick) }),
        );
        log(`suite ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (error) {
        // The other suites still run and their figures are printed; the exit code says a
        // suite failed, and `bench.failed_suites` says which and why.
        failed[name] = getErrorMessage(error);
        log(
          `suite ${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  if (Object.keys(failed).length > 0) figures['bench.failed_suites'] = failed;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    for (const [name, value] of Object.entries(figures)) {
      process.stdout.write(
        `${name.padEnd(36)} ${typeof value === 'number' ? value : JSON.stringify(value)}\n`,
      );
    }
  }
  return Object.keys(failed).length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
