/**
 * The HQ console (hq/console/), built into dist-console/ and served by HQ at /console/
 * (hq/server/console-static.ts). `npm run build:console`; `npm run hq` builds it when missing.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'hq/console',
  base: '/console/',
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: '../../dist-console',
    emptyOutDir: true,
    target: 'es2023',
    sourcemap: true,
    // One bundle (React, zod, chart.js: ~165 kB gzipped) loaded once per sign-in by office
    // staff on desktop browsers; splitting would only add round trips.
    chunkSizeWarningLimit: 700,
  },
});
