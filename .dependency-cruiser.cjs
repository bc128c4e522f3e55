// @ts-check
/**
 * Import direction, enforced (issue 16; the floor plan is in README.md "Architecture"):
 *
 *   renderer -> contract, core (+ type-only imports of the till API and the preload bridge)
 *   electron -> till, contract, core            till -> sync, db, core, contract
 *   sync -> db, core, contract                  db -> core, contract
 *   hq -> db, core, contract                    (HQ is its own app: nothing imports hq/ but its
 *                                                CLIs, tests, bench, the demo and the launcher)
 *   contract -> core                            core -> (nothing of ours)
 *   and no import cycles anywhere.
 *
 * Checked by test/architecture/import-direction.test.ts (unit project, so `npm run check`
 * runs it); `npm run lint:imports` prints the same verdict. eslint.config.js carries the same
 * boundaries as no-restricted-imports so an editor shows them while typing; this file is the
 * authority (it also sees cycles, type-only imports and resolved paths).
 */

/** The renderer's own code: the shell and the screens. */
const RENDERER = '^renderer/';
/**
 * The till host's shared part (open sequence, API, background work) runs both in Node and in
 * the browser's Web Worker: no Node built-ins, no platform folder. till/node/ and till/cli/ are
 * Node; till/browser/ is the Web Worker.
 */
const TILL_SHARED = '^till/(?!node/|browser/|cli/)';

/** npm packages core/ may use: validation, UUIDs, and vitest in its tests. */
const CORE_PACKAGES = '^node_modules/(zod|uuid|vitest|@vitest)/';
/** npm packages contract/ may use. */
const CONTRACT_PACKAGES = '^node_modules/(zod|vitest|@vitest)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Import cycles hide which module owns what and make load order matter. Break the ' +
        'cycle by moving the shared part down a layer (core/ or contract/).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'renderer-not-to-db',
      severity: 'error',
      comment:
        'The renderer talks to the till only through the typed bridge; the types it names ' +
        'come from contract/ (till-api/, errors.ts), never from db/ - not even type-only.',
      from: { path: RENDERER },
      to: { path: '^db/' },
    },
    {
      name: 'renderer-values-only-from-contract-core',
      severity: 'error',
      comment:
        'A value the renderer imports runs in the page: only contract/, core/, its own code ' +
        'and npm packages. Anything else of ours is type-only (see the next rule).',
      from: { path: RENDERER },
      to: {
        pathNot: ['^renderer/', '^contract/', '^core/', '^node_modules/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'renderer-types-only-from-till-api',
      severity: 'error',
      comment:
        'Type-only imports outside contract/ and core/ are allowed from the till API ' +
        '(till/api/: `type TillApi`) and the preload bridge only.',
      from: { path: RENDERER },
      to: {
        pathNot: [
          '^renderer/',
          '^contract/',
          '^core/',
          '^node_modules/',
          '^electron/preload/bridge\\.ts$',
          '^till/api/',
        ],
        dependencyTypes: ['type-only'],
      },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      comment: 'The page has no Node: no node: built-ins in renderer code.',
      from: { path: RENDERER },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'electron-only-till-contract-core',
      severity: 'error',
      comment:
        'electron/ is only processes: it serves till/ and speaks contract/. It reaches the ' +
        'database and sync only through till/. db/logger.ts (the Logger interface every layer ' +
        'takes) is the one db/ module it may name; the launcher (electron/launch/) also starts ' +
        'a local HQ for npm start / npm run web.',
      from: { path: '^electron/', pathNot: '^electron/launch/' },
      to: { path: '^(db|sync|hq|renderer)/', pathNot: '^db/logger\\.ts$' },
    },
    {
      name: 'till-not-to-processes-or-screens',
      severity: 'error',
      comment:
        'till/ is the host electron/ and the browser worker serve; it never imports them, ' +
        'nor screens, nor HQ.',
      from: { path: '^till/' },
      to: { path: '^(electron|renderer|hq)/' },
    },
    {
      name: 'till-shared-runs-anywhere',
      severity: 'error',
      comment:
        'The shared till host (till/*.ts, till/api/) runs in Node and in a Web Worker: no ' +
        'Node built-ins, no import of a platform folder (the platform is passed in).',
      from: { path: TILL_SHARED },
      to: { path: '^till/(node|browser|cli)/' },
    },
    {
      name: 'till-shared-no-node',
      severity: 'error',
      comment: 'No node: built-ins in the shared till host (it also runs in the browser).',
      from: { path: TILL_SHARED },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'till-browser-not-node',
      severity: 'error',
      comment: 'The browser platform never imports the Node platform, nor Node built-ins.',
      from: { path: '^till/browser/' },
      to: { path: '^till/(node|cli)/' },
    },
    {
      name: 'till-browser-no-node-builtins',
      severity: 'error',
      comment: 'The Web Worker has no Node.',
      from: { path: '^till/browser/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'db-only-core-contract',
      severity: 'error',
      comment:
        'db/ is schema and queries: it imports core/, contract/ and npm packages, never ' +
        'sync/, till/, electron/, renderer/ or hq/, nor test/ or bench/.',
      from: { path: '^db/', pathNot: '\\.(db|pg)\\.test\\.ts$|\\.test\\.ts$' },
      to: {
        pathNot: ['^db/', '^core/', '^contract/', '^node_modules/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'db-tests-not-to-upper-layers',
      severity: 'error',
      comment: "db/'s tests may use test/ fixtures, but not the layers above db/.",
      from: { path: '^db/.*\\.test\\.ts$' },
      to: { path: '^(sync|electron|renderer|hq|till)/' },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment:
        'core/ is pure rules: it imports only core/ (plus zod, uuid and vitest), no I/O, ' +
        'no Node built-ins, nothing else of ours.',
      from: { path: '^core/' },
      to: { pathNot: ['^core/', CORE_PACKAGES] },
    },
    {
      name: 'contract-only-core',
      severity: 'error',
      comment: 'contract/ is boundary schemas and their types: it imports contract/, core/, zod.',
      from: { path: '^contract/' },
      to: { pathNot: ['^contract/', '^core/', CONTRACT_PACKAGES] },
    },
    {
      name: 'sync-below-till',
      severity: 'error',
      comment:
        "sync/ is the till's sync client, below the till host: it never imports till/, " +
        'electron/ or renderer/.',
      from: { path: '^sync/' },
      to: { path: '^(till|electron|renderer)/' },
    },
    {
      name: 'sync-not-to-hq',
      comment:
        "sync/ is the till's sync client: it speaks to HQ over HTTP (contract/sync-protocol/), " +
        "never by importing HQ's code.",
      severity: 'error',
      from: { path: '^sync/' },
      to: { path: '^hq/' },
    },
    {
      name: 'hq-only-db-core-contract',
      severity: 'error',
      comment:
        'hq/ is HQ as its own app: it imports db/, core/, contract/, npm packages and Node, ' +
        'never the till (sync/, till/), electron/ or renderer/, nor test/ or bench/.',
      from: { path: '^hq/' },
      to: {
        pathNot: ['^hq/', '^db/', '^core/', '^contract/', '^node_modules/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'nothing-imports-hq',
      severity: 'error',
      comment:
        "Only HQ's own code (its CLIs live in hq/cli/), the tests, the benchmarks, the demo and " +
        'the launcher that starts a local HQ (electron/launch/) may import hq/. (sync/ has its ' +
        'own rule above.)',
      from: { pathNot: ['^hq/', '^test/', '^bench/', '^demo/', '^electron/launch/', '^sync/'] },
      to: { path: '^hq/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve would hide a dependency from every rule above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count: the renderer rules tell them apart, and cycles through types
    // are still cycles for a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '^node_modules/' },
    exclude: { path: '^(node_modules|dist|dist-electron|dist-web|dist-console|release|\\.data)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
