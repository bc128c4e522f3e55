/**
 * Import direction (issue 16): the rules in .dependency-cruiser.cjs hold for the whole tree,
 * and - so a green run means something - each rule fires on a small fixture tree that breaks it.
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLDERS } from './folders';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function run(options: { baseDir: string; folders: string[] }): Promise<ICruiseResult> {
  const config = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
  const tsConfigFile = join(options.baseDir, 'tsconfig.json');
  const cruiseOptions: ICruiseOptions = {
    ...config,
    baseDir: options.baseDir,
    tsConfig: { fileName: tsConfigFile },
    // The fixture tree reaches node_modules through a symlink; keep those paths under it.
    preserveSymlinks: true,
  };
  const result = await cruise(
    options.folders,
    cruiseOptions,
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  return result.output as ICruiseResult;
}

/** `rule: from -> to` per violation, sorted: readable when the assertion fails. */
function violations(result: ICruiseResult): string[] {
  return result.summary.violations
    .map((v) =>
      v.rule.name === 'no-circular'
        ? `${v.rule.name}: ${[v.from, ...(v.cycle ?? []).map((c) => c.name)].join(' -> ')}`
        : `${v.rule.name}: ${v.from} -> ${v.to}`,
    )
    .sort();
}

describe('import direction', () => {
  it('holds for the whole tree: no forbidden import, no cycle', async () => {
    const result = await run({ baseDir: root, folders: [...FOLDERS] });
    expect(violations(result)).toEqual([]);
    // A sanity floor: the cruise really saw the tree (and the renderer's type-only imports).
    expect(result.summary.totalCruised).toBeGreaterThan(200);
    const checkout = result.modules.find(
      (m) => m.source === 'renderer/features/checkout/Checkout.tsx',
    );
    expect(
      checkout?.dependencies.some(
        (d) =>
          d.resolved === 'contract/till-api/sale.ts' && d.dependencyTypes.includes('type-only'),
      ),
    ).toBe(true);
  }, 120_000);

  describe('(control) on a fixture tree that breaks every rule', () => {
    let dir = '';
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          module: 'ESNext',
          moduleResolution: 'Bundler',
          verbatimModuleSyntax: true,
          strict: true,
        },
      }),
      // Allowed: contract and core values, type-only from the till API, npm packages.
      'renderer/ok.ts': [
        "import { ok } from '../contract/errors';",
        "import { priceCart } from '../core/pricing';",
        "import type { TillApi } from '../till/api/handlers';",
        "import { z } from 'zod';",
        'export const fine = [ok, priceCart, z] as unknown as TillApi;',
      ].join('\n'),
      'renderer/screen.ts': "import { row } from '../db/sale';\nexport const s = row;",
      'renderer/typed.ts': "import type { Row } from '../db/sale';\nexport type T = Row;",
      'renderer/value.ts':
        "import { makeTillApi } from '../till/api/handlers';\nexport const v = makeTillApi;",
      'renderer/sync-type.ts':
        "import type { Status } from '../sync/client';\nexport type S = Status;",
      'renderer/node.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;",
      // The till host: db/ and sync/ are fine; processes, screens, and (in the shared part and
      // the browser) Node built-ins are not.
      'till/api/handlers.ts':
        "import { row } from '../../db/sale';\nexport const makeTillApi = row;\nexport type TillApi = number;",
      'till/open.ts':
        "import { readFileSync } from 'node:fs';\nimport { n } from './node/store';\nexport const o = [readFileSync, n];",
      'till/node/store.ts':
        "import { readFileSync } from 'node:fs';\nimport { Status } from '../../sync/client';\nexport const n = [readFileSync, Status];",
      'till/browser/worker.ts':
        "import { n } from '../node/store';\nimport { s } from '../../renderer/screen';\nimport { readFileSync } from 'node:fs';\nexport const w = [n, s, readFileSync];",
      'electron/backend/main.ts':
        "import { makeTillApi } from '../../till/api/handlers';\nimport { silent } from '../../db/logger';\nimport { row } from '../../db/sale';\nimport { Status } from '../../sync/client';\nexport const b = [makeTillApi, silent, row, Status];",
      'electron/launch/start.ts':
        "import { Status } from '../../sync/client';\nexport const l = Status;",
      'db/logger.ts': 'export const silent = 1;',
      'db/sale.ts':
        "import { Status } from '../sync/client';\nexport const row = 1;\nexport type Row = typeof Status;",
      'db/ui.ts': "import { s } from '../renderer/screen';\nexport const u = s;",
      'db/host.ts':
        "import { makeTillApi } from '../till/api/handlers';\nexport const h = makeTillApi;",
      'db/fixture.ts': "import { f } from '../test/fixture';\nexport const x = f;",
      'db/sale.test.ts': "import { Status } from '../sync/client';\nexport const t = Status;",
      'test/fixture.ts': 'export const f = 1;',
      'core/pricing.ts': "import { row } from '../db/sale';\nexport const priceCart = row;",
      'core/io.ts': "import { readFileSync } from 'node:fs';\nexport const io = readFileSync;",
      'core/contracted.ts': "import { ok } from '../contract/errors';\nexport const c = ok;",
      'core/a.ts': "import { b } from './b';\nexport const a = () => b;",
      'core/b.ts': "import { a } from './a';\nexport const b = () => a;",
      'contract/errors.ts': "import { z } from 'zod';\nexport const ok = z;",
      'contract/db.ts': "import { row } from '../db/sale';\nexport const d = row;",
      'sync/client.ts':
        "import { makeTillApi } from '../till/api/handlers';\nexport const Status = makeTillApi;",
      'electron/main.ts': "import './nowhere';",
      // HQ is its own app: db/, core/, contract/ and Node, and only its CLIs, tests, bench, the
      // demo and the launcher import it.
      'hq/services/push.ts': [
        "import { row } from '../../db/sale';",
        "import { ok } from '../../contract/errors';",
        "import { createHash } from 'node:crypto';",
        'export const push = [row, ok, createHash];',
      ].join('\n'),
      'hq/services/till.ts':
        "import { Status } from '../../sync/client';\nexport const t = Status;",
      'hq/cli/hq.ts': "import { push } from '../services/push';\nexport const cli = push;",
      'sync/hq.ts': "import { push } from '../hq/services/push';\nexport const s = push;",
      'electron/launch/local-hq.ts':
        "import { push } from '../../hq/services/push';\nexport const l = push;",
      'electron/main/hq.ts':
        "import { push } from '../../hq/services/push';\nexport const m = push;",
      'bench/sync.ts': "import { push } from '../hq/services/push';\nexport const b = push;",
      'demo/run.ts': "import { push } from '../hq/services/push';\nexport const d = push;",
      'test/hq.ts': "import { push } from '../hq/services/push';\nexport const h = push;",
    };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'edge-pos-depcruise-'));
      for (const [file, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await writeFile(join(dir, file), `${text}\n`);
      }
      await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reports each forbidden import and the cycle, and nothing that is allowed', async () => {
      const result = await run({
        baseDir: dir,
        folders: [
          'contract',
          'core',
          'db',
          'sync',
          'hq',
          'till',
          'electron',
          'renderer',
          'test',
          'bench',
          'demo',
        ],
      });
      expect(violations(result)).toEqual(
        [
          'contract-only-core: contract/db.ts -> db/sale.ts',
          'core-is-pure: core/contracted.ts -> contract/errors.ts',
          'core-is-pure: core/io.ts -> fs',
          'core-is-pure: core/pricing.ts -> db/sale.ts',
          'db-only-core-contract: db/fixture.ts -> test/fixture.ts',
          'db-only-core-contract: db/host.ts -> till/api/handlers.ts',
          'db-only-core-contract: db/sale.ts -> sync/client.ts',
          'db-only-core-contract: db/ui.ts -> renderer/screen.ts',
          'db-tests-not-to-upper-layers: db/sale.test.ts -> sync/client.ts',
          'hq-only-db-core-contract: hq/services/till.ts -> sync/client.ts',
          'nothing-imports-hq: electron/main/hq.ts -> hq/services/push.ts',
          'electron-only-till-contract-core: electron/backend/main.ts -> db/sale.ts',
          'electron-only-till-contract-core: electron/backend/main.ts -> sync/client.ts',
          'electron-only-till-contract-core: electron/main/hq.ts -> hq/services/push.ts',
          'no-circular: core/a.ts -> core/b.ts -> core/a.ts',
          'no-circular: db/sale.ts -> sync/client.ts -> till/api/handlers.ts -> db/sale.ts',
          'not-to-unresolvable: electron/main.ts -> ./nowhere',
          'renderer-no-node: renderer/node.ts -> fs',
          'renderer-not-to-db: renderer/screen.ts -> db/sale.ts',
          'renderer-not-to-db: renderer/typed.ts -> db/sale.ts',
          'renderer-types-only-from-till-api: renderer/sync-type.ts -> sync/client.ts',
          'renderer-types-only-from-till-api: renderer/typed.ts -> db/sale.ts',
          'renderer-values-only-from-contract-core: renderer/node.ts -> fs',
          'renderer-values-only-from-contract-core: renderer/screen.ts -> db/sale.ts',
          'sync-not-to-hq: sync/hq.ts -> hq/services/push.ts',
          'renderer-values-only-from-contract-core: renderer/value.ts -> till/api/handlers.ts',
          'sync-below-till: sync/client.ts -> till/api/handlers.ts',
          'till-browser-no-node-builtins: till/browser/worker.ts -> fs',
          'till-browser-not-node: till/browser/worker.ts -> till/node/store.ts',
          'till-not-to-processes-or-screens: till/browser/worker.ts -> renderer/screen.ts',
          'till-shared-no-node: till/open.ts -> fs',
          'till-shared-runs-anywhere: till/open.ts -> till/node/store.ts',
        ].sort(),
      );
    }, 120_000);
  });
});
