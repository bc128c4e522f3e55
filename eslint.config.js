// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'dist-electron/**',
      'dist-web/**',
      'dist-console/**',
      'release/**',
      '.data/**',
      'test-results/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  // Import direction, as in .dependency-cruiser.cjs (the authority, checked by
  // test/architecture/import-direction.test.ts, which also sees cycles). These rules say the
  // same while you type: renderer -> contract, core (+ type-only till API); electron -> till,
  // contract, core; till -> sync, db, core, contract; db -> core, contract; contract -> core;
  // core -> nothing of ours.
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/contract/**',
                '**/db/**',
                '**/sync/**',
                '**/hq/**',
                '**/till/**',
                '**/electron/**',
                '**/renderer/**',
              ],
              message: 'core/ is pure rules: it imports only core/.',
            },
            { group: ['node:*'], message: 'core/ does no I/O.' },
          ],
        },
      ],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/db/**',
                '**/sync/**',
                '**/hq/**',
                '**/till/**',
                '**/electron/**',
                '**/renderer/**',
              ],
              message: 'contract/ imports only contract/, core/ and zod.',
            },
            { group: ['node:*'], message: 'contract/ is schemas and types, no I/O.' },
          ],
        },
      ],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sync/**', '**/electron/**', '**/renderer/**', '**/hq/**', '**/till/**'],
              message: 'db/ imports only core/ and contract/ (and db/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/till/**', '**/electron/**', '**/renderer/**'],
              message: 'sync/ sits below the till host.',
            },
            {
              group: ['**/hq/**'],
              message: "The till's sync client talks to HQ over HTTP, never through HQ's code.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['hq/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sync/**', '**/till/**', '**/electron/**', '**/renderer/**'],
              message: 'hq/ is its own app: it imports db/, core/ and contract/ (and hq/).',
            },
            {
              // Top-level test/, bench/ and demo/ (two or more '../' from an hq file).
              regex: '^(\\.\\./){2,}(test|bench|demo)/',
              message: 'hq/ imports no test fixtures, benchmarks or the demo.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['till/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**', '**/hq/**'],
              message:
                'till/ is served by electron/ and the browser worker; it never imports them.',
            },
          ],
        },
      ],
    },
  },
  {
    // The shared till host runs in Node and in the browser's Web Worker.
    files: ['till/*.ts', 'till/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '**/node/**', '**/browser/**', '**/cli/**'],
              message:
                'The shared till host runs in Node and in a Web Worker: the platform is passed in.',
            },
            {
              group: ['**/electron/**', '**/renderer/**', '**/hq/**'],
              message:
                'till/ is served by electron/ and the browser worker; it never imports them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/launch/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/**', '!**/db/logger', '**/sync/**', '**/hq/**', '**/renderer/**'],
              message: 'electron/ reaches the database and sync only through till/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/**'],
              message: 'The renderer takes the till API types from contract/ (till-api/).',
            },
            { group: ['**/hq/**'], message: 'The renderer never imports HQ (hq/).' },
            {
              // Top-level folders only (renderer/features/sync/ is a screen): two or more '../'
              // from a renderer file. The cruiser resolves paths exactly; this approximates.
              regex: '^(\\.\\./){2,}(electron|sync|till)/',
              allowTypeImports: true,
              message:
                'The renderer imports only types from the till API; values come from contract/ and core/.',
            },
            { group: ['node:*', 'pg'], message: 'The page has no Node.' },
          ],
        },
      ],
    },
  },
  {
    // Command-line entry points, benchmarks and tests may print.
    files: [
      '**/cli/**/*.ts',
      'bench/**/*.ts',
      'demo/**/*.ts',
      'scripts/**/*.ts',
      'test/**/*.ts',
      '**/*.test.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS config files (.dependency-cruiser.cjs).
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    // Plain Node scripts (npm lifecycle hooks).
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
);
