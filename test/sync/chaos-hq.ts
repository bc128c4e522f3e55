/**
 * HQ in its own process for the chaos test (chaos.pg.test.ts), so the test can kill it with
 * SIGKILL (no cleanup, requests cut mid-transaction) and start it again on the same port and
 * database, as a service manager would. Prints `ready <url>` on stdout once it serves.
 *
 *   node --import tsx test/sync/chaos-hq.ts '<json: ChaosHqRequest>'
 */
import { pino } from 'pino';
import { startHq } from '../../hq/start';

export interface ChaosHqRequest {
  databaseUrl: string;
  dataDir: string;
  port: number;
  adminToken: string;
  /** Seed the sample chain (first start only). */
  seed: boolean;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ChaosHqRequest;
  const hq = await startHq({
    databaseUrl: request.databaseUrl,
    dataDir: request.dataDir,
    port: request.port,
    adminToken: request.adminToken,
    seed: request.seed ? { products: 24, customers: 10, sales: 0 } : false,
    embeddings: false,
    retentionDays: 30,
    logger: pino({ level: process.env.SYNC_TEST_LOG ?? 'silent' }, pino.destination(2)),
  });
  process.stdout.write(`ready ${hq.url}\n`);
  process.on('SIGTERM', () => {
    hq.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
