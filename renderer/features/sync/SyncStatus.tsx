/**
 * Always visible: is HQ reachable, how many sales wait to go up, when the last sync succeeded,
 * and whether HQ rejected anything (F11 shows why). Polled from the till database host.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SyncView } from '../../../contract/till-api';
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { msSinceLastKey } from '../../shell/keys';
import { Modal } from '../../shell/ui';

/**
 * The till database serves one query at a time; a status poll landing between two keystrokes
 * would delay the search results, so a poll waits while the cashier is typing or scanning.
 */
const QUIET_AFTER_KEY_MS = 1_000;

export function useSyncStatus(intervalMs = 2_000): { view: SyncView | null; refresh: () => void } {
  const api = useApi();
  const [view, setView] = useState<SyncView | null>(null);
  const tick = useRef<() => void>(() => undefined);
  useEffect(() => {
    let stopped = false;
    tick.current = () => {
      void api
        .syncStatus()
        .then((r) => {
          if (!stopped && r.ok) setView(r.data);
        })
        .catch(() => undefined);
    };
    tick.current();
    const timer = setInterval(() => {
      if (msSinceLastKey() >= QUIET_AFTER_KEY_MS) tick.current();
    }, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, intervalMs]);
  const refresh = useCallback(() => tick.current(), []);
  return { view, refresh };
}

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString('en-US');
}

export function SyncStatusBadge({ view, onOpen }: { view: SyncView | null; onOpen: () => void }) {
  if (!view) return <span className="sync sync-unknown">Sync: …</span>;
  const state = !view.enrolled ? 'standalone' : view.online ? 'online' : 'offline';
  return (
    <button
      type="button"
      className={`sync sync-${state}`}
      onClick={onOpen}
      tabIndex={-1}
      data-testid="sync-status"
      data-state={state}
      data-pending={view.pendingSales}
    >
      <span className="dot" aria-hidden="true" />
      <span>{state === 'standalone' ? 'No HQ' : state === 'online' ? 'Online' : 'Offline'}</span>
      <span data-testid="pending-sales">
        {view.pendingSales} pending sale{view.pendingSales === 1 ? '' : 's'}
      </span>
      <span>last sync {ago(view.lastSuccessAt)}</span>
      {view.rejected.length > 0 ? (
        <strong className="rejected">⚠ {view.rejected.length} rejected (F11)</strong>
      ) : null}
    </button>
  );
}

export function SyncPanel({ view, onClose }: { view: SyncView | null; onClose: () => void }) {
  const api = useApi();
  const call = useCall();
  const { notify } = useNotice();
  const syncNow = async (): Promise<void> => {
    const r = await call(api.syncNow());
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
      actions={[{ key: 'F5', label: 'Sync now', run: () => void syncNow() }]}
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
            <dd>{ago(view.lastSuccessAt)}</dd>
            <dt>Last error</dt>
            <dd>{view.lastError ?? 'none'}</dd>
          </dl>
          <h3>Rejected by HQ</h3>
          {view.rejected.length === 0 ? (
            <p>Nothing was rejected.</p>
          ) : (
            <table className="table" data-testid="rejected-list">
              <thead>
                <tr>
                  <th>#</th>
                  <th>What</th>
                  <th>Why</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {view.rejected.map((r) => (
                  <tr key={r.mutationId}>
                    <td>{r.mutationId}</td>
                    <td>
                      {r.mutationType} {r.subject}
                    </td>
                    <td>
                      <strong>{r.code}</strong>: {r.message}
                    </td>
                    <td>{new Date(r.receivedAt).toLocaleString('en-US')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : (
        <p>Loading…</p>
      )}
      <div className="button-row">
        <button type="button" className="primary" onClick={() => void syncNow()}>
          Sync now (F5)
        </button>
      </div>
    </Modal>
  );
}
