/**
 * Connecting the page to the till database host, behind one comlink contract:
 * - in Electron, the preload hands us a MessagePort to the backend utility process;
 * - in a browser, we start the database Web Worker ourselves.
 * The page imports only the TYPE of the API; every call is a message.
 */
import * as Comlink from 'comlink';
import type { TillPlatform } from '../../contract/till-api';
import type { TillApi } from '../../till/api/handlers';
import { WINDOW_PORT_MESSAGE } from '../../contract/ipc';

export type Api = Comlink.Remote<TillApi>;

export interface BackendConnection {
  api: Api;
  platform: TillPlatform;
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
    port.start();
    onConnect({ api: Comlink.wrap<TillApi>(port), platform: 'electron' });
  };
  window.addEventListener('message', listener);
  bridge.connectBackend();
  return () => window.removeEventListener('message', listener);
}

function connectWorker(onConnect: (connection: BackendConnection) => void): () => void {
  const worker = new Worker(new URL('../../till/browser/worker.ts', import.meta.url), {
    type: 'module',
    name: 'edge-pos-db',
  });
  onConnect({ api: Comlink.wrap<TillApi>(worker), platform: 'web' });
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
