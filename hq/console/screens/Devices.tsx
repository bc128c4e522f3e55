/**
 * Tills & sync: every till of the stores the user sees (or one store) with its sync health:
 * the software it runs, when HQ last heard from it, the changes it said it has not sent yet,
 * the changes HQ rejected, and how many catalog changes it has not pulled yet. Tills silent for
 * longer than the threshold (minutes, checked by the contract's schema) are listed in an alert
 * and marked in the table. Silence is measured against HQ's clock, not the browser's.
 * Registers, enrollment and revoking stay on Stores & devices.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceSyncState } from '../../../contract/admin-protocol';
import {
  ConsoleDeviceList,
  DEFAULT_SILENT_MINUTES,
  SilentThreshold,
} from '../../../contract/console-devices';
import { api, ApiError } from '../api';
import { ago } from '../forms';
import type { Store } from '../model';
import { TextField } from '../components/TextField';

const REFRESH_MS = 30_000;

export function DevicesScreen({ stores }: { stores: Store[] }) {
  const [storeId, setStoreId] = useState('');
  const [list, setList] = useState<ConsoleDeviceList | undefined>();
  const [thresholdText, setThresholdText] = useState(String(DEFAULT_SILENT_MINUTES));
  const [showRetired, setShowRetired] = useState(false);
  const [error, setError] = useState('');
  const storeName = (id: string) => stores.find((s) => s.storeId === id)?.storeName ?? id;

  const latest = useRef(0);
  const load = useCallback(() => {
    const request = ++latest.current;
    api(ConsoleDeviceList, '/devices', { query: storeId ? { storeId } : {} })
      .then((r) => {
        if (request !== latest.current) return;
        setList(r);
        setError('');
      })
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [storeId]);
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const threshold = SilentThreshold.safeParse(thresholdText);
  const minutes = threshold.success ? threshold.data : DEFAULT_SILENT_MINUTES;
  const now = list ? Date.parse(list.now) : Date.now();
  const isLive = (d: DeviceSyncState) => !d.revokedAt && !d.supersededBy;
  const isSilent = (d: DeviceSyncState) =>
    isLive(d) && (!d.lastSeenAt || now - Date.parse(d.lastSeenAt) > minutes * 60_000);
  const devices = (list?.devices ?? []).filter((d) => showRetired || isLive(d));
  const silent = devices.filter(isSilent);
  const rejecting = devices.filter((d) => isLive(d) && d.rejectedCount > 0);

  return (
    <section>
      <h2>Tills & sync</h2>
      <div className="filters">
        <label>
          Store
          <select
            value={storeId}
            onChange={(e) => setStoreId(e.target.value)}
            data-testid="devices-store"
          >
            <option value="">All stores</option>
            {stores.map((s) => (
              <option key={s.storeId} value={s.storeId}>
                {s.storeName}
              </option>
            ))}
          </select>
        </label>
        <TextField
          label="Alert after (minutes silent)"
          value={thresholdText}
          inputMode="numeric"
          onChange={setThresholdText}
          error={threshold.success ? undefined : threshold.error.issues[0]?.message}
          testId="silent-threshold"
        />
        <label className="check">
          <input
            type="checkbox"
            checked={showRetired}
            onChange={(e) => setShowRetired(e.target.checked)}
          />
          Show revoked and replaced tills
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      {silent.length > 0 && (
        <p className="alert" data-testid="silent-alert">
          {silent.length} till{silent.length === 1 ? ' has' : 's have'} not been heard from for more
          than {minutes} minutes:{' '}
          {silent.map((d) => `${storeName(d.storeId)} ${d.registerId}`).join(', ')}
        </p>
      )}
      {rejecting.length > 0 && (
        <p className="alert" data-testid="rejected-alert">
          HQ refused changes from {rejecting.length} till{rejecting.length === 1 ? '' : 's'}: see
          the Exceptions screen (held in the quarantine).
        </p>
      )}
      {list && devices.length === 0 && <p className="hint">No tills enrolled.</p>}
      {devices.length > 0 && (
        <table data-testid="devices-table">
          <thead>
            <tr>
              <th>Store</th>
              <th>Register</th>
              <th>Till</th>
              <th>Version</th>
              <th>Last seen</th>
              <th className="num">Unsent</th>
              <th className="num">Rejected</th>
              <th className="num">Catalog changes behind</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr
                key={d.deviceId}
                className={isSilent(d) ? 'silent' : ''}
                data-testid="device-row"
                data-store={d.storeId}
                data-register={d.registerId}
              >
                <td>{storeName(d.storeId)}</td>
                <td>{d.registerId}</td>
                <td>{d.label ?? ''}</td>
                <td data-testid="device-version">
                  {d.appVersion ?? 'older than 0.1.0'}
                  {d.protocolVersion !== null && (
                    <span className="hint"> · sync {d.protocolVersion}</span>
                  )}
                </td>
                <td data-testid="device-seen">{ago(d.lastSeenAt, now)}</td>
                <td className="num" data-testid="device-pending">
                  {d.reportedPending ?? 'not reported'}
                </td>
                <td className="num">{d.rejectedCount}</td>
                <td className="num" data-testid="device-lag">
                  {d.cursorLag ?? 'not pulled yet'}
                </td>
                <td data-testid="device-status">
                  {d.revokedAt
                    ? `Revoked (${d.revokedReason ?? ''})`
                    : d.supersededBy
                      ? 'Replaced'
                      : isSilent(d)
                        ? 'Silent'
                        : 'Active'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
