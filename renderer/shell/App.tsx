/**
 * The app shell: connects to the till database host, then shows first run, login or the
 * workspace, with the store, the staff member and the sync status always on screen.
 */
import { useCallback, useEffect, useState } from 'react';
import { ErrorKind, getErrorMessage } from '../../contract/errors';
import { FirstRun } from '../features/setup/FirstRun';
import { Login } from '../features/login/Login';
import { Workspace } from '../features/checkout/Checkout';
import { SyncPanel, SyncStatusBadge, useSyncStatus } from '../features/sync/SyncStatus';
import { connectBackend, type BackendConnection } from './backend';
import { NoticeProvider, SessionProvider, useSession } from './context';
import { KeysProvider, useKeyLayer } from './keys';
import { KeyBar, NoticeLine } from './ui';
import type { AppInfo } from '../../contract/till-api';

type Phase =
  | { kind: 'connecting' }
  | { kind: 'failed'; message: string; errorKind: ErrorKind }
  | { kind: 'ready'; connection: BackendConnection; info: AppInfo };

export function App() {
  const [connection, setConnection] = useState<BackendConnection | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });

  useEffect(() => connectBackend(setConnection), []);

  const load = useCallback(
    (conn: BackendConnection): Promise<Phase> =>
      conn.api.info().then(
        (r): Phase =>
          r.ok
            ? { kind: 'ready', connection: conn, info: r.data }
            : { kind: 'failed', message: r.error.message, errorKind: r.error.kind },
        (error: unknown): Phase => ({
          kind: 'failed',
          message: getErrorMessage(error),
          errorKind: ErrorKind.unavailable,
        }),
      ),
    [],
  );

  const refresh = useCallback(async () => {
    if (connection) setPhase(await load(connection));
  }, [connection, load]);

  useEffect(() => {
    if (connection) void load(connection).then(setPhase);
  }, [connection, load]);

  return (
    <NoticeProvider>
      <KeysProvider>
        {phase.kind === 'connecting' ? (
          <div className="splash" role="status">
            Starting the till database…
          </div>
        ) : phase.kind === 'failed' ? (
          <div className="splash failed" role="alert" data-testid="fatal">
            <h1>The till cannot start</h1>
            <p>{phase.message}</p>
            <button type="button" className="primary" onClick={() => window.location.reload()}>
              Try again
            </button>
          </div>
        ) : (
          <SessionProvider
            value={{
              api: phase.connection.api,
              platform: phase.connection.platform,
              info: phase.info,
              refresh,
            }}
          >
            <Shell />
          </SessionProvider>
        )}
      </KeysProvider>
    </NoticeProvider>
  );
}

function Shell() {
  const { info } = useSession();
  return (
    <div className="app">
      {info.phase === 'ready' ? (
        <ReadyShell />
      ) : info.phase === 'downloading' ? (
        <DownloadingShell />
      ) : (
        <SetupShell />
      )}
    </div>
  );
}

/** Enrolled, the store's catalog still coming down from HQ (first sync resumes after a restart). */
function DownloadingShell() {
  const { info, refresh } = useSession();
  useEffect(() => {
    const timer = setInterval(() => void refresh(), 1_000);
    return () => clearInterval(timer);
  }, [refresh]);
  const d = info.download;
  const percent = d && d.total > 0 ? Math.floor((100 * d.done) / d.total) : null;
  return (
    <>
      <header className="topbar">
        <span className="brand">Edge POS</span>
      </header>
      <NoticeLine />
      <main className="content">
        <section className="screen" aria-labelledby="download-title">
          <h1 id="download-title">Downloading the store from HQ</h1>
          <p className="progress" role="status" data-testid="download-progress">
            {d
              ? `${d.stage}: ${d.done.toLocaleString('en-US')} of ${d.total.toLocaleString('en-US')}${percent !== null ? ` (${percent}%)` : ''}`
              : 'Starting…'}
          </p>
          <p className="muted">
            The till can sell as soon as the catalog is in. If the connection drops, the download
            resumes where it stopped.
          </p>
        </section>
      </main>
      <KeyBar />
    </>
  );
}

function SetupShell() {
  return (
    <>
      <header className="topbar">
        <span className="brand">Edge POS</span>
      </header>
      <NoticeLine />
      <main className="content">
        <FirstRun />
      </main>
      <KeyBar />
    </>
  );
}

function ReadyShell() {
  const { info } = useSession();
  const sync = useSyncStatus();
  const [showSync, setShowSync] = useState(false);
  return (
    <>
      <header className="topbar">
        <span className="brand">Edge POS</span>
        <span className="store" data-testid="store-name">
          {info.store?.storeName} · Register {info.store?.registerId}
        </span>
        <span className="staff" data-testid="staff-name">
          {info.staff ? `${info.staff.displayName} (${info.staff.role})` : 'Not logged in'}
        </span>
        <SyncStatusBadge view={sync.view} onOpen={() => setShowSync(true)} />
      </header>
      <NoticeLine />
      <main className="content">
        {info.staff ? (
          <Workspace sync={sync.view} onSyncChanged={sync.refresh} />
        ) : (
          <LoginScreen onSync={() => setShowSync(true)} />
        )}
      </main>
      {showSync ? <SyncPanel view={sync.view} onClose={() => setShowSync(false)} /> : null}
      <KeyBar />
    </>
  );
}

function LoginScreen({ onSync }: { onSync: () => void }) {
  useKeyLayer({ actions: [{ key: 'F11', label: 'Sync', run: onSync }] });
  return <Login />;
}
