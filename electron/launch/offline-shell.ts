/**
 * The browser till's offline shell (issue 13, item 8): a build step that writes `sw.js`, a
 * service worker that keeps every file of the build, so a browser till reloads and keeps
 * selling while the launcher that served it is down. Its data never depended on the launcher
 * (PGlite in IndexedDB); only the page's own files did.
 *
 * - install: every file this build emitted (index.html, scripts, styles, PGlite's .wasm/.data
 *   and extension tarballs) goes into a cache named after the build's content hash;
 * - a page load (navigation) asks the network first and falls back to the kept index.html;
 * - the build's own files are answered from the cache (their names carry content hashes);
 * - anything else, notably the relay to HQ (`/hq/v1/...`), is left to the network untouched:
 *   sync must see an absent launcher as offline, never a stale answer.
 * A new build installs beside the old one and removes it once active, so a till never mixes
 * the files of two builds.
 *
 * Hand-written rather than vite-plugin-pwa/workbox: installing those re-resolved 245 packages
 * of the lockfile (some now asking for Node 22) for about forty lines of worker code. The
 * Electron app never registers it (its files come from the app's own protocol).
 */
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

export const SERVICE_WORKER_FILE = 'sw.js';

/** The worker's source: plain JS, run by the browser as it is. */
export function serviceWorkerSource(files: readonly string[], version: string): string {
  return `// Edge POS offline shell (electron/launch/offline-shell.ts), build ${version}.
const CACHE = 'edge-pos-shell-${version}';
const FILES = ${JSON.stringify(['./', ...files])};
const scoped = (f) => new URL(f, self.registration.scope).href;
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES.map(scoped))).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('edge-pos-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match(scoped('./index.html'), { cacheName: CACHE })));
    return;
  }
  const kept = FILES.map(scoped);
  const href = url.origin + url.pathname;
  if (!kept.includes(href)) return;
  event.respondWith(caches.match(href, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});
`;
}

/** Vite build plugin: writes sw.js beside the build's files, listing all of them. */
export function offlineShell(): Plugin {
  return {
    name: 'edge-pos-offline-shell',
    apply: 'build',
    // After the HTML plugin has emitted index.html into the bundle.
    enforce: 'post',
    // The page registers the worker only when its build names it (renderer/shell/offline-shell.ts).
    transformIndexHtml: (html) =>
      html.replace(
        '<head>',
        `<head>\n    <meta name="edge-pos-offline-shell" content="./${SERVICE_WORKER_FILE}" />`,
      ),
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map') && f !== SERVICE_WORKER_FILE)
        .sort();
      if (!files.includes('index.html')) {
        this.error('the offline shell needs index.html in the bundle (is the plugin post?)');
      }
      const hash = createHash('sha256');
      for (const f of files) {
        const item = bundle[f]!;
        hash.update(f);
        hash.update(item.type === 'chunk' ? item.code : item.source);
      }
      this.emitFile({
        type: 'asset',
        fileName: SERVICE_WORKER_FILE,
        source: serviceWorkerSource(files, hash.digest('hex').slice(0, 16)),
      });
    },
  };
}
