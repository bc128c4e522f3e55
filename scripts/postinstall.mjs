// Build the pre-migrated till database template after `npm install`, so a new store database
// opens in about a second instead of running initdb (4-10 s) on the cashier's first start.
// Never fails the install: without a template the till builds one itself on first use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.EDGE_POS_SKIP_TEMPLATE === '1' || !existsSync('node_modules/tsx')) process.exit(0);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'till/cli/till.ts', 'build-template'],
  { stdio: 'inherit' },
);
if (result.status !== 0) {
  process.stderr.write(
    'edge-pos: could not pre-build the database template; the first till start will be slower.\n',
  );
}
