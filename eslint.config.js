import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Packages are used through their public entries only (package.json "exports"): no deep import of
// another package, and no relative path into its src/. Tests may reach internals (they mirror them).
const publicEntriesOnly = [
  { group: ['@sinbin/*/*', '!@sinbin/scoring/fast', '!@sinbin/scoring/deep', '!@sinbin/scoring/terms', '!@sinbin/scoring/limits', '!@sinbin/scoring/ngram-table', '!@sinbin/runtime/embedded', '!@sinbin/runtime/stack', '!@sinbin/contract/browser', '!@sinbin/contract/legacy-names', '!@sinbin/stores/lmdb'], message: 'import a package through its public entries (@sinbin/<package>, @sinbin/scoring/fast|deep|terms|limits|ngram-table, @sinbin/runtime/embedded|stack, @sinbin/stores/lmdb)' },
  { regex: '(^|/)(shared/[a-z-]+|runtime)/src(/|$)', message: 'another package\'s internals: import it as @sinbin/<package>' },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'models/.venv/**', 'models/work/**', '.run/**', 'bench/lang/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/*/src/**', 'runtime/src/**', 'functions/**', 'cli/**', 'bench/**', 'scripts/**', 'ui/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: publicEntriesOnly }] },
  },
  {
    // The contract is what everything else agrees on: zod, Node's built-ins and itself, nothing more.
    files: ['shared/contract/src/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|node:|\\.)', message: 'the contract depends on zod alone and imports no adapter' }] }],
    },
  },
  {
    // A function's core is pure: no transport, no node: modules, no clock or randomness of its own.
    files: ['functions/*/src/core.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...publicEntriesOnly, { group: ['node:*', 'kafkajs', 'pino', 'pg', '@sinbin/runtime', '@sinbin/stores'], message: 'cores stay pure: inject ports instead' }] },
      ],
    },
  },
);
