/**
 * The app shell: connects to the till host, then shows first run, the store download, login or
 * the workspace, with the store, the staff member and the sync status always on screen (the
 * status bar). The host pushes the sync status and the download progress (events.tsx).
 */
import { useCallback, useEffect, useState } from 'react';
import { ErrorKind, getErrorMessage } from '../../contract/errors';
import { FirstRun } from '../features/setup/FirstRun';
import { Login } from '../features/login/Login';
import { SyncPanel } from '../features/sync/SyncPanel';
import { connectBackend, type BackendConnection } from './backend';
import { NoticeProvider, SessionProvider, useSession } from './context';
import { TillEventsProvider, useSyncView } from './events';
import { KeysProvider, useKeyLayer } from './keys';
import { StatusBar } from './StatusBar';
import { KeyBar, NoticeLine } from './ui';
import { Workspace } from './Workspace';
import type { AppInfo } from '../../contract/till-api/setup';

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

  // The store part only: who is signed in changes through refresh(), never behind its back.
  const refreshStore = useCallback(async () => {
    if (!connection) return;
    const r = await connection.api.info().catch(() => null);
    if (!r?.ok) return;
    setPhase((p) => (p.kind === 'ready' ? { ...p, info: { ...p.info, store: r.data.store } } : p));
  }, [connection]);

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
              refreshStore,
            }}
          >
            <TillEventsProvider events={phase.connection.events}>
              <Shell />
            </TillEventsProvider>
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
  const sync = useSyncView();
  // The host pushes the progress; once the catalog is in, the till can sell: read info again.
  const ready = sync?.ready === true;
  useEffect(() => {
    if (ready) void refresh();
  }, [ready, refresh]);
  const d = sync?.progress ?? info.download;
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
  const { info, refreshStore } = useSession();
  const [showSync, setShowSync] = useState(false);
  // A round that succeeded may have pulled the store's tax rates or limits: the basket's totals
  // must be the ones the sale will be charged (the commit reads them afresh).
  const lastSync = useSyncView()?.lastSuccessAt ?? null;
  useEffect(() => {
    if (lastSync) void refreshStore();
  }, [lastSync, refreshStore]);
  return (
    <>
      <StatusBar store={info.store} staff={info.staff} onOpenSync={() => setShowSync(true)} />
      <NoticeLine />
      <main className="content">
        {info.staff ? <Workspace /> : <LoginScreen onSync={() => setShowSync(true)} />}
      </main>
      {showSync ? <SyncPanel onClose={() => setShowSync(false)} /> : null}
      <KeyBar />
    </>
  );
}

function LoginScreen({ onSync }: { onSync: () => void }) {
  useKeyLayer({ actions: [{ key: 'F11', label: 'Sync', run: onSync }] });
  return <Login />;
}
