/** App-wide React context: the API, the store and staff, and the notice line. */
import {
  createContext,
  useCallback,
  useContext,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { Api } from './backend';
import type { AppInfo, StoreInfo, TillPlatform } from '../../contract/till-api/setup';
import type { StaffMember } from '../../contract/till-api/session';

export interface Session {
  api: Api;
  platform: TillPlatform;
  info: AppInfo;
  /** Re-read info() (after enrollment, login, logout). */
  refresh: () => Promise<void>;
  /**
   * Re-read only the store's settings (tax rates, limits) after a sync round, which may have
   * brought them changed from HQ; a failure leaves them as they were.
   */
  refreshStore: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function useApi(): Api {
  return useSession().api;
}

export function useStore(): StoreInfo {
  const store = useSession().info.store;
  if (!store) throw new Error('no store set up');
  return store;
}

export function useStaff(): StaffMember {
  const staff = useSession().info.staff;
  if (!staff) throw new Error('not logged in');
  return staff;
}

export type NoticeKind = 'error' | 'info' | 'success';
export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

interface NoticeApi {
  notice: Notice | null;
  notify: (kind: NoticeKind, text: string) => void;
  clear: () => void;
}

const NoticeContext = createContext<NoticeApi | null>(null);

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const serial = useRef(0);
  const clear = useCallback(() => {
    clearTimeout(timer.current);
    setNotice(null);
  }, []);
  const notify = useCallback((kind: NoticeKind, text: string) => {
    clearTimeout(timer.current);
    serial.current += 1;
    setNotice({ id: serial.current, kind, text });
    // Errors stay longer: the cashier may be looking at the customer, not the screen.
    timer.current = setTimeout(() => setNotice(null), kind === 'error' ? 12_000 : 5_000);
  }, []);
  const value = useMemo(() => ({ notice, notify, clear }), [notice, notify, clear]);
  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

export function useNotice(): NoticeApi {
  const api = useContext(NoticeContext);
  if (!api) throw new Error('useNotice outside NoticeProvider');
  return api;
}
