/**
 * Every IPC channel between the window and the main process, in one place. Database traffic
 * never uses these: it goes over the MessagePort to the backend utility process.
 */
export const Channel = {
  /** renderer -> main (send): give this window a (new) port to the backend. */
  connectBackend: 'edge-pos:connect-backend',
  /** main -> renderer (webContents.postMessage with one MessagePort). */
  backendPort: 'edge-pos:backend-port',
  /** renderer -> main (invoke): print this window (the receipt view) on a printer. */
  print: 'edge-pos:print',
  /** renderer -> main (invoke): save this window (the receipt view) as a PDF. */
  printToPdf: 'edge-pos:print-to-pdf',
  /** renderer -> main (invoke): version and platform for the about line. */
  appInfo: 'edge-pos:app-info',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/** The window.postMessage type the preload uses to hand the backend port to the page. */
export const WINDOW_PORT_MESSAGE = 'edge-pos:backend-port';
