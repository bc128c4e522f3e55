/**
 * Prices from a CSV file (sku,price[,store]): a preview of every row (current and new price,
 * or what is wrong with it, by line number) and nothing changes until "Apply" - which applies
 * every row or none.
 */
import { useState, type ChangeEvent } from 'react';
import { PriceImport, PriceImportResult } from '../../../contract/console-protocol';
import { api, ApiError } from '../api';
import { fieldErrors, money, type FieldErrors } from '../forms';
import { FieldError } from '../components/TextField';
import { ScreenMessages } from '../components/ScreenMessages';

export function PriceImportForm({
  currency,
  onApplied,
}: {
  currency: string;
  onApplied: () => void;
}) {
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<PriceImportResult | undefined>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [notice, setNotice] = useState('');

  const send = (apply: boolean) => {
    const parsed = PriceImport.safeParse({ csv, apply });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    api(PriceImportResult, '/prices/import', { method: 'POST', body: parsed.data })
      .then((r) => {
        setPreview(r);
        if (r.applied) {
          setNotice(`${r.changes} price${r.changes === 1 ? '' : 's'} changed`);
          setCsv('');
          onApplied();
        } else setNotice('');
      })
      .catch((e: unknown) => setErrors({ form: e instanceof ApiError ? e.message : String(e) }));
  };
  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    file
      .text()
      .then((text) => {
        setCsv(text);
        setPreview(undefined);
      })
      .catch(() => setErrors({ csv: 'That file cannot be read' }));
  };

  return (
    <details className="card" data-testid="price-import">
      <summary>Import prices from a CSV file</summary>
      <p className="hint">
        Columns: <code>sku,price,store</code> (leave store empty for every store you run).
      </p>
      <label>
        File
        <input type="file" accept=".csv,text/csv" onChange={choose} data-testid="import-file" />
        <FieldError error={errors.csv} />
      </label>
      <button type="button" onClick={() => send(false)} data-testid="import-preview">
        Preview
      </button>
      {errors.form && <p className="error">{errors.form}</p>}
      <ScreenMessages notice={notice} testId="import-notice" />
      {preview && !preview.applied && (
        <>
          <p data-testid="import-summary">
            {preview.changes} change{preview.changes === 1 ? '' : 's'}, {preview.errors} error
            {preview.errors === 1 ? '' : 's'}
            {preview.errors > 0
              ? ': fix the file and preview again. Nothing has been changed.'
              : ''}
          </p>
          <table data-testid="import-rows">
            <thead>
              <tr>
                <th>Line</th>
                <th>SKU</th>
                <th>Store</th>
                <th className="num">Now</th>
                <th className="num">New</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r, i) => (
                <tr key={i} data-status={r.status}>
                  <td>{r.line}</td>
                  <td>{r.sku}</td>
                  <td>{r.storeId}</td>
                  <td className="num">
                    {r.currentCents === null ? '' : money(r.currentCents, currency)}
                  </td>
                  <td className="num">
                    {r.priceCents === null ? '' : money(r.priceCents, currency)}
                  </td>
                  <td className={r.status === 'error' ? 'field-error' : ''}>
                    {r.status === 'error'
                      ? r.error
                      : r.status === 'same'
                        ? 'Unchanged'
                        : 'Will change'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            disabled={preview.errors > 0 || preview.changes === 0}
            onClick={() => send(true)}
            data-testid="import-apply"
          >
            Apply {preview.changes} change{preview.changes === 1 ? '' : 's'}
          </button>
        </>
      )}
    </details>
  );
}
