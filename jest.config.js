/** Jest runs the TypeScript sources directly (transformed by SWC); `tsc` type-checks separately. */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

const { availableParallelism } = require('node:os');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  // jose, typebox 1.x and cookie 2 (under Fastify's inject) ship ESM only; Jest (CommonJS here) compiles them like our sources.
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/(jose|typebox|cookie)@[^/]+/node_modules/)?(jose|typebox|cookie)/)',
  ],
  testMatch: [
    '<rootDir>/packages/*/src/**/*.test.ts',
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/fastify-server/**/*.test.ts',
    '<rootDir>/e2e/**/*.test.ts',
  ],
  // Browser E2E (e2e/): the demo's production build is made once per run, by the first E2E file that needs it.
  globalSetup: '<rootDir>/e2e/global-setup.ts',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Most test files spend their time waiting on loopback sockets, timers and the browser, not on the CPU: two workers
  // at least, even on two cores (Jest's own default, one fewer than the cores, runs a 2-core machine's files one by one).
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // Integration tests start real servers on loopback; give slow CI machines room.
  testTimeout: 30000,
  collectCoverageFrom: ['packages/*/src/**/*.ts', 'fastify-server/src/**/*.ts', '!**/*.test.ts'],
  coverageReporters: ['text-summary', 'lcov'],
};
