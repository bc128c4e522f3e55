/**
 * The console shell: the sign-in screen until there is a session, then the screens the user's
 * role allows, chosen by the address's #fragment so a reload stays on the same screen.
 */
import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { ConsoleSession, type ConsoleUser } from '../../contract/console-protocol';
import { StoreEntity } from '../../contract/catalog';
import { api, ApiError, setCsrfToken, whenSignedOut } from './api';
import { SignInScreen } from './screens/SignIn';
import { ReportsScreen } from './screens/Reports';
import { CatalogScreen } from './screens/Catalog';
import { TaxScreen } from './screens/Tax';
import { StoresScreen } from './screens/Stores';
import { StaffScreen } from './screens/Staff';
import { AdminScreen } from './screens/Admin';
import { ExceptionsScreen } from './screens/Exceptions';
import { DevicesScreen } from './screens/Devices';
import { ROLE_NAMES, type Store } from './model';

const StoreList = z.object({ stores: z.array(StoreEntity) });

const SCREENS = [
  { id: 'reports', title: 'Reports', roles: ['admin', 'manager', 'analyst'] },
  { id: 'catalog', title: 'Catalog', roles: ['admin', 'manager', 'analyst'] },
  { id: 'tax', title: 'Tax', roles: ['admin', 'manager', 'analyst'] },
  { id: 'stores', title: 'Stores & devices', roles: ['admin', 'manager', 'analyst'] },
  { id: 'devices', title: 'Tills & sync', roles: ['admin', 'manager', 'analyst'] },
  { id: 'staff', title: 'Staff', roles: ['admin', 'manager', 'analyst'] },
  { id: 'exceptions', title: 'Exceptions', roles: ['admin', 'manager', 'analyst'] },
  { id: 'admin', title: 'Users & audit', roles: ['admin'] },
] as const;
type ScreenId = (typeof SCREENS)[number]['id'];

function screenFromHash(): ScreenId {
  const id = window.location.hash.replace(/^#\/?/, '');
  return SCREENS.find((s) => s.id === id)?.id ?? 'reports';
}

export function App() {
  const [user, setUser] = useState<ConsoleUser | undefined>();
  const [checked, setChecked] = useState(false);
  const [stores, setStores] = useState<Store[]>([]);
  const [screen, setScreen] = useState<ScreenId>(screenFromHash);
  const [error, setError] = useState('');

  const signedIn = useCallback((session: ConsoleSession) => {
    setCsrfToken(session.csrfToken);
    setUser(session.user);
  }, []);

  useEffect(() => {
    whenSignedOut(() => setUser(undefined));
    api(ConsoleSession, '/session')
      .then(signedIn)
      .catch(() => undefined)
      .finally(() => setChecked(true));
    const onHash = () => setScreen(screenFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [signedIn]);

  useEffect(() => {
    if (!user) return;
    api(StoreList, '/stores')
      .then((r) => setStores(r.stores))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [user]);

  if (!checked) return null;
  if (!user) return <SignInScreen onSignedIn={signedIn} />;

  const allowed = SCREENS.filter((s) => (s.roles as readonly string[]).includes(user.role));
  const current = allowed.find((s) => s.id === screen) ?? allowed[0]!;
  const signOut = () => {
    api(z.unknown(), '/sign-out', { method: 'POST' })
      .catch(() => undefined)
      .finally(() => setUser(undefined));
  };

  return (
    <div className="shell">
      <header className="top">
        <strong>Edge POS HQ</strong>
        <nav>
          {allowed.map((s) => (
            <a
              key={s.id}
              href={`#/${s.id}`}
              className={s.id === current.id ? 'active' : ''}
              data-testid={`nav-${s.id}`}
            >
              {s.title}
            </a>
          ))}
        </nav>
        <span className="who" data-testid="signed-in-as">
          {user.displayName} · {ROLE_NAMES[user.role]}
        </span>
        <button type="button" onClick={signOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      {error && <p className="error">{error}</p>}
      <main>
        {current.id === 'reports' && <ReportsScreen stores={stores} />}
        {current.id === 'catalog' && <CatalogScreen stores={stores} user={user} />}
        {current.id === 'tax' && <TaxScreen stores={stores} user={user} />}
        {current.id === 'stores' && <StoresScreen stores={stores} user={user} />}
        {current.id === 'staff' && <StaffScreen stores={stores} user={user} />}
        {current.id === 'devices' && <DevicesScreen stores={stores} />}
        {current.id === 'exceptions' && <ExceptionsScreen stores={stores} user={user} />}
        {current.id === 'admin' && <AdminScreen stores={stores} />}
      </main>
    </div>
  );
}
