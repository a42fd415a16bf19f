// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A relative import that climbs into another package's folder: packages import each other by package name. */
const CROSS_PACKAGE = '^(\\.\\./)+(packages/[^/]+|fastify-server|servicedesk|emulator|demo)/';

export default tseslint.config(
  // The examples are type-checked and built on their own, against the packed packages (scripts/examples.ts).
  { ignores: ['**/node_modules/', '**/dist/', 'coverage/', 'test-artifacts/', '.scratch/', '.pack/', 'examples/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      // Every switch over a discriminated union names every case (or says why it has a default).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: CROSS_PACKAGE, message: 'Import another package by its name, not by a path into its folder.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['packages/emulator/src/console/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The emulator's agent console: a classic script the browser loads as it is (no bundler, no Node).
    files: ['packages/emulator/src/console/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
);
