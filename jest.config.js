/** Jest runs the TypeScript sources directly (transformed by SWC); `tsc` type-checks separately. */
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  // jose ships ESM only; Jest (CommonJS here) needs it compiled like our sources.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/jose@[^/]+/node_modules/)?jose/)'],
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/fastify-server/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Integration tests start real servers on loopback; give slow CI machines room.
  testTimeout: 30000,
  collectCoverageFrom: ['packages/*/src/**/*.ts', 'fastify-server/src/**/*.ts', '!**/*.test.ts'],
  coverageReporters: ['text-summary', 'lcov'],
};
