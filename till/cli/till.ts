/**
 * Till database commands (Node).
 *
 *   npm run till -- seed --dir .data/till-seattle --store seattle --register R01 [--products 500] [--customers 2000] [--seed 42]
 *   npm run till -- migrate status|up|down --dir <storeDir> [--to N]
 *   npm run till -- info --dir <storeDir>
 *   npm run till -- printer --dir <storeDir> [--network host[:port] | --system "<name>" | --none]
 *                  [--paper 58|80] [--no-drawer] [--return-policy "<text>"]   (no option: show)
 *   npm run build:template            (pre-migrated template for fast first open)
 */
import { Command, InvalidArgumentError } from 'commander';
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { openEdgeStore } from '../node/store';
import { edgeExtensions } from '../../db/edge/extensions';
import { buildTemplate, DEFAULT_TEMPLATE_DIR } from '../../db/edge/template';
import { EDGE_MIGRATIONS_DIR, loadMigrations } from '../../db/migrations/node-source';
import { pgliteMigrationDriver } from '../../db/migrations/pglite-driver';
import { migrateDown, migrateUp, migrationStatus } from '../../db/migrations/runner';
import { acquireDirLock } from '../../db/edge/lock';
import { newId } from '../../core/ids';
import { pendingCount, readCounters } from '../../db/queries/outbox';
import { negativeStock } from '../../db/queries/catalog';
import { seedTill } from '../../db/seed/write-edge';
import { SEED_STORES } from '../../db/seed/vocabulary';
import { PosError } from '../../db/errors';
import { readPrintSettings, writePrintSettings } from '../../db/queries/printer-settings';
import { printSettingsFrom, type PrinterOptions } from './printer-options';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function progress(stage: string, done: number, total: number): void {
  process.stderr.write(
    `\r${stage}: ${done}/${total} (${Math.round((done / Math.max(total, 1)) * 100)}%)${done === total ? '\n' : ''}`,
  );
}

const program = new Command().name('till').description('Edge POS till database commands');

program
  .command('seed')
  .description(
    "create (if needed) and fill a till database with one store's slice of the sample chain",
  )
  .requiredOption('--dir <dir>', 'store directory')
  .option('--store <id>', `seed store (${SEED_STORES.map((s) => s.storeId).join(', ')})`, 'seattle')
  .option('--register <id>', 'register id', 'R01')
  .option('--products <n>', 'catalog size', positiveInt, 500)
  .option('--customers <n>', 'customers across the chain', positiveInt, 2_000)
  .option('--seed <n>', 'random seed (same seed, same data)', positiveInt, 42)
  .action(
    async (o: {
      dir: string;
      store: string;
      register: string;
      products: number;
      customers: number;
      seed: number;
    }) => {
      const store = await openEdgeStore({ dir: o.dir, purpose: 'till seed' });
      try {
        const existing = await store.identity();
        const started = performance.now();
        const result = await seedTill(store.db, {
          storeId: o.store,
          registerId: o.register,
          deviceId: existing?.deviceId ?? `local-${newId()}`,
          seed: o.seed,
          products: o.products,
          customers: o.customers,
          onProgress: progress,
        });
        await store.maintain();
        process.stdout.write(
          `${JSON.stringify({ ...result, dir: o.dir, seconds: Math.round(performance.now() - started) / 1000 })}\n`,
        );
      } finally {
        await store.close();
      }
    },
  );

const migrate = program
  .command('migrate')
  .description('edge schema migrations of a store directory');
async function withBareDb<T>(dir: string, fn: (db: PGlite) => Promise<T>): Promise<T> {
  const dataDir = join(dir, 'pgdata');
  if (!existsSync(dataDir)) throw new Error(`No till database in ${dir}`);
  const lock = acquireDirLock(join(dir, 'LOCK'), 'till migrate');
  const db = await PGlite.create({ dataDir, extensions: edgeExtensions });
  try {
    return await fn(db);
  } finally {
    await db.exec('CHECKPOINT');
    await db.close();
    lock.release();
  }
}
migrate
  .command('status')
  .requiredOption('--dir <dir>', 'store directory')
  .action(async (o: { dir: string }) => {
    const status = await withBareDb(o.dir, (db) =>
      migrationStatus(pgliteMigrationDriver(db), loadMigrations(EDGE_MIGRATIONS_DIR)),
    );
    process.stdout.write(
      `${JSON.stringify({ version: status.version, pending: status.pending })}\n`,
    );
  });
migrate
  .command('up')
  .requiredOption('--dir <dir>', 'store directory')
  .option('--to <n>', 'target version', positiveInt)
  .action(async (o: { dir: string; to?: number }) => {
    const result = await withBareDb(o.dir, (db) =>
      migrateUp(
        pgliteMigrationDriver(db),
        loadMigrations(EDGE_MIGRATIONS_DIR),
        o.to === undefined ? {} : { to: o.to },
      ),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });
migrate
  .command('down')
  .requiredOption('--dir <dir>', 'store directory')
  .requiredOption('--to <n>', 'version to go back to', positiveInt)
  .action(async (o: { dir: string; to: number }) => {
    const result = await withBareDb(o.dir, (db) =>
      migrateDown(pgliteMigrationDriver(db), loadMigrations(EDGE_MIGRATIONS_DIR), { to: o.to }),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  });

program
  .command('info')
  .description('identity, counters, pending sync and negative stock of a till')
  .requiredOption('--dir <dir>', 'store directory')
  .action(async (o: { dir: string }) => {
    const store = await openEdgeStore({ dir: o.dir, purpose: 'till info' });
    try {
      const identity = await store.identity();
      const info = {
        identity,
        counters: await readCounters(store.db),
        pendingMutations: await pendingCount(store.db),
        negativeStock: identity ? (await negativeStock(store.db, identity.storeId)).length : 0,
        replayedAtOpen: store.replayed.length,
      };
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    } finally {
      await store.close();
    }
  });

program
  .command('printer')
  .description("show or set the till's receipt printer (the desktop app must be closed)")
  .requiredOption('--dir <dir>', 'store directory')
  .option('--network <host[:port]>', 'ESC/POS printer on the network (port 9100 by default)')
  .option('--system <name>', 'a printer the operating system knows, by name (desktop app)')
  .option('--none', 'no receipt printer')
  .option('--paper <mm>', 'roll width: 58 or 80')
  .option('--no-drawer', 'no cash drawer on the network printer')
  .option('--return-policy <text>', 'printed on every receipt')
  .action(async (o: PrinterOptions & { dir: string }) => {
    const store = await openEdgeStore({ dir: o.dir, purpose: 'till printer' });
    try {
      const current = await readPrintSettings(store.db);
      const changes = o.network ?? o.system ?? o.none ?? o.paper ?? o.returnPolicy;
      // commander sets drawer=true unless --no-drawer: only an explicit false is a change.
      const options = { ...o, drawer: o.drawer === false ? false : undefined };
      if (changes === undefined && options.drawer === undefined) {
        process.stdout.write(`${JSON.stringify(current, null, 2)}\n`);
        return;
      }
      const parsed = printSettingsFrom(options, current);
      if (!parsed.ok) {
        process.stderr.write(`${parsed.message}\n`);
        process.exitCode = 1;
        return;
      }
      await writePrintSettings(store.db, parsed.settings);
      process.stdout.write(`${JSON.stringify(parsed.settings, null, 2)}\n`);
    } finally {
      await store.close();
    }
  });

program
  .command('build-template')
  .description('build the pre-migrated database template used for fast first opens')
  .option('--out <dir>', 'template directory', DEFAULT_TEMPLATE_DIR)
  .action(async (o: { out: string }) => {
    const started = performance.now();
    const path = await buildTemplate(o.out);
    process.stdout.write(`template ${path} (${Math.round(performance.now() - started)} ms)\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  const message =
    error instanceof PosError
      ? `${error.kind}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`till: ${message}\n`);
  process.exit(1);
});
