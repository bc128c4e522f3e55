/**
 * Price changes from a CSV file, previewed row by row before anything changes. Every row is
 * judged (its SKU and price well-formed, its store one the user may change, the SKU sold
 * there); the preview shows each row's current and new price or its error in plain words.
 * Applying first judges the same way, then, only if no row has an error, judges again and
 * changes every row inside ONE transaction over all the stores (rows locked), or nothing.
 */
import type pg from 'pg';
import type {
  ConsoleUser,
  PriceImportResult,
  PriceImportRow,
} from '../../../contract/console-protocol';
import { centsFromNumeric, numericFromCents } from '../../../core/money';
import { CsvError, parseCsv } from '../../../core/csv';
import { supersedeScheduledPrices } from '../../../db/central/scheduled-prices';
import { withTenants } from '../../../db/central/tenant';
import { badRequest, conflict } from '../errors';
import { listStoreIds } from '../stores';
import { canRead } from './access';
import { recordAudit, type Actor } from './audit';

const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
const PRICE = /^\s*\$?\s*(\d{1,8})(?:\.(\d{1,2}))?\s*$/;
export const MAX_IMPORT_ROWS = 20_000;

interface Wanted {
  line: number;
  sku: string;
  storeId: string;
  priceCents: number | null;
  error?: string | undefined;
}

function parsePrice(text: string): number | null {
  const m = PRICE.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The rows a file asks for, one per store, with the errors visible without the database. */
export function readPriceCsv(
  csv: string,
  options: { user: ConsoleUser; stores: string[] },
): Wanted[] {
  let rows;
  try {
    rows = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvError) throw badRequest(error.message);
    throw error;
  }
  const [header, ...body] = rows;
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const col = {
    sku: names.indexOf('sku'),
    price: names.indexOf('price'),
    store: names.indexOf('store'),
  };
  if (col.sku < 0 || col.price < 0)
    throw badRequest('The first line must name the columns: sku,price (and optionally store)');
  if (body.length === 0) throw badRequest('The file has no rows below its header');
  if (body.length > MAX_IMPORT_ROWS)
    throw badRequest(`The file has ${body.length} rows; import at most ${MAX_IMPORT_ROWS} at once`);
  const writable =
    options.user.role === 'analyst' ? [] : options.stores.filter((s) => canRead(options.user, s));
  const out: Wanted[] = [];
  for (const row of body) {
    const sku = (row.fields[col.sku] ?? '').trim();
    const priceText = row.fields[col.price] ?? '';
    const storeText = col.store < 0 ? '' : (row.fields[col.store] ?? '').trim().toLowerCase();
    const priceCents = parsePrice(priceText);
    const problem = !SKU.test(sku)
      ? `"${sku}" is not a SKU`
      : priceCents === null
        ? `"${priceText.trim()}" is not a price (write it like 12.99)`
        : undefined;
    const targets = storeText ? [storeText] : writable;
    for (const storeId of targets) {
      let error = problem;
      if (!error && !options.stores.includes(storeId)) error = `There is no store "${storeId}"`;
      else if (!error && !writable.includes(storeId))
        error = `You cannot change prices in ${storeId}`;
      out.push({ line: row.line, sku, storeId, priceCents, error });
    }
  }
  return out;
}

export async function importPrices(
  app: pg.Pool,
  options: { csv: string; apply: boolean; user: ConsoleUser; actor: Actor },
): Promise<PriceImportResult> {
  const wanted = readPriceCsv(options.csv, { user: options.user, stores: await listStoreIds(app) });
  const byStore = new Map<string, Wanted[]>();
  for (const w of wanted) {
    if (w.error) continue;
    byStore.set(w.storeId, [...(byStore.get(w.storeId) ?? []), w]);
  }
  const judged = new Map<Wanted, PriceImportRow>();
  const judge = (w: Wanted, current: number | null, error?: string): PriceImportRow => ({
    line: w.line,
    sku: w.sku,
    storeId: w.storeId,
    priceCents: w.priceCents,
    currentCents: current,
    status: error ? 'error' : current === w.priceCents ? 'same' : 'change',
    ...(error ? { error } : {}),
  });
  const seen = new Set<string>();
  for (const w of wanted) {
    const key = `${w.storeId}/${w.sku}`;
    if (!w.error && seen.has(key)) w.error = `${w.sku} is listed twice for ${w.storeId}`;
    seen.add(key);
  }
  const result = (): PriceImportResult => {
    const rows = wanted.map((w) => judged.get(w) ?? judge(w, null, w.error));
    return {
      applied: false,
      rows,
      changes: rows.filter((r) => r.status === 'change').length,
      errors: rows.filter((r) => r.status === 'error').length,
    };
  };
  const stores = [...byStore.keys()].sort();
  /** Judges one store's rows under its tenant key; with `write`, also applies them. */
  const pass = (write: boolean) =>
    withTenants(
      app,
      stores,
      async (tx) => {
        const rows = byStore.get(tx.storeId) ?? [];
        const { rows: current } = await tx.query<{
          sku: string;
          product_id: string;
          price: string;
        }>(
          `SELECT sku, product_id, price::text AS price FROM retail.products
            WHERE store_id = $1 AND sku = ANY ($2) ${write ? 'FOR UPDATE' : ''}`,
          [tx.storeId, rows.map((r) => r.sku)],
        );
        const found = new Map(current.map((c) => [c.sku, c]));
        for (const w of rows) {
          const product = found.get(w.sku);
          const error = w.error ?? (product ? undefined : `${tx.storeId} does not sell ${w.sku}`);
          const row = judge(w, product ? centsFromNumeric(product.price) : null, error);
          judged.set(w, row);
          if (!write || row.status !== 'change' || !product) continue;
          if (error)
            throw conflict('The catalog changed since the preview: preview the file again');
          await tx.query(
            `UPDATE retail.products SET price = $3::numeric(12,2)
              WHERE store_id = $1 AND product_id = $2`,
            [tx.storeId, product.product_id, numericFromCents(w.priceCents!)],
          );
          tx.changes.record('product', [product.product_id]);
          await supersedeScheduledPrices(tx, { productIds: [product.product_id], at: new Date() });
          await recordAudit(tx, options.actor, {
            action: 'product.price',
            storeId: tx.storeId,
            target: w.sku,
            before: { priceCents: row.currentCents },
            after: { priceCents: w.priceCents, source: 'csv', line: w.line },
          });
        }
        if (write && rows.some((w) => judged.get(w)?.status === 'error'))
          throw conflict('The catalog changed since the preview: preview the file again');
      },
      write ? {} : { snapshot: true },
    );
  // Always a read-only judgement first; apply (everything, in ONE transaction) only when the
  // whole file is clean. A catalog change between the two is caught by the second judgement.
  await pass(false);
  const preview = result();
  if (!options.apply || preview.errors > 0) return preview;
  await pass(true);
  return { ...result(), applied: true };
}
