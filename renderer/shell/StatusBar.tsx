/**
 * The status bar at the top of every screen once a store is set up: the store and register,
 * who is logged in, and the sync badge (is HQ reachable, how many sales wait to go up, when the
 * last sync succeeded, whether HQ rejected anything: F11 shows why). The sync status is pushed
 * by the host (events.tsx); only the "… ago" text runs on a local clock.
 */
import type { StaffMember } from '../../contract/till-api/session';
import type { StoreInfo } from '../../contract/till-api/setup';
import { useSyncView } from './events';
import { ago, useNow } from './time';

export function SyncStatusBadge({ onOpen }: { onOpen: () => void }) {
  const view = useSyncView();
  const now = useNow(2_000);
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
      <span className="sync-last">last sync {ago(view.lastSuccessAt, now)}</span>
      {view.rejected.length > 0 ? (
        <strong className="rejected">⚠ {view.rejected.length} rejected (F11)</strong>
      ) : null}
    </button>
  );
}

/** The top bar: brand, store and register, staff, sync badge. */
export function StatusBar({
  store,
  staff,
  onOpenSync,
}: {
  store: StoreInfo | null;
  staff: StaffMember | null;
  onOpenSync: () => void;
}) {
  return (
    <header className="topbar">
      <span className="brand">Edge POS</span>
      <span className="store" data-testid="store-name">
        {store?.storeName} · Register {store?.registerId}
      </span>
      <span className="staff" data-testid="staff-name">
        {staff ? `${staff.displayName} (${staff.role})` : 'Not logged in'}
      </span>
      <SyncStatusBadge onOpen={onOpenSync} />
    </header>
  );
}
