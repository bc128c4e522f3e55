/**
 * The host's events as React state: the sync status (online, pending sales, rejected
 * mutations, catalog download progress), pushed by the till host whenever it changes
 * (contract/till-api/events.ts `TillEvent`). Screens read it here; nothing polls.
 */
import {
  createContext,
  useCallback,
  useContext,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { SyncView } from '../../contract/till-api/sync';
import type { TillEvents } from './backend';

const EventsContext = createContext<TillEvents | null>(null);

export function TillEventsProvider({
  events,
  children,
}: {
  events: TillEvents;
  children: ReactNode;
}) {
  return <EventsContext.Provider value={events}>{children}</EventsContext.Provider>;
}

/** The latest sync status the host pushed; null until the first one arrives. */
export function useSyncView(): SyncView | null {
  const events = useContext(EventsContext);
  if (!events) throw new Error('useSyncView outside TillEventsProvider');
  const subscribe = useCallback((onChange: () => void) => events.subscribe(onChange), [events]);
  return useSyncExternalStore(subscribe, events.sync);
}
