/**
 * `npm run build`: the renderer (dist-web) and the Electron bundles (dist-electron), all with
 * Vite. `--web` builds the renderer only (what `npm run web` serves).
 */
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { electronTarget } from '../../vite.electron.config';

export async function buildApp(options: { webOnly?: boolean } = {}): Promise<void> {
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
  if (options.webOnly) return;
  await build(electronTarget('node'));
  await build(electronTarget('preload'));
}

async function main(): Promise<void> {
  const webOnly = process.argv.includes('--web');
  const started = performance.now();
  await buildApp({ webOnly });
  process.stderr.write(
    `[build] ${webOnly ? 'dist-web' : 'dist-web + dist-electron'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
