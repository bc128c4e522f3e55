/**
 * The one API the preload exposes to the page (`window.edgePos`). It can ask for a backend
 * port, print and read app info; nothing else of Electron or Node reaches the page. Built from
 * injected Electron objects so the contract is unit-tested without Electron.
 *
 * contextBridge cannot transfer a MessagePort (electron#27024), so the port main sends us is
 * forwarded to the page with window.postMessage (see `forwardPort`).
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { Result } from '../../contract/errors';
import { Channel } from '../../contract/ipc';

export interface BridgeDeps {
  ipcRenderer: Pick<IpcRenderer, 'send' | 'invoke' | 'on'>;
  /** Hand a backend port to the page (window.postMessage with the port transferred). */
  forwardPort: (port: MessagePort) => void;
}

export interface EdgePosBridge {
  readonly platform: 'electron';
  /** Ask main for a port to the backend; it arrives as a window message (WINDOW_PORT_MESSAGE). */
  connectBackend(): void;
  print(options?: { silent?: boolean; deviceName?: string }): Promise<Result<null>>;
  printToPdf(options: { fileName: string }): Promise<Result<string>>;
  appInfo(): Promise<Result<{ version: string; platform: string; electron: string }>>;
}

export function makeBridge(deps: BridgeDeps) {
  const { ipcRenderer, forwardPort } = deps;
  ipcRenderer.on(Channel.backendPort, (event: IpcRendererEvent) => {
    const port = event.ports[0];
    if (port) forwardPort(port);
  });
  // Only plain values cross: each method copies what it sends, so page objects never leak in.
  return {
    platform: 'electron',
    connectBackend: () => ipcRenderer.send(Channel.connectBackend),
    print: (options = {}) =>
      ipcRenderer.invoke(Channel.print, {
        silent: options.silent === true,
        ...(typeof options.deviceName === 'string' ? { deviceName: options.deviceName } : {}),
      }) as Promise<Result<null>>,
    printToPdf: (options) =>
      ipcRenderer.invoke(Channel.printToPdf, { fileName: String(options.fileName) }) as Promise<
        Result<string>
      >,
    appInfo: () =>
      ipcRenderer.invoke(Channel.appInfo) as Promise<
        Result<{ version: string; platform: string; electron: string }>
      >,
  } satisfies EdgePosBridge;
}
