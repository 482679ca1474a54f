// Lint rules. The ones that matter most: src/engine and src/models stay pure TypeScript (no `vscode`,
// no Node built-ins, no DOM), so the same engine and model readers run in the extension host, a
// worker, the CLI and tests; src/runtime (sessions, stepping, cancellation) imports no `vscode` and
// no Node built-ins either, only src/engine and src/models, so the views and a debug adapter adapt
// it at the edge. src/debug (the debug adapter) adds @vscode/debugadapter to what src/runtime may use.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map(m => `node:${m}`)];

/** Globals no layer below the edge may touch: the DOM's and Node's. */
const HOST_GLOBALS = ['window', 'document', 'navigator', 'process', 'require', 'Buffer', '__dirname'];

/**
 * One row per layer under src/: the sibling folders it may import (besides itself), the globals it
 * must not use, and the reason the messages give. Timers and AbortController are in every JS runtime;
 * the engine and the model readers do without even timers and console, the debug adapter without
 * eval and Function (nothing it reads is ever run as code).
 */
const LAYERS = [
  { folder: 'engine', mayImport: [], globals: [...HOST_GLOBALS, 'setTimeout', 'console'],
    why: 'src/engine is pure: adapt it at the edge (src/runtime, src/views)' },
  { folder: 'models', mayImport: ['engine'], globals: [...HOST_GLOBALS, 'setTimeout', 'console'],
    why: 'src/models is pure: the caller reads the file and passes its bytes' },
  { folder: 'runtime', mayImport: ['engine', 'models'], globals: HOST_GLOBALS,
    why: 'src/runtime has no VS Code in it and runs anywhere: adapt it at the edge (src/views, src/commands.ts) and inject Node built-ins' },
  { folder: 'debug', mayImport: ['engine', 'models', 'runtime'], globals: [...HOST_GLOBALS, 'eval', 'Function'],
    why: 'src/debug speaks DAP through @vscode/debugadapter, never VS Code\'s API (src/views serves it in-process, src/debugAdapter.ts standalone and injects file reading)' },
];

/** The lint blocks of one layer: its own files, and those in folders below it (one more `../`). */
function layerRules({ folder, mayImport, globals, why }) {
  const allowed = [folder, ...mayImport];
  return [['*.ts', '../'], ['*/**/*.ts', '../../']].map(([files, up]) => ({
    files: [`src/${folder}/${files}`],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: `${why}.` },
          ...nodeBuiltins.map(name => ({ name, message: `${why}: no Node built-ins.` }))],
        patterns: [{ group: [`${up}*`, ...allowed.flatMap(f => [`!${up}${f}`, `!${up}${f}/*`])],
          message: `src/${folder} imports only ${allowed.map(f => `src/${f}`).join(', ')}.` }],
      }],
      'no-restricted-globals': ['error', ...globals.map(name => ({ name, message: `${why}: not ${name}.` }))],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-output/**', '*.vsix', 'dist-vsix/**', '.host/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...LAYERS.flatMap(layerRules),
  {
    files: ['**/*.mjs', 'scripts/**', 'test/e2e/**', 'test/host/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
