// Lint rules. The one that matters most: src/engine stays pure TypeScript (no `vscode`, no Node
// built-ins, no DOM), so the same engine runs in the extension host, a worker, the CLI and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map(m => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-output/**', '*.vsix', 'dist-vsix/**', '.host/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/engine is pure: adapt it at the edge (src/session, src/views).' },
          ...nodeBuiltins.map(name => ({ name, message: 'src/engine is pure: no Node built-ins.' }))],
        patterns: [{ group: ['../*', '!../engine/*'], message: 'src/engine imports nothing outside src/engine.' }],
      }],
      'no-restricted-globals': ['error',
        ...['window', 'document', 'navigator', 'process', 'require', 'Buffer', '__dirname', 'setTimeout', 'console']
          .map(name => ({ name, message: 'src/engine is pure: no DOM or Node globals.' }))],
    },
  },
  {
    // a folder inside src/engine (src/engine/spec): its parent is src/engine itself
    files: ['src/engine/*/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/engine is pure: adapt it at the edge (src/session, src/views).' },
          ...nodeBuiltins.map(name => ({ name, message: 'src/engine is pure: no Node built-ins.' }))],
        patterns: [{ group: ['../../*', '!../../engine/*'], message: 'src/engine imports nothing outside src/engine.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'test/e2e/**', 'test/host/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
