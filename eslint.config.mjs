// Lint rules. The ones that matter most: src/engine and src/models stay pure TypeScript (no `vscode`,
// no Node built-ins, no DOM), so the same engine and model readers run in the extension host, a
// worker, the CLI and tests; src/runtime (sessions, stepping, cancellation) imports no `vscode` and
// no Node built-ins either, only src/engine and src/models, so the views and a debug adapter adapt
// it at the edge. src/debug (the debug adapter) adds @vscode/debugadapter to what src/runtime may use.
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
        paths: [{ name: 'vscode', message: 'src/engine is pure: adapt it at the edge (src/runtime, src/views).' },
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
        paths: [{ name: 'vscode', message: 'src/engine is pure: adapt it at the edge (src/runtime, src/views).' },
          ...nodeBuiltins.map(name => ({ name, message: 'src/engine is pure: no Node built-ins.' }))],
        patterns: [{ group: ['../../*', '!../../engine/*'], message: 'src/engine imports nothing outside src/engine.' }],
      }],
    },
  },
  {
    files: ['src/runtime/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/runtime has no VS Code in it: adapt it at the edge (src/views, src/commands.ts).' },
          ...nodeBuiltins.map(name => ({ name, message: 'src/runtime runs anywhere: no Node built-ins (inject them, like the trace worker).' }))],
        patterns: [{ group: ['../*', '!../engine', '!../engine/*', '!../models', '!../models/*'], message: 'src/runtime imports only src/runtime, src/engine and src/models.' }],
      }],
      // timers (the debounce's default scheduler) and AbortController are in every JS runtime; the rest is Node's or the DOM's
      'no-restricted-globals': ['error',
        ...['window', 'document', 'navigator', 'process', 'require', 'Buffer', '__dirname', 'console']
          .map(name => ({ name, message: 'src/runtime runs anywhere: no DOM or Node globals.' }))],
    },
  },
  {
    // src/debug is the debug adapter over the runtime: it speaks DAP through @vscode/debugadapter,
    // never VS Code's API (served in-process by src/views, standalone by src/debugAdapter.ts), and
    // the standalone entry injects Node's file reading, so no Node built-ins either.
    files: ['src/debug/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/debug has no VS Code in it: src/views serves it in-process (DebugAdapterInlineImplementation).' },
          ...nodeBuiltins.map(name => ({ name, message: 'src/debug runs anywhere: inject Node built-ins from src/debugAdapter.ts.' }))],
        patterns: [{ group: ['../*', '!../engine', '!../engine/*', '!../models', '!../models/*', '!../runtime', '!../runtime/*', '!../debug/*'], message: 'src/debug imports only src/debug, src/runtime, src/engine, src/models and @vscode/debugadapter.' }],
      }],
      'no-restricted-globals': ['error',
        ...['window', 'document', 'navigator', 'process', 'require', 'Buffer', '__dirname', 'eval', 'Function']
          .map(name => ({ name, message: 'src/debug: no DOM or Node globals, and nothing read is ever run as code.' }))],
    },
  },
  {
    // src/models reads model files from bytes the caller passes in: the same purity as src/engine
    // (no vscode, no Node built-ins, no DOM or Node globals); it may import engine types only.
    files: ['src/models/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/models is pure: the caller reads the file and passes its bytes.' },
          ...nodeBuiltins.map(name => ({ name, message: 'src/models is pure: no Node built-ins (the caller passes a Uint8Array).' }))],
        patterns: [{ group: ['../*', '!../engine', '!../engine/*', '!../models/*'], message: 'src/models imports only src/models and src/engine (types).' }],
      }],
      'no-restricted-globals': ['error',
        ...['window', 'document', 'navigator', 'process', 'require', 'Buffer', '__dirname', 'setTimeout', 'console']
          .map(name => ({ name, message: 'src/models is pure: no DOM or Node globals.' }))],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'test/e2e/**', 'test/host/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
