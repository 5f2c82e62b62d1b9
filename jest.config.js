/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Integration tests share one Temporal dev server and one MariaDB: run files one at a time.
  maxWorkers: 1,
  testTimeout: 120_000,
};
