// Lint config for the TypeScript engine, CLI, tests and benchmarks (flat config, offline).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'models/**', 'training/**', '.venv/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['src/engine/**/*.ts', 'src/cli/**/*.ts', 'test/engine/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The engine must not import vscode.' }] }],
    },
  },
);
