// @ts-check
import tseslint from 'typescript-eslint';

const NODE_IO = ['child_process', 'cluster', 'dgram', 'dns', 'dns/promises', 'fs', 'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'perf_hooks', 'process', 'readline', 'readline/promises', 'stream', 'stream/promises', 'timers', 'timers/promises', 'tls', 'v8', 'vm', 'worker_threads'];
const NODE_BUILTINS = ['assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.tmp/**', 'bin/**', 'scripts/**/*.js', 'jest.config.js', 'eslint.config.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    // The product is built and run without tools/ (the fault harness and the oracle are test tooling): tools may
    // import the product, never the other way round. (src/workflows: the stricter list below replaces this one.)
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/tools/**'], message: 'Product code must not import test tooling (tools/).' }] }],
    },
  },
  {
    // Temporal's rules for workflow code: it runs in a deterministic sandbox and is replayed from history, so no
    // Node built-ins, no I/O, no clients or activity implementations (types only), no wall clock, no randomness.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
          { name: '@temporalio/activity', message: 'Activities run in the worker, not in workflow code.' },
          { name: '@temporalio/client', message: 'Workflow code talks to Temporal through @temporalio/workflow only.' },
          { name: '@temporalio/worker', message: 'Workflow code must not import the worker.' },
          { name: 'knex', message: 'No I/O in workflow code.' },
          { name: 'mysql2', message: 'No I/O in workflow code.' },
          { name: 'objection', message: 'No I/O in workflow code.' },
        ],
        patterns: [
          { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activity types only (import type).' },
          { group: ['**/db/**', '**/cli/**', '**/worker'], message: 'No I/O in workflow code.' },
        ],
      }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Not deterministic: use the workflow API (uuid4 or a seeded value).' },
        { object: 'Date', property: 'now', message: 'Use workflow time (activity results, workflowInfo()) instead.' },
      ],
    },
  },
  {
    // The run state is what the workflow's unit tests drive without a server: Temporal types only, no Temporal code.
    // (typescript-eslint's copy of the rule, so it adds to the workflow rules above instead of replacing them.)
    files: ['src/workflows/runState.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['@temporalio/*'], allowTypeImports: true, message: 'The run state is pure: import Temporal types only.' }],
      }],
    },
  },
  {
    // The rules of the sync (normalise, plan, versions, cursors) are pure functions of their input: no database, no
    // Temporal, no Node I/O, and nothing from the layers that do those things. Hashing (node:crypto) is allowed.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...NODE_IO.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'Domain code does no I/O.' })),
          ...['knex', 'mysql2', 'mysql2/promise', 'objection'].map((name) => ({ name, message: 'Domain code does not talk to the database.' })),
        ],
        patterns: [
          { group: ['@temporalio/*'], message: 'Domain code knows nothing of Temporal.' },
          { group: ['**/db', '**/db/**', '**/activities', '**/activities/**', '**/workflows', '**/workflows/**', '**/temporal', '**/temporal/**', '**/cli', '**/cli/**', '**/worker'], message: 'Domain code imports only domain code.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'Domain code reads no environment and no process state: take it as an argument.' }],
    },
  },
  // The layering of docs/architecture.md: each layer imports only the ones below it (and never test tooling).
  ...[
    ['src/shared/**/*.ts', ['db', 'activities', 'workflows', 'cli', 'client', 'temporal', 'worker', 'demo', 'bench']],
    ['src/db/**/*.ts', ['activities', 'workflows', 'cli', 'client', 'temporal', 'worker', 'demo', 'bench']],
    ['src/activities/**/*.ts', ['workflows', 'cli', 'client', 'worker', 'demo', 'bench']],
    ['src/client/**/*.ts', ['activities', 'db', 'cli', 'worker', 'demo', 'bench']],
  ].map(([files, below]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/tools/**'], message: 'Product code must not import test tooling (tools/).' },
          // Relative paths only: `**/client` would also match the package @temporalio/client.
          { group: below.flatMap((d) => ['..', '../..', '../../..'].flatMap((up) => [`${up}/${d}`, `${up}/${d}/**`])), message: `${files.split('/')[1]} may not import ${below.join(', ')} (docs/architecture.md).` },
        ],
      }],
    },
  })),
);
