// Lint: TypeScript rules everywhere, module boundaries between projects (Nx tags), and a pure
// workflow sandbox: workflow code may not import Node built-ins, ws, DB drivers or the Temporal
// client/worker/activity/testing packages (the workflow bundle test is the backstop).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);
const sandboxBanned = ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing', 'ws', 'better-sqlite3', 'pg'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/generated/**', '**/*.js', '**/*.cjs', '**/*.mjs', 'bench/**/.venv/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // The CLI imports workspace libraries both ways: statically, and with import() where a command
          // loads them on demand (its bundle splits there). That is not Angular-style lazy routing.
          checkDynamicDependenciesExceptions: ['@slab/**'],
          depConstraints: [
            { sourceTag: 'runtime:sandbox', onlyDependOnLibsWithTags: ['runtime:sandbox', 'runtime:universal'], bannedExternalImports: sandboxBanned },
            { sourceTag: 'runtime:universal', onlyDependOnLibsWithTags: ['runtime:universal', 'runtime:sandbox'], bannedExternalImports: sandboxBanned },
            { sourceTag: 'runtime:browser', onlyDependOnLibsWithTags: ['runtime:browser', 'runtime:universal', 'runtime:sandbox', 'runtime:node'], bannedExternalImports: ['@temporalio/*', 'better-sqlite3'] },
            { sourceTag: 'runtime:node', onlyDependOnLibsWithTags: ['runtime:node', 'runtime:sandbox', 'runtime:universal'] },
            { sourceTag: 'type:util', notDependOnLibsWithTags: ['type:app', 'type:worker'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:workflows'] },
            { sourceTag: 'type:workflows', notDependOnLibsWithTags: ['type:app', 'type:worker', 'type:activities'] },
            { sourceTag: 'type:activities', notDependOnLibsWithTags: ['type:app', 'type:worker'] },
            { sourceTag: 'type:worker', notDependOnLibsWithTags: ['type:app'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      // Numeric code indexes typed arrays by construction; the assertion is the honest form.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox.
    files: ['libs/orchestration/src/**/*.ts', 'libs/spec/src/**/*.ts', 'libs/laws/src/**/*.ts', 'libs/planner/src/**/*.ts', 'libs/proto/src/**/*.ts', 'libs/api/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'libs/laws/src/parallel*.ts', 'libs/laws/src/node/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nodeBuiltins, ...sandboxBanned].map((name) => ({ name, message: 'not allowed in sandbox-safe/universal code' })) }],
    },
  },
  {
    files: ['libs/orchestration/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['apps/console/web/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nodeBuiltins, ...sandboxBanned, '@temporalio/workflow'].map((name) => ({ name, message: 'not available in the browser' })) }],
    },
  },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
];
