/**
 * `npm run build`: the renderer (dist-web) and the Electron bundles (dist-electron), all with
 * Vite. `--web` builds the renderer only (what `npm run web` serves).
 */
import { build } from 'vite';
import { electronTarget } from '../../vite.electron.config';

const webOnly = process.argv.includes('--web');

async function main(): Promise<void> {
  const started = performance.now();
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
  if (!webOnly) {
    await build(electronTarget('node'));
    await build(electronTarget('preload'));
  }
  process.stderr.write(
    `[build] ${webOnly ? 'dist-web' : 'dist-web + dist-electron'} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
