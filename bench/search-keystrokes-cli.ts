/**
 * Which keystrokes make the tail of `search.hybrid_ms`, and which statement inside them: the
 * bench's keystrokes (bench/search.ts: every prefix of 60 labelled queries, seed 42) timed one
 * by one on a kept store, CPU time per keystroke and per SQL statement (code lookup, word
 * analysis, each full-text tier, category, trigram, vector, hydration), and the slowest listed.
 *
 *   npx tsx bench/search-keystrokes-cli.ts --store /tmp/search-50k            # builds it once
 *   npx tsx bench/search-keystrokes-cli.ts --store /tmp/search-50k --explain "fac" "app"
 *
 * The store is built like the bench's (seed 42, embedded, maintained; about 8 minutes at
 * 50,000 products) the first time and reused afterwards, so a change to the search code is
 * measured on the same store before and after. Each keystroke runs `--reps` times and the run
 * with the least CPU time is kept: on a shared machine that is the least disturbed one.
 * `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of every statement one query runs.
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { searchProducts } from '../db/queries/search';
import type { PGlite } from '@electric-sql/pglite';
import type { ProtocolDb } from '../db/prepared';
import type { Queryable } from '../db/queryable';
import { embedAllProducts } from '../db/search/refresher';
import { generateCatalog } from '../db/seed/catalog';
import { Rng } from '../db/seed/random';
import { seedTill } from '../db/seed/write-edge';
import { openEdgeStore } from '../till/node/store';
import { keystrokes } from './search';
import { generateEvalQueries } from './search-eval-queries';
import { summary } from './stats';

const STORE = 'seattle';
const SEED = 42;

/** Which signal a statement belongs to, from its prepared name or the SQL of the search modules. */
function signalOf(sql: string): string {
  const named: Record<string, string> = {
    search_analyze_words: 'analyze',
    search_codes: 'code',
    search_category: 'category',
    search_fts_tier: 'fts',
    search_fts_relaxed: 'relaxed',
    search_trigram: 'trigram',
    search_vector_cells: 'vector',
    search_products: 'hydrate',
  };
  if (named[sql]) return named[sql];
  if (sql.includes('vector_centroids') || sql.includes('hnsw')) return 'vector';
  if (sql.includes('parent_name')) return 'no-match';
  return 'other';
}

interface Statement {
  signal: string;
  cpuMs: number;
  /** SQL text, or for a prepared statement `EXECUTE name(params)`. */
  sql: string;
  params: unknown[];
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * A prepared statement's run, read back from its Bind message (PostgreSQL's protocol: portal
 * and statement names, parameter formats, then each parameter as length + bytes): the
 * statement's name and `EXECUTE name('p1', ...)`, which EXPLAIN accepts.
 */
function boundStatement(message: Uint8Array): { name: string; execute: string } | undefined {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  let at = 0;
  // Messages before the Bind (e.g. a generic plan's setting): skip to the last Bind.
  let bind = -1;
  while (at + 5 <= message.length) {
    if (message[at] === 0x42) bind = at;
    at += 1 + view.getInt32(at + 1);
  }
  if (bind < 0) return undefined;
  const text = new TextDecoder();
  const cstring = (from: number): [string, number] => {
    const end = message.indexOf(0, from);
    return [text.decode(message.subarray(from, end)), end + 1];
  };
  let [, next] = cstring(bind + 5);
  const [name, afterName] = cstring(next);
  next = afterName + 2 + 2 * view.getInt16(afterName);
  const count = view.getInt16(next);
  next += 2;
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = view.getInt32(next);
    next += 4;
    if (length < 0) {
      values.push('NULL');
      continue;
    }
    values.push(`'${text.decode(message.subarray(next, next + length)).replace(/'/g, "''")}'`);
    next += length;
  }
  return { name, execute: `EXECUTE ${name}(${values.join(', ')})` };
}

type RecordedDb = Queryable & ProtocolDb & { log: Statement[] };

/**
 * The PGlite instance as search sees it (prepared statements included), recording every
 * statement with its CPU time into `log` (params copied: callers reuse arrays).
 */
function recording(db: PGlite): RecordedDb {
  const out: RecordedDb = {
    log: [],
    async query<T>(sql: string, params: unknown[] = []) {
      const started = process.cpuUsage();
      const result = await db.query<T>(sql, params);
      out.log.push({
        signal: signalOf(sql),
        cpuMs: cpuMs(started),
        sql,
        params: params.map((p) => (Array.isArray(p) ? [...(p as unknown[])] : p)),
      });
      return result;
    },
    async execProtocol(message, options) {
      const started = process.cpuUsage();
      const result = await db.execProtocol(message, options);
      const bound = boundStatement(message);
      if (bound)
        out.log.push({
          signal: signalOf(bound.name),
          cpuMs: cpuMs(started),
          sql: bound.execute,
          params: [],
        });
      return result;
    },
    _runExclusiveTransaction: (fn) => db._runExclusiveTransaction(fn),
    _runExclusiveQuery: (fn) => db._runExclusiveQuery(fn),
  };
  return out;
}

async function main(): Promise<void> {
  const opts = new Command()
    .requiredOption('--store <dir>', 'store directory (built on first use)')
    .option('--products <n>', 'catalog size when building', '50000')
    .option('--reps <n>', 'runs per keystroke (the least CPU time is kept)', '3')
    .option('--top <n>', 'slowest keystrokes to list', '40')
    .option('--explain', 'EXPLAIN (ANALYZE, BUFFERS) the statements of the given queries')
    .argument('[queries...]', 'queries to explain (with --explain)')
    .parse(process.argv);
  const o = opts.opts<{
    store: string;
    products: string;
    reps: string;
    top: string;
    explain?: boolean;
  }>();
  const products = Number(o.products);
  const built = existsSync(join(o.store, 'pgdata.ready'));
  const store = await openEdgeStore({ dir: o.store });
  try {
    const db = store.db;
    if (!built) {
      console.log(`building a ${products}-product store in ${o.store}`);
      await seedTill(db, {
        storeId: STORE,
        registerId: 'R01',
        deviceId: 'bench-search',
        seed: SEED,
        products,
        customers: 100,
      });
      await embedAllProducts(db, { storeId: STORE });
      await store.maintain();
    }
    if (o.explain) {
      for (const text of opts.args) {
        for (let i = 0; i < 3; i++) await searchProducts(db, { storeId: STORE, query: text });
        const recorder = recording(db);
        await searchProducts(recorder, { storeId: STORE, query: text });
        console.log(`===== ${JSON.stringify(text)}`);
        for (const s of recorder.log) {
          const { rows } = await db.query<{ 'QUERY PLAN': string }>(
            `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
            s.params,
          );
          console.log(`--- ${s.signal} (${s.cpuMs.toFixed(2)} ms CPU in the search)`);
          console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
        }
      }
      return;
    }
    // The bench's keystrokes, exactly: same catalog, labelled queries and sample.
    const catalog = generateCatalog({ seed: SEED, products });
    const queries = generateEvalQueries(catalog, { seed: SEED, perClass: 40 });
    const typed = new Rng(SEED).sample(queries, 60).flatMap((q) => keystrokes(q.text));
    for (const text of typed.slice(0, 50))
      await searchProducts(db, { storeId: STORE, query: text });
    const timed: Array<{ text: string; cpuMs: number; wallMs: number; log: Statement[] }> = [];
    const recorder = recording(db);
    for (const text of typed) {
      let best: (typeof timed)[number] | undefined;
      for (let r = 0; r < Number(o.reps); r++) {
        recorder.log = [];
        const cpu = process.cpuUsage();
        const wall = performance.now();
        await searchProducts(recorder, { storeId: STORE, query: text });
        const run = {
          text,
          wallMs: performance.now() - wall,
          cpuMs: cpuMs(cpu),
          log: recorder.log,
        };
        if (!best || run.cpuMs < best.cpuMs) best = run;
      }
      if (best) timed.push(best);
    }
    const cpu = summary(
      timed.map((t) => t.cpuMs),
      [50, 95],
    );
    const wall = summary(
      timed.map((t) => t.wallMs),
      [50, 95],
    );
    console.log(
      `${timed.length} keystrokes: CPU ms ${JSON.stringify(cpu)}, wall ms ${JSON.stringify(wall)}`,
    );
    const tail = timed.filter((t) => t.cpuMs >= (cpu.p95 ?? Infinity));
    const total = tail.reduce((a, t) => a + t.cpuMs, 0);
    const bySignal = new Map<string, number>();
    for (const s of tail.flatMap((t) => t.log))
      bySignal.set(s.signal, (bySignal.get(s.signal) ?? 0) + s.cpuMs);
    console.log(
      `keystrokes at or above p95: ${tail.length}, ${tail.filter((t) => t.text.length > 20).length} of them longer than 20 characters; their CPU time by signal:`,
      [...bySignal].map(([s, ms]) => `${s} ${Math.round((100 * ms) / total)}%`).join(', '),
    );
    for (const t of [...timed].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, Number(o.top))) {
      const parts = t.log.map((s) => `${s.signal} ${s.cpuMs.toFixed(1)}`).join(', ');
      console.log(
        `${t.cpuMs.toFixed(1).padStart(6)} ms  ${JSON.stringify(t.text).padEnd(50)} ${parts}`,
      );
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
