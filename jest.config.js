// Tiers: `unit` (pure logic and services' rules over in-memory repositories, no I/O), `repository`
// (each repository on the real PostgreSQL) and `e2e` (the real apps on PostgreSQL and Redis), plus
// `resilience` and `browser` (the web app in Chromium) journeys on the same real stack.
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

const shared = {
  // content-disposition (used by @fastify/static), @scure/base and @noble/hashes (otplib's base32 and HMAC) ship ESM only,
  // which Jest cannot require. Only the innermost node_modules folder of a path decides.
  transform: { '^.+\\.ts$': ['@swc/jest', swc], '/node_modules/(content-disposition|@scure/base|@noble/hashes)/.+\\.js$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@scure/base|@noble/hashes)/)(?!.*/node_modules/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@kindred/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/tests/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/setup/e2e-timeout.ts', '<rootDir>/tests/setup/mailbox-setup.ts'],
    },
    {
      // Each repository against the real, migrated PostgreSQL: its SQL and row mapping, nothing else.
      ...shared,
      displayName: 'repository',
      testMatch: ['<rootDir>/tests/repository/**/*.repository-spec.ts'],
      globalSetup: '<rootDir>/tests/setup/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/setup/e2e-timeout.ts'],
    },
    {
      ...shared,
      displayName: 'resilience',
      testMatch: ['<rootDir>/tests/resilience/**/*.resilience-spec.ts'],
      globalSetup: '<rootDir>/tests/resilience/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/setup/resilience-timeout.ts', '<rootDir>/tests/setup/mailbox-setup.ts'],
    },
    {
      // The deployment of docs/DEPLOYMENT.md on this machine: HAProxy, two of each service, Redis with
      // Sentinel, PostgreSQL with a streaming replica, and a fault at a time under load.
      ...shared,
      displayName: 'cluster',
      testMatch: ['<rootDir>/tests/cluster/**/*.cluster-spec.ts'],
      globalSetup: '<rootDir>/tests/cluster/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/cluster/cluster-timeout.ts', '<rootDir>/tests/setup/mailbox-setup.ts'],
    },
    {
      // The web app in real Chromium (playwright-core) against the real forum, chat and worker.
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/tests/browser/**/*.browser-spec.ts'],
      globalSetup: '<rootDir>/tests/browser/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/tests/browser/browser-timeout.ts', '<rootDir>/tests/setup/mailbox-setup.ts'],
    },
  ],
};
