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

const suites: Record<string, () => Promise<Suite>> = {
  edge: async () => (await import('./edge')).suite,
  search: async () => (await import('./search')).suite,
  central: async () => (await import('./central')).suite,
  ui: async () => (await import('./ui')).suite,
  sync: async () => (await import('./sync')).suite,
};

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .option('--json', 'print one JSON object of figures')
    .option('--only <suites>', `comma-separated subset of: ${Object.keys(suites).join(', ')}`)
    .option('--quick', 'smaller data sets (smoke run, figures not comparable to targets)')
    .parse(process.argv);
  const opts = program.opts<{ json?: boolean; only?: string; quick?: boolean }>();
  const selected = opts.only ? opts.only.split(',').map((s) => s.trim()) : Object.keys(suites);
  for (const name of selected) if (!suites[name]) throw new Error(`Unknown suite ${name}`);
  const workDir = await mkdtemp(join(tmpdir(), 'edge-pos-bench-'));
  const figures: Figures = {};
  const log = (message: string): void => {
    process.stderr.write(`[bench] ${message}\n`);
  };
  try {
    for (const name of selected) {
      const load = suites[name];
      if (!load) continue;
      const suite = await load();
      log(`suite ${suite.name}`);
      const started = performance.now();
      Object.assign(
        figures,
        await suite.run({ workDir: join(workDir, name), log, quick: Boolean(opts.quick) }),
      );
      log(`suite ${suite.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    for (const [name, value] of Object.entries(figures)) {
      process.stdout.write(
        `${name.padEnd(36)} ${typeof value === 'number' ? value : JSON.stringify(value)}\n`,
      );
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
