/**
 * Sync details (F11, or a click on the status bar's sync badge): HQ, what waits to go up, the
 * last success and error, the mutations HQ rejected and why; F5 syncs now. The status is the one
 * the host pushes (shell/events.tsx).
 */
import { useCall } from '../../shell/call';
import { useApi, useNotice } from '../../shell/context';
import { useSyncView } from '../../shell/events';
import { ago, useNow } from '../../shell/time';
import { Modal } from '../../shell/ui';

export function SyncPanel({ onClose }: { onClose: () => void }) {
  const view = useSyncView();
  const now = useNow(1_000);
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
            <dd>{ago(view.lastSuccessAt, now)}</dd>
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
