/**
 * What `npm run hq` prints when it is up. Never the admin token: stderr ends up in logs. The
 * token stays in its 0600 file; `npm run hq:admin -- token show` prints it when asked.
 */
import { adminTokenPath } from '../ops/admin-token';
import { DEFAULT_HQ_DATA_DIR } from '../ops/embedded-server';

export function startupBanner(options: { url: string; dataDir?: string | undefined }): string {
  const tokenPath = adminTokenPath(options.dataDir ?? DEFAULT_HQ_DATA_DIR);
  return (
    `\nHQ sync service: ${options.url}\n` +
    `Admin token: in ${tokenPath} (owner-only); show it: npm run hq:admin -- token show\n` +
    `Enroll a till: npm run hq:admin -- code seattle R01\n\n`
  );
}
