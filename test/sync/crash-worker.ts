/**
 * A till in its own process for the crash test (crash.pg.test.ts): it opens its store,
 * syncs in the background and rings up sales until the store holds `target` of them, then
 * waits until HQ acknowledged everything. The test kills it with SIGKILL at random moments:
 * mid sale commit, mid journal write, mid push, mid pull page.
 *
 *   node --import tsx test/sync/crash-worker.ts <store dir> <store id> <target sales>
 */
import { createTillContext } from '../../db/checkout/context';
import { commitSale } from '../../db/checkout/sale';
import { currentShift, openShift } from '../../db/checkout/shifts';
import { openEdgeStore } from '../../till/node/store';
import { demoStaff } from '../../db/seed/chain';
import { tillSyncClient } from '../../till/sync';

async function main(): Promise<void> {
  const [dir = '', storeId = '', targetText = '0'] = process.argv.slice(2);
  const target = Number(targetText);
  const store = await openEdgeStore({ dir });
  const client = tillSyncClient(store, {
    backoff: { baseMs: 20, maxMs: 200 },
    tuning: { pullWaitMs: 300, pushBatch: 7 },
    statusPollMs: 50,
  });
  await client.start();
  const till = await createTillContext({
    db: store.db,
    journal: store.journal,
    isOnline: () => client.isOnline(),
  });
  const cashier = demoStaff(storeId).find((s) => s.role === 'cashier')!;
  if (!(await currentShift(till)))
    await openShift(till, { staffId: cashier.staffId, openingFloatCents: 5_000 });
  const { rows: products } = await store.db.query<{
    product_id: string;
    sku: string;
    product_name: string;
    category_id: number | null;
    cents: number;
  }>(
    `SELECT product_id, sku, product_name, category_id, (price * 100)::bigint AS cents
       FROM retail.products ORDER BY sku LIMIT 10`,
  );
  process.stdout.write('ready\n');
  for (;;) {
    const { rows } = await store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.sales_transactions`,
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n >= target) break;
    const p = products[n % products.length]!;
    await commitSale(till, {
      cart: {
        lines: [
          {
            productId: p.product_id,
            sku: p.sku,
            productName: p.product_name,
            categoryId: p.category_id,
            unitPriceCents: Number(p.cents),
            quantity: 1 + (n % 3),
          },
        ],
      },
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: cashier.staffId,
    });
    client.nudge();
    process.stdout.write(`sold ${n + 1}\n`);
  }
  for (;;) {
    await client.syncNow().catch(() => undefined);
    if ((await client.status()).pendingCount === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write('drained\n');
  await client.stop();
  await store.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
