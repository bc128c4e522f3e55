/**
 * Bundles of the Electron processes, built with Vite (SSR mode = Node targets):
 *   dist-electron/main.js      main process (ESM)
 *   dist-electron/backend.js   backend utility process (ESM): PGlite, migrations, sync loop
 *   dist-electron/preload.cjs  preload (CommonJS: sandboxed preloads cannot load ESM)
 *
 * Node packages stay external (`@electric-sql/*` must: PGlite finds its .wasm/.data next to
 * its own files) and ship in node_modules, unpacked from the asar (electron-builder.yml).
 * The preload is self-contained: a sandboxed preload can only require 'electron'.
 * The edge migrations are copied next to the backend bundle, where db/migrations/node-source.ts
 * looks for them (`new URL('./edge', import.meta.url)`).
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type InlineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;
const defaultOutDir = join(root, 'dist-electron');

function copyMigrations(outDir: string): Plugin {
  return {
    name: 'edge-pos-copy-migrations',
    apply: 'build',
    writeBundle: () => {
      const target = join(outDir, 'edge');
      mkdirSync(target, { recursive: true });
      cpSync(join(root, 'db', 'migrations', 'edge'), target, {
        recursive: true,
        filter: (src) => !src.endsWith('.ts'),
      });
    },
  };
}

export function electronTarget(target: 'node' | 'preload', outDir = defaultOutDir): InlineConfig {
  if (target === 'preload') {
    return {
      configFile: false,
      root,
      logLevel: 'warn',
      build: {
        ssr: join(root, 'electron/preload/index.ts'),
        outDir,
        emptyOutDir: false,
        target: 'node20',
        sourcemap: true,
        minify: false,
        rolldownOptions: {
          external: ['electron'],
          output: { format: 'cjs', entryFileNames: 'preload.cjs' },
        },
      },
      ssr: { noExternal: true, external: ['electron'] },
    };
  }
  return {
    configFile: false,
    root,
    logLevel: 'warn',
    plugins: [copyMigrations(outDir)],
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      sourcemap: true,
      minify: false,
      rolldownOptions: {
        input: {
          main: join(root, 'electron/main/index.ts'),
          backend: join(root, 'electron/backend/main.ts'),
        },
        external: ['electron'],
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  };
}

export default defineConfig(electronTarget('node'));
