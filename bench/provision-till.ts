/**
 * Child process of the sync benchmark: a new till, in its own process (as a real till is on
 * its own machine, and the benchmark's load generators stay out of HQ's process), enrolls with
 * HQ, downloads its store, opens a shift and sells one item; then builds the vector index its
 * download deferred, as the store's idle maintenance would. Prints one JSON line of timings
 * (milliseconds) on stdout; progress goes to stderr.
 *
 *   node --import tsx bench/provision-till.ts '<json: ProvisionRequest>'
 *
 * Timing starts when the store database is opened (module loading is not provisioning).
 */
import { createTillContext } from '../db/checkout/context';
import { commitSale } from '../db/checkout/sale';
import { openShift } from '../db/checkout/shifts';
import { openEdgeStore } from '../till/node/store';
import type { Logger } from '../db/logger';
import type { CartLine } from '../core/pricing';
import { tillSyncClient } from '../till/sync';

export interface ProvisionRequest {
  hqUrl: string;
  code: string;
  dir: string;
  cashierId: string;
  line: CartLine & { unitPriceCents: number };
}

export interface ProvisionTimings {
  /** Store database created and opened. */
  open: number;
  /** Enrollment request until the till is ready (catalog downloaded). */
  download: number;
  /** Download pages: time standing still for HQ, writing per stage, the last page's extras. */
  wait: number;
  apply: Record<string, number>;
  finish: number;
  /** Shift opened and first sale committed. */
  sale: number;
  /** Open until the sale: the provisioning figure. */
  total: number;
  /** Afterwards: the deferred vector cells and index builds (idle maintenance). */
  indexBuild: number;
  indexesBuilt: number;
  cellsBuilt: number;
  embeddings: number;
}

/** Sums the sync client's per-page debug records (sync/client/snapshot.ts). */
function pageLog(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const logger: Logger = {
    debug: (fields, message) => {
      if (message === 'catalog page applied') records.push(fields);
    },
    info: () => undefined,
    warn: (fields, message) => process.stderr.write(`${message ?? ''} ${JSON.stringify(fields)}\n`),
    error: (fields, message) =>
      process.stderr.write(`${message ?? ''} ${JSON.stringify(fields)}\n`),
    child: () => logger,
  };
  return { logger, records };
}

async function provision(request: ProvisionRequest): Promise<ProvisionTimings> {
  const pages = pageLog();
  const started = performance.now();
  const store = await openEdgeStore({ dir: request.dir });
  const opened = performance.now();
  const client = tillSyncClient(store, { logger: pages.logger });
  try {
    await client.enroll({ hqUrl: request.hqUrl, code: request.code });
    const ready = performance.now();
    const till = await createTillContext({ db: store.db, journal: store.journal });
    await openShift(till, { staffId: request.cashierId, openingFloatCents: 0 });
    await commitSale(till, {
      cart: { lines: [request.line] },
      tenders: [{ type: 'cash', tenderedCents: request.line.unitPriceCents + 10_000 }],
      cashierId: request.cashierId,
    });
    const sold = performance.now();
    await client.stop();
    const indexStarted = performance.now();
    const maintained = await store.maintain();
    const indexBuild = performance.now() - indexStarted;
    const { rows } = await store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.product_embeddings`,
    );
    const sum = (key: string, stage?: string): number =>
      pages.records
        .filter((r) => stage === undefined || r.stage === stage)
        .reduce((n, r) => n + Number(r[key] ?? 0), 0);
    const stages = [...new Set(pages.records.map((r) => String(r.stage)))];
    return {
      open: opened - started,
      download: ready - opened,
      wait: sum('waitMs'),
      apply: Object.fromEntries(stages.map((s) => [s, sum('applyMs', s) - sum('finishMs', s)])),
      finish: sum('finishMs'),
      sale: sold - ready,
      total: sold - started,
      indexBuild,
      indexesBuilt: maintained.indexed.length,
      cellsBuilt: maintained.cells.length,
      embeddings: Number(rows[0]?.n ?? 0),
    };
  } finally {
    await client.stop();
    await store.close();
  }
}

const arg = process.argv[2];
if (!arg) throw new Error("usage: provision-till '<json request>'");
provision(JSON.parse(arg) as ProvisionRequest).then(
  (timings) => process.stdout.write(`${JSON.stringify(timings)}\n`),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
