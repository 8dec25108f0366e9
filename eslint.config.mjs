// Lint config for the TypeScript engine, CLI, extension, webview, tests and benchmarks (flat config, offline).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', '**/node_modules/**', 'models/**', 'training/**', '.venv/**', 'bench/peers/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // The layers and what each may import (docs/architecture.md, "Layers"). An import string is matched as
  // written, so a rule names the folder it refuses wherever it sits on the relative path.
  ...layer(['src/engine/**/*.ts'], 'the engine (used by the CLI, the engine process and the benchmarks)', [
    ...folders('cli', 'bench', 'shared', 'bin', 'extension', 'webview'),
  ]),
  ...layer(['src/common/**/*.ts'], 'src/common (loaded in the extension host and the browser)', [
    ...folders('engine', 'cli', 'bench', 'shared', 'bin', 'extension', 'webview'),
    { regex: '^node:', message: 'src/common also runs in the browser.' },
  ]),
  ...layer(['src/webview/**/*.ts'], 'the webview (a browser page; it talks to the extension by messages only)', [
    ...folders('engine', 'cli', 'bench', 'shared', 'bin', 'extension'),
    { regex: '^node:', message: 'The webview runs in the browser.' },
  ]),
  ...layer(['src/shared/**/*.ts'], 'src/shared (helpers of the CLI and the benchmarks)', [
    ...folders('cli', 'bench', 'bin', 'extension', 'webview'),
  ]),
  ...layer(['src/cli/**/*.ts'], 'the CLI', [...folders('bench', 'bin', 'extension', 'webview')]),
  ...layer(['bench/**/*.ts'], 'the benchmarks', [...folders('cli', 'bin', 'extension', 'webview')]),
  ...layer(['src/bin/**/*.ts'], 'the steer executable', [...folders('extension', 'webview')], {}),
  ...layer(
    ['src/extension/**/*.ts'],
    'the extension',
    [
      ...folders('cli', 'bench', 'shared', 'bin', 'webview'),
      {
        regex: '(^|/)engine(/(?!extension-api$)|$)',
        message: 'The extension imports the engine through src/engine/extension-api.ts only.',
      },
    ],
    { vscode: false },
  ),
);

/** A pattern per folder that a layer must not import. */
function folders(...names) {
  return names.map((name) => ({ regex: `(^|/)${name}(/|$)`, message: `Layer rule: no imports from ${name}/.` }));
}

/**
 * One layer's import rule: `patterns` it may not import, and `vscode` unless `options.vscode` is false.
 * Each rule's message says which layer refused it.
 */
function layer(files, name, patterns, options = {}) {
  const paths = options.vscode === false ? [] : [{ name: 'vscode', message: 'Only src/extension may import vscode.' }];
  return [
    {
      files,
      ...(options.ignores ? { ignores: options.ignores } : {}),
      rules: {
        'no-restricted-imports': [
          'error',
          { paths, patterns: patterns.map((p) => ({ ...p, message: `${p.message} (${name})` })) },
        ],
      },
    },
  ];
}
