/**
 * Scheduled price changes of a store (issue 14, item 2): what is coming, in force or over, by
 * HQ's clock, each shown at its time on the store's own clock; a change still to come can be
 * cancelled (the tills receive the cancellation with their next pull). New changes are made
 * from the Catalog's price form (Catalog.tsx, "Takes effect").
 */
import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import {
  ConsoleScheduledPriceList,
  type ConsoleScheduledPrice,
} from '../../../contract/console-prices';
import { api, ApiError } from '../api';
import { money } from '../forms';
import type { Store } from '../model';

const STATUS = { pending: 'Coming', in_force: 'In force', ended: 'Ended' } as const;

/** "Dec 24, 2026, 6:00 AM" on the store's clock. */
export function storeTime(iso: string, timezone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

export function ScheduledPricesPanel(props: {
  store: Store;
  canEdit: boolean;
  /** Changes when a change was saved elsewhere (the list is read again). */
  version: number;
  onNotice: (message: string) => void;
}) {
  const { store } = props;
  const [rows, setRows] = useState<ConsoleScheduledPrice[]>([]);
  const [error, setError] = useState('');
  const load = useCallback(
    () =>
      api(ConsoleScheduledPriceList, `/stores/${store.storeId}/scheduled-prices`)
        .then((r) => {
          setRows(r.scheduled);
          setError('');
        })
        .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e))),
    [store.storeId],
  );
  useEffect(() => {
    void load();
  }, [load, props.version]);

  const cancel = (row: ConsoleScheduledPrice) => {
    api(z.unknown(), `/stores/${row.storeId}/scheduled-prices/${row.scheduleId}/cancel`, {
      method: 'POST',
    })
      .then(() => load())
      .then(() =>
        props.onNotice(
          `The new price of ${row.productName} at ${storeTime(row.effectiveAt, row.timezone)} is cancelled`,
        ),
      )
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  };

  return (
    <section className="card" data-testid="scheduled-prices">
      <h3>Scheduled prices at {store.storeName}</h3>
      {error && (
        <p className="error" role="alert" data-testid="scheduled-error">
          {error}
        </p>
      )}
      {rows.length === 0 ? (
        <p>No price changes are scheduled here.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Product</th>
              <th>SKU</th>
              <th className="num">New price</th>
              <th>Takes effect (store time)</th>
              <th>Status</th>
              {props.canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.scheduleId} data-testid="scheduled-row" data-sku={r.sku}>
                <td>{r.productName}</td>
                <td>{r.sku}</td>
                <td className="num">{money(r.priceCents, store.currency)}</td>
                <td>
                  {storeTime(r.effectiveAt, r.timezone)} ({r.timezone})
                </td>
                <td data-testid="scheduled-status">{STATUS[r.status]}</td>
                {props.canEdit && (
                  <td className="actions">
                    {r.status === 'pending' && (
                      <button
                        type="button"
                        onClick={() => cancel(r)}
                        data-testid="scheduled-cancel"
                      >
                        Cancel
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
