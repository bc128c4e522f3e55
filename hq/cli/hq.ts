/**
 * `npm run hq`: the HQ sync service and the HQ console (<url>/console/) on the embedded PostgreSQL (or $DATABASE_URL), migrated,
 * seeded with the sample chain on first start (unless --no-seed), until Ctrl-C.
 *
 *   npm run hq -- --port 8787 --data-dir .data/hq --no-seed
 */
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startHq } from '../start';
import { startupBanner } from './banner';
import { consoleBanner, ensureConsoleBuilt } from '../ops/console-build';
import { getErrorMessage } from '../../contract/errors';

function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

const program = new Command()
  .name('hq')
  .description('Edge POS HQ sync service')
  .option('--port <port>', 'HTTP port', intArg, 8787)
  .option('--host <host>', 'listen address', '127.0.0.1')
  .option('--data-dir <dir>', 'embedded database and admin token directory (default .data/hq)')
  .option(
    '--database-url <url>',
    'superuser URL of another PostgreSQL >= 15 (default $DATABASE_URL)',
  )
  .option('--no-seed', 'do not seed the sample chain into an empty HQ')
  .option('--products <n>', 'sample catalog size when seeding', intArg)
  .option('--sales <n>', 'sample historical sales when seeding', intArg)
  .option('--retention-days <n>', 'days the change feed is kept', intArg)
  .option('-v, --verbose', 'debug logging')
  .parse(process.argv);

const opts = program.opts<{
  port: number;
  host: string;
  dataDir?: string;
  databaseUrl?: string;
  seed: boolean;
  products?: number;
  sales?: number;
  retentionDays?: number;
  verbose?: boolean;
}>();

async function main(): Promise<void> {
  const logger = pino({ level: opts.verbose ? 'debug' : 'info' }, pino.destination(2));
  if (await ensureConsoleBuilt()) logger.info('HQ console built into dist-console/');
  const hq = await startHq({
    logger,
    port: opts.port,
    host: opts.host,
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    retentionDays: opts.retentionDays,
    seed: opts.seed ? { products: opts.products, sales: opts.sales } : false,
  });
  process.stderr.write(startupBanner({ url: hq.url, dataDir: opts.dataDir }));
  process.stderr.write(`${consoleBanner(hq)}\n\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping HQ');
    hq.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: getErrorMessage(error) }, 'HQ did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${getErrorMessage(error)}\n`);
  process.exit(1);
});
