/**
 * Registers the offline shell in a browser till, so the page reloads while the launcher that
 * served it is down. The build that writes the worker (electron/launch/offline-shell.ts) names
 * it in index.html (`<meta name="edge-pos-offline-shell">`); the dev server writes none. Never
 * in Electron: the app's own protocol serves its files.
 */
export function registerOfflineShell(): void {
  const worker = document
    .querySelector('meta[name="edge-pos-offline-shell"]')
    ?.getAttribute('content');
  if (!worker || window.edgePos || !('serviceWorker' in navigator)) return;
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
  // A till that cannot keep its files still sells while the launcher is up; the failure is
  // for the developer tools, not the cashier.
  navigator.serviceWorker.register(worker).catch(() => undefined);
}
