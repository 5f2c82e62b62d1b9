// @ts-check
import tseslint from 'typescript-eslint';

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
);
