/**
 * Reports, from HQ's rollups: net sales by day for the chain or chosen stores, top products and
 * categories, sales by hour, tender mix, returns and voids by cashier (ReportsActivity.tsx),
 * and low-stock items with the last 7 days' pace and a reorder suggestion. Date
 * range and store filters; each table exports as CSV.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { LowStock, ReportQuery, SalesByDay, TopProducts } from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { ChartView } from '../ChartView';
import { downloadCsv, fieldErrors, money, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { TextField } from '../components/TextField';
import { ReportsActivity } from './ReportsActivity';

const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

export function ReportsScreen({ stores }: { stores: Store[] }) {
  const [from, setFrom] = useState(isoDay(Date.now() - 29 * 86_400_000));
  const [to, setTo] = useState(isoDay(Date.now()));
  const [chosen, setChosen] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sales, setSales] = useState<SalesByDay | undefined>();
  const [top, setTop] = useState<TopProducts | undefined>();
  const [low, setLow] = useState<LowStock | undefined>();
  const currency = stores[0]?.currency ?? 'USD';
  const [valid, setValid] = useState<Record<string, string> | undefined>();
  const showError = useCallback((message: string) => setErrors({ form: message }), []);

  useEffect(() => {
    const raw = { from, to, ...(chosen.length ? { stores: chosen.join(',') } : {}) };
    const parsed = ReportQuery.safeParse(raw);
    if (!parsed.success) {
      setValid(undefined);
      return setErrors(fieldErrors(parsed.error));
    }
    setErrors({});
    setValid(raw);
    let current = true;
    const fail = (e: unknown) =>
      current && setErrors({ form: e instanceof ApiError ? e.message : String(e) });
    api(SalesByDay, '/reports/sales-by-day', { query: raw })
      .then((r) => current && setSales(r))
      .catch(fail);
    api(TopProducts, '/reports/top-products', { query: raw })
      .then((r) => current && setTop(r))
      .catch(fail);
    api(LowStock, '/reports/low-stock', { query: raw })
      .then((r) => current && setLow(r))
      .catch(fail);
    return () => {
      current = false;
    };
  }, [from, to, chosen]);

  const salesChart = useMemo<ChartConfiguration | undefined>(
    () =>
      sales && {
        type: 'line',
        data: {
          labels: sales.days.map((d) => d.day),
          datasets: [
            {
              label: `Net sales (${currency})`,
              data: sales.days.map((d) => d.netCents / 100),
              borderColor: '#2563eb',
              pointRadius: 0,
            },
            {
              label: `Returns (${currency})`,
              data: sales.days.map((d) => d.returnsCents / 100),
              borderColor: '#dc2626',
              pointRadius: 0,
            },
          ],
        },
      },
    [sales, currency],
  );
  const topChart = useMemo<ChartConfiguration | undefined>(
    () =>
      top && {
        type: 'bar',
        data: {
          labels: top.categories.map((c) => c.categoryName),
          datasets: [
            {
              label: `Net sales (${currency})`,
              data: top.categories.map((c) => c.netCents / 100),
              backgroundColor: '#16a34a',
            },
          ],
        },
      },
    [top, currency],
  );
  const total = sales?.days.reduce((sum, d) => sum + d.netCents, 0) ?? 0;

  return (
    <section>
      <h2>Reports</h2>
      <div className="filters">
        <TextField
          label="From"
          type="date"
          value={from}
          onChange={setFrom}
          error={errors.from}
          testId="report-from"
        />
        <TextField
          label="To"
          type="date"
          value={to}
          onChange={setTo}
          error={errors.to}
          testId="report-to"
        />
        <label>
          Stores
          <select
            multiple
            value={chosen}
            onChange={(e) => setChosen([...e.target.selectedOptions].map((o) => o.value))}
            data-testid="report-stores"
          >
            {stores.map((s) => (
              <option key={s.storeId} value={s.storeId}>
                {s.storeName}
              </option>
            ))}
          </select>
          <span className="hint">
            {chosen.length ? `${chosen.length} chosen` : 'All your stores'}
          </span>
        </label>
      </div>
      {errors.form && <p className="error">{errors.form}</p>}

      <div className="card">
        <h3>
          Sales by day <span data-testid="report-total">{money(total, currency)}</span>
        </h3>
        {salesChart && <ChartView config={salesChart} testId="chart-sales-by-day" />}
        {sales && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`sales-by-day-${from}-${to}.csv`, [
                ['day', 'net', 'tax', 'returns', 'units'],
                ...sales.days.map((d) => [
                  d.day,
                  d.netCents / 100,
                  d.taxCents / 100,
                  d.returnsCents / 100,
                  d.quantity,
                ]),
              ])
            }
            data-testid="export-sales"
          >
            Export CSV
          </button>
        )}
      </div>

      <div className="card">
        <h3>Categories</h3>
        {topChart && <ChartView config={topChart} testId="chart-categories" />}
        <h3>Top products</h3>
        <table data-testid="top-products">
          <thead>
            <tr>
              <th>Product</th>
              <th>SKU</th>
              <th className="num">Units</th>
              <th className="num">Net sales</th>
            </tr>
          </thead>
          <tbody>
            {top?.products.map((p) => (
              <tr key={p.sku}>
                <td>{p.productName}</td>
                <td>{p.sku}</td>
                <td className="num">{p.quantity}</td>
                <td className="num">{money(p.netCents, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {top && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`top-products-${from}-${to}.csv`, [
                ['sku', 'product', 'units', 'net'],
                ...top.products.map((p) => [p.sku, p.productName, p.quantity, p.netCents / 100]),
              ])
            }
          >
            Export CSV
          </button>
        )}
      </div>

      {valid && (
        <ReportsActivity query={valid} stores={stores} currency={currency} onError={showError} />
      )}

      <div className="card">
        <h3>Low stock</h3>
        <table data-testid="low-stock">
          <thead>
            <tr>
              <th>Store</th>
              <th>Product</th>
              <th className="num">On hand</th>
              <th className="num">Reorder point</th>
              <th className="num">Sold per day (7 days)</th>
              <th className="num">Suggested order</th>
            </tr>
          </thead>
          <tbody>
            {low?.items.map((i) => (
              <tr key={`${i.storeId}/${i.productId}`}>
                <td>{stores.find((s) => s.storeId === i.storeId)?.storeName ?? i.storeId}</td>
                <td>{i.productName}</td>
                <td className="num">{i.onHand}</td>
                <td className="num">{i.reorderPoint}</td>
                <td className="num">{i.velocityPerDay}</td>
                <td className="num">{i.suggestedOrder}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {low && low.items.length === 0 && <p>Nothing is running low.</p>}
        {low && low.items.length > 0 && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`low-stock-${to}.csv`, [
                [
                  'store',
                  'sku',
                  'product',
                  'on hand',
                  'reorder point',
                  'per day',
                  'suggested order',
                ],
                ...low.items.map((i) => [
                  i.storeId,
                  i.sku,
                  i.productName,
                  i.onHand,
                  i.reorderPoint,
                  i.velocityPerDay,
                  i.suggestedOrder,
                ]),
              ])
            }
          >
            Export CSV
          </button>
        )}
      </div>
    </section>
  );
}
