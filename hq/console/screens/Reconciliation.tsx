/**
 * The reconciliation of a day (issue 11's per-shift and per-store-day comparison): each shift's
 * Z report against the facts HQ holds for it, and each store's day as a whole. Running it
 * records what differs as exceptions (shown in the queue above) and settles earlier findings
 * the figures no longer show, as `npm run hq:admin -- reconcile` does. Analysts cannot run it.
 */
import { useState, type FormEvent } from 'react';
import {
  describeDifferences,
  Reconciliation,
  type StoreDayReconciliation,
} from '../../../contract/admin-protocol';
import { ConsoleReconcile } from '../../../contract/console-exceptions';
import { api, ApiError } from '../api';
import { fieldErrors, money, type FieldErrors } from '../forms';
import type { Store } from '../model';
import { TextField } from '../components/TextField';

const today = (): string => new Date().toISOString().slice(0, 10);

export function ReconciliationPanel(props: {
  stores: Store[];
  canRun: boolean;
  onReconciled: () => void;
}) {
  const { stores } = props;
  const [date, setDate] = useState(today);
  const [storeId, setStoreId] = useState('');
  const [result, setResult] = useState<Reconciliation | undefined>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const storeName = (id: string) => stores.find((s) => s.storeId === id)?.storeName ?? id;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ConsoleReconcile.safeParse({ date, ...(storeId ? { storeId } : {}) });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    setBusy(true);
    api(Reconciliation, '/reconcile', { method: 'POST', body: parsed.data })
      .then((r) => {
        setResult(r);
        props.onReconciled();
      })
      .catch((e: unknown) => setErrors({ form: e instanceof ApiError ? e.message : String(e) }))
      .finally(() => setBusy(false));
  };

  return (
    <div data-testid="reconciliation">
      <h3>Reconciliation</h3>
      {!props.canRun ? (
        <p className="hint">Administrators and store managers reconcile a day.</p>
      ) : (
        <form className="inline-form" onSubmit={submit} noValidate data-testid="reconcile-form">
          <TextField
            label="Day"
            type="date"
            value={date}
            onChange={setDate}
            error={errors.date}
            testId="reconcile-date"
          />
          <label>
            Store
            <select
              value={storeId}
              onChange={(e) => setStoreId(e.target.value)}
              data-testid="reconcile-store"
            >
              <option value="">Every store</option>
              {stores.map((s) => (
                <option key={s.storeId} value={s.storeId}>
                  {s.storeName}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy} data-testid="reconcile-run">
            Reconcile the day
          </button>
          {errors.form && <p className="error">{errors.form}</p>}
        </form>
      )}
      {result && (
        <div data-testid="reconcile-result">
          {result.stores.map((s) => (
            <StoreDay key={s.storeId} day={s} storeName={storeName(s.storeId)} />
          ))}
        </div>
      )}
    </div>
  );
}

function StoreDay({ day, storeName }: { day: StoreDayReconciliation; storeName: string }) {
  const notes = [
    day.openShifts > 0 &&
      `${day.openShifts} shift${day.openShifts === 1 ? ' is' : 's are'} still open`,
    day.quarantinedSales > 0 && `${day.quarantinedSales} sale(s) held in the quarantine`,
    day.outsideShifts.salesCount > 0 &&
      `${day.outsideShifts.salesCount} sale(s) recorded without their shift`,
    day.raised > 0 && `${day.raised} new exception(s) raised`,
    day.settled > 0 && `${day.settled} earlier finding(s) settled`,
  ].filter((n): n is string => typeof n === 'string');
  return (
    <div className="card" data-testid="reconcile-day" data-store={day.storeId}>
      <p>
        <strong>{storeName}</strong>, {day.date}:{' '}
        <span data-testid="reconcile-status">
          {day.status === 'balanced'
            ? 'balanced'
            : `does not balance (${describeDifferences(day.differences)})`}
        </span>
        {' · '}net {money(day.hq.netCents)} at HQ, {money(day.till.netCents)} on the Z reports
      </p>
      {notes.length > 0 && <p className="hint">{notes.join('; ')}</p>}
      {day.shifts.length === 0 ? (
        <p className="hint">No shift closed that day.</p>
      ) : (
        <table data-testid="reconcile-shifts">
          <thead>
            <tr>
              <th>Register</th>
              <th className="num">Z</th>
              <th>Closed</th>
              <th className="num">Sales</th>
              <th className="num">Net on the Z</th>
              <th className="num">Net at HQ</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {day.shifts.map((s) => (
              <tr key={s.shiftId} data-testid="reconcile-shift" data-register={s.registerId}>
                <td>{s.registerId}</td>
                <td className="num">{s.zNumber}</td>
                <td>{new Date(s.closedAt).toLocaleString()}</td>
                <td className="num">{s.hq.salesCount}</td>
                <td className="num">{money(s.till.netCents)}</td>
                <td className="num">{money(s.hq.netCents)}</td>
                <td>
                  {s.differences.length === 0 ? 'Balanced' : describeDifferences(s.differences)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
