/**
 * The HQ console page is a Vite build (vite.console.config.ts -> dist-console/). `npm run hq`
 * and `npm start` build it on first use so a fresh checkout shows the console without an extra
 * step; later starts reuse the build (`npm run build:console` rebuilds it after edits).
 */
import { fileURLToPath } from 'node:url';
import { consoleBuilt } from '../server/console-static';
import { DEFAULT_CONSOLE_DIR } from '../start';

const CONFIG = fileURLToPath(new URL('../../vite.console.config.ts', import.meta.url));

/** Builds the console into `dir` when it has no build; true when it built. */
export async function ensureConsoleBuilt(dir: string = DEFAULT_CONSOLE_DIR): Promise<boolean> {
  if (consoleBuilt(dir)) return false;
  // Vite is a development dependency: loaded only when a build is needed.
  const { build } = await import('vite');
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  return true;
}

/** What to print about the console after HQ started. */
export function consoleBanner(hq: {
  consoleUrl: string;
  consoleAdminCreated: { email: string; passwordFile: string | undefined } | undefined;
}): string {
  const created = hq.consoleAdminCreated;
  if (!created) return `HQ console: ${hq.consoleUrl}`;
  return (
    `HQ console: ${hq.consoleUrl}\n` +
    `First console administrator: ${created.email}, password ` +
    (created.passwordFile ? `in ${created.passwordFile}` : 'from $EDGEPOS_CONSOLE_PASSWORD')
  );
}
