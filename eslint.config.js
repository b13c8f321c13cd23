// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'console/dist/', 'dist/', 'coverage/', 'console/**/*.vue'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits is a failure nobody sees.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code must be deterministic: no Node built-ins, no I/O layers, nothing but the
    // workflow SDK, pure domain code and activity *types*.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.' })),
          patterns: [
            { group: ['**/db', '**/db/**'], message: 'Workflows never touch the database: call an activity.' },
            { group: ['**/channels', '**/channels/**'], message: 'Workflows never call channels: call an activity.' },
            { group: ['@mikro-orm/*'], message: 'Workflows never touch the ORM: call an activity.' },
            { group: ['**/api/**', '**/config/**', 'hono', 'hono/*', 'pino', 'pg'], message: 'Not allowed in workflow code.' },
            { group: ['**/activities/**', '**/activities'], allowTypeImports: true, message: 'Import activities as types only (import type).' },
          ],
        },
      ],
    },
  },
);
