/**
 * The Reports screen's second half, from the rollups of migration 0026: net sales per hour of
 * the day, the tender mix, and returns and voids by cashier, each with a chart and a CSV export.
 * Loaded for the same date range and stores as the rest of the screen (already checked by
 * ReportQuery there).
 */
import { useEffect, useMemo, useState } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { CashierActivity, SalesByHour, TenderMix } from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { ChartView } from '../ChartView';
import { downloadCsv, money } from '../forms';
import type { Store } from '../model';

/** The tender names a person reads (the rollup keeps the till's codes, core/tenders.ts). */
const TENDER_NAMES: Record<string, string> = { cash: 'Cash', card: 'Card' };
const tenderName = (t: string): string => TENDER_NAMES[t] ?? t.replace(/_/g, ' ');
const hourLabel = (h: number): string => `${String(h).padStart(2, '0')}:00`;

export function ReportsActivity(props: {
  query: Record<string, string>;
  stores: Store[];
  currency: string;
  onError: (message: string) => void;
}) {
  const { query, stores, currency, onError } = props;
  const [hours, setHours] = useState<SalesByHour | undefined>();
  const [tenders, setTenders] = useState<TenderMix | undefined>();
  const [cashiers, setCashiers] = useState<CashierActivity | undefined>();
  const key = JSON.stringify(query);

  useEffect(() => {
    let current = true;
    const fail = (e: unknown) => current && onError(e instanceof ApiError ? e.message : String(e));
    const q = JSON.parse(key) as Record<string, string>;
    api(SalesByHour, '/reports/sales-by-hour', { query: q })
      .then((r) => current && setHours(r))
      .catch(fail);
    api(TenderMix, '/reports/tender-mix', { query: q })
      .then((r) => current && setTenders(r))
      .catch(fail);
    api(CashierActivity, '/reports/cashiers', { query: q })
      .then((r) => current && setCashiers(r))
      .catch(fail);
    return () => {
      current = false;
    };
  }, [key, onError]);

  const hourChart = useMemo<ChartConfiguration | undefined>(
    () =>
      hours && {
        type: 'bar',
        data: {
          labels: hours.hours.map((h) => hourLabel(h.hour)),
          datasets: [
            {
              label: `Net sales (${currency})`,
              data: hours.hours.map((h) => h.netCents / 100),
              backgroundColor: '#2563eb',
            },
          ],
        },
      },
    [hours, currency],
  );
  const tenderChart = useMemo<ChartConfiguration | undefined>(
    () =>
      tenders && {
        type: 'bar',
        data: {
          labels: tenders.tenders.map((t) => tenderName(t.tenderType)),
          datasets: [
            {
              label: `Paid (${currency})`,
              data: tenders.tenders.map((t) => t.amountCents / 100),
              backgroundColor: '#9333ea',
            },
          ],
        },
      },
    [tenders, currency],
  );
  const storeName = (id: string): string => stores.find((s) => s.storeId === id)?.storeName ?? id;
  const cashierChart = useMemo<ChartConfiguration | undefined>(
    () =>
      cashiers && {
        type: 'bar',
        data: {
          labels: cashiers.cashiers.slice(0, 20).map((c) => c.cashierName),
          datasets: [
            {
              label: 'Returns',
              data: cashiers.cashiers.slice(0, 20).map((c) => c.returns),
              backgroundColor: '#f59e0b',
            },
            {
              label: 'Voids',
              data: cashiers.cashiers.slice(0, 20).map((c) => c.voids),
              backgroundColor: '#dc2626',
            },
          ],
        },
      },
    [cashiers],
  );
  const range = `${query.from}-${query.to}`;

  return (
    <>
      <div className="card">
        <h3>Sales by hour of the day</h3>
        {hourChart && <ChartView config={hourChart} testId="chart-sales-by-hour" />}
        {hours && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`sales-by-hour-${range}.csv`, [
                ['hour', 'net', 'units'],
                ...hours.hours.map((h) => [hourLabel(h.hour), h.netCents / 100, h.quantity]),
              ])
            }
            data-testid="export-hours"
          >
            Export CSV
          </button>
        )}
      </div>

      <div className="card">
        <h3>Tender mix</h3>
        {tenderChart && <ChartView config={tenderChart} testId="chart-tenders" />}
        <table data-testid="tender-mix">
          <thead>
            <tr>
              <th>Paid with</th>
              <th className="num">Payments</th>
              <th className="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {tenders?.tenders.map((t) => (
              <tr key={t.tenderType}>
                <td>{tenderName(t.tenderType)}</td>
                <td className="num">{t.payments}</td>
                <td className="num">{money(t.amountCents, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {tenders && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`tender-mix-${range}.csv`, [
                ['tender', 'payments', 'amount'],
                ...tenders.tenders.map((t) => [
                  tenderName(t.tenderType),
                  t.payments,
                  t.amountCents / 100,
                ]),
              ])
            }
            data-testid="export-tenders"
          >
            Export CSV
          </button>
        )}
      </div>

      <div className="card">
        <h3>Returns and voids by cashier</h3>
        {cashierChart && <ChartView config={cashierChart} testId="chart-cashiers" />}
        <table data-testid="cashiers">
          <thead>
            <tr>
              <th>Store</th>
              <th>Cashier</th>
              <th className="num">Sales</th>
              <th className="num">Returns</th>
              <th className="num">Refunded</th>
              <th className="num">Voids</th>
              <th className="num">Voided</th>
            </tr>
          </thead>
          <tbody>
            {cashiers?.cashiers.map((c) => (
              <tr key={`${c.storeId}/${c.cashierId}`}>
                <td>{storeName(c.storeId)}</td>
                <td>{c.cashierName}</td>
                <td className="num">{c.sales}</td>
                <td className="num">{c.returns}</td>
                <td className="num">{money(c.refundsCents, currency)}</td>
                <td className="num">{c.voids}</td>
                <td className="num">{money(c.voidedCents, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {cashiers && cashiers.cashiers.length === 0 && <p>No sales in this period.</p>}
        {cashiers && cashiers.cashiers.length > 0 && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`cashiers-${range}.csv`, [
                ['store', 'cashier', 'sales', 'returns', 'refunded', 'voids', 'voided'],
                ...cashiers.cashiers.map((c) => [
                  storeName(c.storeId),
                  c.cashierName,
                  c.sales,
                  c.returns,
                  c.refundsCents / 100,
                  c.voids,
                  c.voidedCents / 100,
                ]),
              ])
            }
            data-testid="export-cashiers"
          >
            Export CSV
          </button>
        )}
      </div>
    </>
  );
}
