/**
 * The renderer, built for the browser and for the Electron window (same output, dist-web/).
 *
 * PGlite loads its .wasm/.data and extension tarballs with `new URL(..., import.meta.url)`; it
 * is kept out of dependency pre-bundling so those URLs keep pointing at real files (PGlite's
 * bundler notes), and workers are ES modules so the database worker can import it.
 */
import react from '@vitejs/plugin-react';
import { defineConfig, type BuildOptions, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY_META } from './electron/main/security.ts';
import { offlineShell } from './electron/launch/offline-shell.ts';

/** The page's Content-Security-Policy, added to the built index.html (dev needs inline HMR). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'edge-pos-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY_META}" />`,
      ),
  };
}

/**
 * PGlite's Emscripten loader calls eval by design; the bundler's warning about it repeats on
 * every build and says nothing we can act on. Every other warning still shows.
 */
const quietPgliteEval: NonNullable<BuildOptions['rolldownOptions']> = {
  onwarn(warning, warn) {
    if (warning.code === 'EVAL' && warning.id?.includes('@electric-sql/pglite')) return;
    warn(warning);
  },
};

export default defineConfig({
  root: 'renderer',
  base: './',
  publicDir: false,
  plugins: [react(), contentSecurityPolicy(), offlineShell()],
  optimizeDeps: { exclude: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'] },
  worker: { format: 'es', rolldownOptions: quietPgliteEval },
  build: {
    outDir: '../dist-web',
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true,
    chunkSizeWarningLimit: 12_000,
    assetsInlineLimit: 0,
    rolldownOptions: quietPgliteEval,
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
