/**
 * Sync details (F11, or a click on the status bar's sync badge): HQ, what waits to go up, the
 * last success and error, the mutations HQ rejected and why, and what HQ noticed about this
 * till's sales (its open exceptions, in the cashier's words with what to do); F11 again syncs now. The
 * status is the one the host pushes (shell/events.tsx); the exceptions are asked of HQ when the
 * panel opens and after each sync.
 */
import { useCallback, useEffect, useState } from 'react';
import { cashierWords, type TillException } from '../../../contract/exceptions';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { useSyncView } from '../../shell/events';
import { ago, useNow } from '../../shell/time';
import { Modal } from '../../shell/ui';
import type { CatalogIntegrity } from '../../../contract/till-api/sync';

/** What the catalog tables are called on the shop floor. */
const TABLE_WORDS: Record<string, string> = {
  products: 'products and prices',
  categories: 'categories',
  category_tax_rates: 'tax rates',
  registers: 'registers',
  staff: 'staff',
  stock_levels: 'stock levels',
};

/** The last catalog integrity check, in the cashier's words. */
function catalogCheck(integrity: CatalogIntegrity | null, now: number): string {
  if (!integrity) return 'not checked yet';
  const when = `checked ${ago(integrity.checkedAt, now)}`;
  const what = integrity.differing.map((t) => TABLE_WORDS[t] ?? 'catalog').join(', ');
  switch (integrity.result) {
    case 'match':
      return `same as HQ (${when})`;
    case 'healed':
      return `${what} differed from HQ and were downloaded again (${when})`;
    case 'differs':
      return `${what} still differ from HQ after downloading them again: please tell HQ (${when})`;
  }
}

export function SyncPanel({ onClose }: { onClose: () => void }) {
  const view = useSyncView();
  const now = useNow(1_000);
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  // undefined: asking HQ; null: HQ did not answer.
  const [noticed, setNoticed] = useState<TillException[] | null | undefined>(undefined);
  const askHq = useCallback(() => call(api.syncExceptions(), { quiet: true }), [api, call]);
  useEffect(() => {
    void askHq().then((r) => setNoticed(r.ok ? r.data : null));
  }, [askHq]);
  const syncNow = async (): Promise<void> => {
    const r = await call(api.syncNow());
    void askHq().then((x) => setNoticed(x.ok ? x.data : null));
    if (r.ok)
      notify(
        r.data.online ? 'success' : 'error',
        r.data.online ? 'Synced with HQ' : `HQ not reachable: ${r.data.lastError ?? 'no answer'}`,
      );
  };
  return (
    <Modal
      title="Sync with HQ"
      onClose={onClose}
      wide
      testId="sync-panel"
      // F11 means sync, as on the checkout screen (F5 there is the quantity).
      actions={[{ key: 'F11', label: 'Sync now', run: () => void syncNow() }]}
    >
      {view ? (
        <>
          <dl className="facts">
            <dt>HQ</dt>
            <dd>{view.hqUrl ?? 'not configured (demo store)'}</dd>
            <dt>Connection</dt>
            <dd>{!view.enrolled ? 'not enrolled' : view.online ? 'online' : 'offline'}</dd>
            <dt>Waiting to send</dt>
            <dd>
              {view.pendingSales} sale(s), {view.pendingCount} change(s) in all
            </dd>
            <dt>Last success</dt>
            <dd>{ago(view.lastSuccessAt, now)}</dd>
            <dt>Last error</dt>
            <dd>{view.lastError ?? 'none'}</dd>
            <dt>Catalog check</dt>
            <dd data-testid="catalog-check">{catalogCheck(view.integrity ?? null, now)}</dd>
          </dl>
          <h3>Rejected by HQ</h3>
          {view.rejected.length === 0 ? (
            <p>Nothing was rejected.</p>
          ) : (
            <table className="table" data-testid="rejected-list">
              <thead>
                <tr>
                  <th>What</th>
                  <th>Why</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {view.rejected.map((r) => (
                  <tr key={r.mutationId}>
                    <td>
                      {r.mutationType} {r.subject}
                    </td>
                    <td>{r.message}</td>
                    <td>{new Date(r.receivedAt).toLocaleString('en-US')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Noticed by HQ</h3>
          {!view.enrolled ? (
            <p>This till is not connected to HQ.</p>
          ) : noticed === undefined ? (
            <p>Asking HQ…</p>
          ) : noticed === null ? (
            <p>HQ did not answer. Nothing is lost; look again when the till is online.</p>
          ) : noticed.length === 0 ? (
            <p>Nothing to look at: HQ has every sale of this till in order.</p>
          ) : (
            <table className="table" data-testid="hq-noticed">
              <thead>
                <tr>
                  <th>What happened</th>
                  <th>What to do</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {noticed.map((e) => {
                  const words = cashierWords(e);
                  return (
                    <tr key={e.exceptionId}>
                      <td>{words.what}</td>
                      <td>{words.todo}</td>
                      <td>{new Date(e.createdAt).toLocaleString('en-US')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <p>Loading…</p>
      )}
      <div className="button-row">
        <button type="button" className="primary" onClick={() => void syncNow()}>
          Sync now (F11)
        </button>
      </div>
    </Modal>
  );
}
