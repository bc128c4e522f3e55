/**
 * Durability of the till database: a process killed mid-commit leaves whole sales or none, the
 * sale journal restores sales the database lost (exactly once, without reusing receipt numbers),
 * a second opener is refused, and damaged data is reported, never silently "repaired".
 */
import { spawn } from 'node:child_process';
import { cp, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { commitSale } from '../../db/checkout/sale';
import { openShift } from '../../db/checkout/shifts';
import { ErrorKind, PosError } from '../../db/errors';
import { markAcked } from '../../db/queries/outbox';
import { Rng } from '../../db/seed/random';
import { openEdgeStore } from './store';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function seededDir(): Promise<TestTill> {
  const t = await openTestTill();
  cleanups.push(() => rm(t.dir, { recursive: true, force: true }));
  return t;
}

function sellOne(t: TestTill, index: number) {
  const p = t.catalog.filter((x) => x.isActive)[index];
  if (!p) throw new Error('no product');
  return commitSale(t.till, {
    cart: {
      lines: [
        {
          productId: p.productId,
          sku: p.sku,
          productName: p.productName,
          categoryId: p.categoryId,
          unitPriceCents: p.priceCents,
          quantity: 1,
        },
      ],
    },
    tenders: [{ type: 'cash', tenderedCents: 99_999_999 }],
    cashierId: t.cashier.staffId,
  });
}

/** Every sale is whole: lines, payments, movements and its outbox row, with consistent totals. */
async function assertWholeSales(t: TestTill): Promise<number> {
  const { rows } = await t.store.db.query<{ transaction_id: string; ok: boolean }>(`
    SELECT t.transaction_id,
           (SELECT count(*) FROM retail.sales_transaction_items i WHERE i.transaction_id = t.transaction_id) > 0
       AND (SELECT sum(total_price + tax_amount) FROM retail.sales_transaction_items i WHERE i.transaction_id = t.transaction_id) = t.total_amount
       AND (SELECT sum(amount) FROM retail.payments p WHERE p.transaction_id = t.transaction_id) = t.total_amount
       AND (SELECT -sum(quantity_delta) FROM retail.stock_movements m WHERE m.transaction_id = t.transaction_id)
           = (SELECT sum(quantity) FROM retail.sales_transaction_items i WHERE i.transaction_id = t.transaction_id)
       AND EXISTS (SELECT 1 FROM pos.outbox o WHERE o.entity_id = t.transaction_id AND o.mutation_type = 'sale.recorded') AS ok
      FROM retail.sales_transactions t`);
  expect(rows.filter((r) => !r.ok)).toEqual([]);
  const orphans = await t.store.db.query<{ n: number }>(`
    SELECT (SELECT count(*) FROM retail.sales_transaction_items i WHERE NOT EXISTS (SELECT 1 FROM retail.sales_transactions t WHERE t.transaction_id = i.transaction_id))
         + (SELECT count(*) FROM pos.outbox o WHERE o.mutation_type = 'sale.recorded' AND NOT EXISTS (SELECT 1 FROM retail.sales_transactions t WHERE t.transaction_id = o.entity_id)) AS n`);
  expect(Number(orphans.rows[0]?.n)).toBe(0);
  return rows.length;
}

describe('kill mid-commit', () => {
  it('leaves whole sales or none across many SIGKILLs, and loses no sale whose commit returned', async () => {
    const t = await seededDir();
    await t.store.close();
    const rng = new Rng(20261121);
    const confirmed = new Set<string>();
    const kills = 10;
    for (let round = 0; round < kills; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/fixtures/crash-child.ts', t.dir, String(round * 1000)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let buffer = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`child never became ready: ${stderr}`)),
          300_000, // a hang limit: opening a store on a loaded machine can take long
        );
        child.stdout.on('data', (d: Buffer) => {
          buffer += d.toString();
          if (buffer.includes('ready\n')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
      });
      // Kill at a random point of a random later sale: after the child confirmed 1-3 sales in
      // this round (so every round kills a selling process, however slow the machine is), plus
      // a random part of the next commit.
      const wanted = rng.int(1, 3);
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if ((buffer.match(/committed /g) ?? []).length >= wanted) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
      await new Promise((r) => setTimeout(r, rng.int(0, 40)));
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
      for (const m of buffer.matchAll(/committed ([0-9a-f-]{36})\n/g))
        if (m[1]) confirmed.add(m[1]);
    }
    const store = await openEdgeStore({ dir: t.dir });
    const reopened: TestTill = { ...t, store };
    try {
      const sales = await assertWholeSales(reopened);
      // The children really were selling when killed (each round confirmed 1-3 sales first).
      expect(confirmed.size).toBeGreaterThanOrEqual(kills);
      expect(sales).toBeGreaterThanOrEqual(confirmed.size);
      const { rows } = await store.db.query<{ transaction_id: string }>(
        `SELECT transaction_id FROM retail.sales_transactions`,
      );
      const present = new Set(rows.map((r) => r.transaction_id));
      expect([...confirmed].filter((id) => !present.has(id))).toEqual([]);
      const seqs = await store.db.query<{ max: number; n: number; distinct_n: number }>(
        `SELECT max(receipt_seq) AS max, count(*)::int AS n, count(DISTINCT receipt_number)::int AS distinct_n FROM retail.sales_transactions`,
      );
      expect(seqs.rows[0]?.n).toBe(seqs.rows[0]?.distinct_n);
      const counter = await store.db.query<{ value: number }>(
        `SELECT value FROM pos.counters WHERE name = 'receipt'`,
      );
      expect(Number(counter.rows[0]?.value)).toBeGreaterThanOrEqual(Number(seqs.rows[0]?.max ?? 0));
    } finally {
      await store.close();
    }
  }, 1_200_000);
});

describe('sale journal', () => {
  it('puts back a sale the database lost, exactly once, and never reuses its receipt number', async () => {
    const t = await seededDir();
    await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 0 });
    const a = await sellOne(t, 0);
    await t.store.close();
    const backup = `${t.dir}-pgdata-before-b`;
    cleanups.push(() => rm(backup, { recursive: true, force: true }));
    await cp(join(t.dir, 'pgdata'), backup, { recursive: true });
    await t.reopen();
    const b = await sellOne(t, 1);
    await t.store.close();
    // Simulate the power cut: the database files go back to before sale B; the journal stays.
    await rm(join(t.dir, 'pgdata'), { recursive: true, force: true });
    await cp(backup, join(t.dir, 'pgdata'), { recursive: true });
    await t.reopen();
    expect(t.store.replayed).toHaveLength(1);
    const { rows } = await t.store.db.query<{ receipt_number: string }>(
      `SELECT receipt_number FROM retail.sales_transactions ORDER BY receipt_seq`,
    );
    expect(rows.map((r) => r.receipt_number)).toEqual([
      a.receipt.receiptNumber,
      b.receipt.receiptNumber,
    ]);
    await assertWholeSales(t);
    // Reopening again replays nothing: exactly once.
    await t.reopen();
    expect(t.store.replayed).toHaveLength(0);
    const c = await sellOne(t, 2);
    expect(c.receipt.receiptNumber).toBe('SEATTLE-R01-000003');
    await t.close();
  });

  it('drops acknowledged mutations on compaction but keeps the counters high-water mark', async () => {
    const t = await seededDir();
    await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 0 });
    await t.store.close();
    const backup = `${t.dir}-pgdata-before-sales`;
    cleanups.push(() => rm(backup, { recursive: true, force: true }));
    await cp(join(t.dir, 'pgdata'), backup, { recursive: true });
    await t.reopen();
    await sellOne(t, 0);
    const second = await sellOne(t, 1);
    await markAcked(t.store.db, second.mutationId ?? 0);
    const compacted = await t.store.compactJournal();
    expect(compacted).toEqual({ kept: 0, dropped: 3 });
    await t.store.close();
    await rm(join(t.dir, 'pgdata'), { recursive: true, force: true });
    await cp(backup, join(t.dir, 'pgdata'), { recursive: true });
    await t.reopen();
    // HQ has the two sales; the till lost them and must not resend or renumber over them.
    expect(t.store.replayed).toHaveLength(0);
    const c = await sellOne(t, 2);
    expect(c.receipt.receiptNumber).toBe('SEATTLE-R01-000003');
    expect(c.mutationId).toBe(4);
    await t.close();
  });

  it('refuses to open over a journal damaged in the middle, and cuts a torn last line', async () => {
    const t = await seededDir();
    await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 0 });
    await sellOne(t, 0);
    await sellOne(t, 1);
    await t.store.close();
    const path = join(t.dir, 'sale-journal.ndjson');
    const text = await readFile(path, 'utf8');
    await writeFile(path, `${text}{"k":"m","m":{"mutati`);
    await t.reopen();
    expect(t.store.replayed).toHaveLength(0);
    await t.store.close();
    expect(await readFile(path, 'utf8')).toBe(text);
    const lines = text.split('\n');
    lines[1] = lines[1]?.replace('"sale.recorded"', '"sale.recordeX"') ?? '';
    await writeFile(path, lines.join('\n'));
    const error = await openEdgeStore({ dir: t.dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosError);
    expect((error as PosError).kind).toBe(ErrorKind.corrupt);
    expect(await readFile(path, 'utf8')).toBe(lines.join('\n'));
  });
});

describe('data directory lock and damage', () => {
  it('refuses a second opener while the first holds the store, in this and another process', async () => {
    const t = await seededDir();
    const error = await openEdgeStore({ dir: t.dir }).catch((e: unknown) => e);
    expect((error as PosError).kind).toBe(ErrorKind.locked);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./till/node/store.ts').then(m => m.openEdgeStore({ dir: ${JSON.stringify(t.dir)} })).then(() => console.log('OPENED'), (e) => console.log('REFUSED', e.kind, e.message))`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.on('exit', r));
    expect(out).toMatch(/REFUSED locked .*in use by another process/);
    await t.close();
  });

  it('takes over the lock of a process that died', async () => {
    const t = await seededDir();
    await t.store.close();
    await writeFile(
      join(t.dir, 'LOCK'),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        host: (await import('node:os')).hostname(),
        since: 'yesterday',
        purpose: 'crashed till',
      }),
    );
    const store = await openEdgeStore({ dir: t.dir });
    await store.close();
  });

  it('reports a damaged database directory with a typed error and leaves it untouched', async () => {
    const t = await seededDir();
    await t.store.close();
    const control = join(t.dir, 'pgdata', 'global', 'pg_control');
    await writeFile(control, Buffer.alloc(8192, 0x5a));
    const before = (await readdir(join(t.dir, 'pgdata'))).sort();
    const error = await openEdgeStore({ dir: t.dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosError);
    expect((error as PosError).kind).toBe(ErrorKind.corrupt);
    expect((await readdir(join(t.dir, 'pgdata'))).sort()).toEqual(before);
    expect((await readFile(control)).every((b) => b === 0x5a)).toBe(true);
  });
});
