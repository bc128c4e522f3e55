/**
 * Connecting the page to the till host, behind one comlink contract:
 * - in Electron, the preload hands us a MessagePort to the backend utility process;
 * - in a browser, we start the till's Web Worker ourselves.
 * The page imports only the TYPE of the API; every call is a message. The host also pushes
 * events on the same channel (the sync status as it changes): the page never polls for them.
 */
import * as Comlink from 'comlink';
import { TillEventMessage, type TillEvent } from '../../contract/till-api/events';
import { type SyncView } from '../../contract/till-api/sync';
import { type TillPlatform } from '../../contract/till-api/setup';
import type { TillApi } from '../../till/api/handlers';
import { WINDOW_PORT_MESSAGE } from '../../contract/ipc';

export type Api = Comlink.Remote<TillApi>;

/** The host's events on one connection, with the latest sync status kept for late readers. */
export interface TillEvents {
  readonly subscribe: (listener: (event: TillEvent) => void) => () => void;
  /** The last sync status the host pushed; null until the first arrives. */
  readonly sync: () => SyncView | null;
}

export interface BackendConnection {
  api: Api;
  platform: TillPlatform;
  events: TillEvents;
}

/** Anything that delivers the host's messages: the window's MessagePort, or the Worker. */
export interface MessageSource {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/**
 * Listen for the host's events beside comlink (whose answers always carry an `id`). Events are
 * checked with their schema: on this channel, only our host speaks, but a message that is not a
 * well-formed event must never reach a screen.
 */
export function listenForEvents(source: MessageSource): TillEvents {
  const listeners = new Set<(event: TillEvent) => void>();
  let sync: SyncView | null = null;
  source.addEventListener('message', (message: MessageEvent) => {
    const data: unknown = message.data;
    if (typeof data !== 'object' || data === null || !('tillEvent' in data)) return;
    const parsed = TillEventMessage.safeParse(data);
    if (!parsed.success) return;
    const event = parsed.data.tillEvent;
    if (event.type === 'sync') sync = event.view;
    for (const listener of listeners) listener(event);
  });
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    sync: () => sync,
  };
}

/**
 * Electron: ask main for a port and wrap each port that arrives (a new one arrives if the
 * backend restarted; `onConnect` then runs again with a fresh API).
 */
function connectElectron(onConnect: (connection: BackendConnection) => void): () => void {
  const bridge = window.edgePos;
  if (!bridge) throw new Error('not running in Electron');
  const listener = (event: MessageEvent): void => {
    if (event.source !== window || event.origin !== window.location.origin) return;
    const data = event.data as { type?: unknown } | null;
    const port = event.ports[0];
    if (data?.type !== WINDOW_PORT_MESSAGE || !port) return;
    const events = listenForEvents(port);
    port.start();
    onConnect({ api: Comlink.wrap<TillApi>(port), platform: 'electron', events });
  };
  window.addEventListener('message', listener);
  bridge.connectBackend();
  return () => window.removeEventListener('message', listener);
}

function connectWorker(onConnect: (connection: BackendConnection) => void): () => void {
  // The till host's worker entry (till/browser/worker.ts): a URL the bundler builds as a worker,
  // not an import; the page takes no code from till/.
  const worker = new Worker(new URL('../../till/browser/worker.ts', import.meta.url), {
    type: 'module',
    name: 'edge-pos-db',
  });
  const events = listenForEvents(worker);
  onConnect({ api: Comlink.wrap<TillApi>(worker), platform: 'web', events });
  return () => worker.terminate();
}

export function connectBackend(onConnect: (connection: BackendConnection) => void): () => void {
  return window.edgePos ? connectElectron(onConnect) : connectWorker(onConnect);
}

/** Print the receipt currently on screen: Electron's printer path, or the browser's dialog. */
export async function printReceipt(): Promise<{ ok: true } | { ok: false; message: string }> {
  if (window.edgePos) {
    const result = await window.edgePos.print({ silent: false });
    return result.ok ? { ok: true } : { ok: false, message: result.error.message };
  }
  window.print();
  return { ok: true };
}

/** Electron only: save the receipt on screen as a PDF; returns where it was saved. */
export async function saveReceiptPdf(
  fileName: string,
): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
  if (!window.edgePos)
    return {
      ok: false,
      message:
        'Saving as PDF is available in the desktop app; use Print and choose "Save as PDF" here',
    };
  const result = await window.edgePos.printToPdf({ fileName });
  return result.ok ? { ok: true, path: result.data } : { ok: false, message: result.error.message };
}
