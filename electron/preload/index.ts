/**
 * Preload (sandboxed, CommonJS bundle): exposes `window.edgePos` and forwards backend ports to
 * the page. Nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { WINDOW_PORT_MESSAGE } from '../../contract/ipc';
import { makeBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'edgePos',
  makeBridge({
    ipcRenderer,
    forwardPort: (port) =>
      window.postMessage({ type: WINDOW_PORT_MESSAGE }, window.location.origin, [port]),
  }),
);
