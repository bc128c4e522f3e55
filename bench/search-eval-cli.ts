/**
 * Run the search quality evaluation on its own, on any seed and catalog size, and look at the
 * queries the hybrid search gets wrong:
 *
 *   npx tsx bench/search-eval-cli.ts --products 50000 --seed 1000 --misses
 *   npx tsx bench/search-eval-cli.ts --products 50000 --seed 1000 --modes hybrid \
 *     --classes category,no_match --cache /tmp/search-eval-cache --misses
 *
 * Seeds 1000 and 2000 are the development catalogs every tuning constant was chosen on; the
 * bench (bench/search.ts) reports seed 42, which no choice looked at. Uses an in-memory PGlite
 * (about 2 minutes for 50,000 products, most of it embedding and the index builds). `--cache`
 * keeps the seeded and embedded store as a data-dir dump per seed, size and migration set, so
 * a development loop does not pay for seeding and embedding every time.
 */
import { PGlite } from '@electric-sql/pglite';
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { edgeExtensions } from '../db/edge/extensions';
import { autovacuum } from '../db/edge/maintenance';
import { DEFAULT_TEMPLATE_DIR, readTemplate } from '../db/edge/template';
import { EDGE_MIGRATIONS_DIR, loadMigrations } from '../db/migrations/node-source';
import { pgliteMigrationDriver } from '../db/migrations/pglite-driver';
import { migrateUp, migrationSetChecksum } from '../db/migrations/runner';
import { SEARCH_TUNING } from '../db/queries/search';
import { embedAllProducts } from '../db/search/refresher';
import { generateCatalog } from '../db/seed/catalog';
import { seedTill } from '../db/seed/write-edge';
import { EVAL_MODES, evaluateSearch, type EvalMode } from './search-eval';
import { generateEvalQueries, QUERY_CLASSES } from './search-eval-queries';

/**
 * A seeded, embedded store: from the cache when one exists for this seed, size and migration
 * set (the file name carries the set's checksum, so a changed migration never reuses a stale
 * store), else built and, with a cache directory, saved.
 */
async function openStore(options: {
  seed: number;
  products: number;
  cache: string | undefined;
}): Promise<PGlite> {
  const migrations = loadMigrations(EDGE_MIGRATIONS_DIR);
  const sum = (await migrationSetChecksum(migrations)).slice(0, 12);
  const file = options.cache
    ? join(options.cache, `seed-${options.seed}-${options.products}-${sum}.tgz`)
    : undefined;
  if (file && existsSync(file)) {
    return PGlite.create({
      extensions: edgeExtensions,
      loadDataDir: new Blob([await readFile(file)]),
    });
  }
  const template = await readTemplate(DEFAULT_TEMPLATE_DIR);
  const db = await PGlite.create({
    extensions: edgeExtensions,
    ...(template ? { loadDataDir: template } : {}),
  });
  await migrateUp(pgliteMigrationDriver(db), migrations);
  await seedTill(db, {
    storeId: 'seattle',
    registerId: 'R01',
    deviceId: 'search-eval',
    seed: options.seed,
    products: options.products,
    customers: 10,
  });
  await embedAllProducts(db, { storeId: 'seattle' });
  if (file && options.cache) {
    await mkdir(options.cache, { recursive: true });
    const dump = await db.dumpDataDir('gzip');
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  }
  return db;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--products <n>', 'catalog size', '5000')
    .option('--seed <n>', 'catalog and query seed', '42')
    .option('--per-class <n>', 'queries per class', '40')
    .option('--modes <list>', `comma-separated subset of: ${Object.keys(EVAL_MODES).join(', ')}`)
    .option('--classes <list>', `comma-separated subset of: ${QUERY_CLASSES.join(', ')}`)
    .option('--cache <dir>', 'keep the seeded, embedded store here between runs')
    .option('--weights <list>', 'development only: fusion weights, e.g. trigram=0.3,vector=0.3')
    .option('--misses', 'list the queries whose hybrid top 10 misses relevant products')
    .parse(process.argv)
    .opts<{
      products: string;
      seed: string;
      perClass: string;
      modes?: string;
      classes?: string;
      cache?: string;
      weights?: string;
      misses?: boolean;
    }>();
  for (const pair of opts.weights?.split(',') ?? []) {
    const [signal, value] = pair.split('=');
    if (signal && signal in SEARCH_TUNING.weights)
      SEARCH_TUNING.weights[signal as keyof typeof SEARCH_TUNING.weights] = Number(value);
  }
  const products = Number(opts.products);
  const seed = Number(opts.seed);
  const db = await openStore({ seed, products, cache: opts.cache });
  try {
    await autovacuum(db);
    const catalog = generateCatalog({ seed, products });
    const classes = opts.classes?.split(',');
    const queries = generateEvalQueries(catalog, { seed, perClass: Number(opts.perClass) }).filter(
      (q) => !classes || classes.includes(q.cls),
    );
    const modes = (opts.modes?.split(',') ?? Object.keys(EVAL_MODES)) as EvalMode[];
    const report = await evaluateSearch(db, { storeId: 'seattle', queries, modes });
    console.log(`${report.queries} queries, ${products} products, seed ${seed}`);
    console.log('recall@10', JSON.stringify(report.recallAt10));
    console.log('mrr@10   ', JSON.stringify(report.mrr));
    console.log('no-match false positives', JSON.stringify(report.noMatchFalsePositiveRate));
    for (const cls of QUERY_CLASSES) {
      const c = report.byClass[cls];
      if (c.queries === 0) continue;
      console.log(
        `  ${cls.padEnd(12)} recall ${JSON.stringify(c.recallAt10)} mrr ${JSON.stringify(c.mrr)}`,
      );
    }
    if (opts.misses) {
      const names = new Map(catalog.map((p) => [p.productId, p.productName]));
      const mode = modes[0] ?? 'hybrid';
      for (const d of report.details.filter((x) => (x.outcomes[mode]?.recall ?? 0) < 1)) {
        const top = (d.top[mode] ?? []).slice(0, 3).map((id) => names.get(id) ?? '-');
        console.log(
          `${d.query.cls} ${JSON.stringify(d.query.text)} [${d.query.rule}] recall ${(d.outcomes[mode]?.recall ?? 0).toFixed(2)} top: ${top.join(' / ') || '-'}`,
        );
      }
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
