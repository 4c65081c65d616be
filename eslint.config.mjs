// ESLint for LeakLint's own code (not the fixtures, examples or generated bundles): typescript-eslint's
// recommended rules, and lines of at most 140 characters (Prettier formats to that width; strings it cannot break
// are broken by hand).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.e2e/', '.bench-cache/', '.scratch/', 'test/fixtures/', 'examples/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: true }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // the LSP test client handles untyped JSON-RPC messages
  { files: ['test/lsp-client.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // the end-to-end suites run in VS Code's extension host (mocha) and evaluate code in the workbench page
  { files: ['test/e2e/**'], languageOptions: { globals: { ...globals.node, ...globals.mocha, ...globals.browser } } },
);
