// Builds the esbuild bundles: the extension (node/cjs, `vscode` external), the trace and train workers,
// the engine's second-core helper thread, the
// chart panel's and the model editor's browser code (iife, DOM), the command-line tool and the
// standalone debug adapter (node/cjs). Type checking is a
// separate `tsc --noEmit` (npm run typecheck); esbuild only strips types. The engine's WebAssembly
// kernels (src/engine/wasm/*.wat) are assembled here from their text and embedded in the bundles
// that import them (scripts/wat.mjs).
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { watPlugin } from './wat.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
// mainFields: prefer ES modules, so jsonc-parser bundles from lib/esm (its UMD main's dynamic
// require('./impl/format') is left unresolved by esbuild and fails at run time).
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', target: 'es2022', mainFields: ['module', 'main'], plugins: [watPlugin] };

const bundles = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['src/traceWorker.ts'], outfile: 'dist/traceWorker.js', platform: 'node', format: 'cjs' },
  // the engine's second core (src/parallelHost.ts starts it from the CLI and the trace worker)
  { ...common, entryPoints: ['src/parallelWorker.ts'], outfile: 'dist/parallelWorker.js', platform: 'node', format: 'cjs' },
  // "LSTM: Train…" runs here (src/views/trainWorkerHost.ts)
  { ...common, entryPoints: ['src/trainWorker.ts'], outfile: 'dist/trainWorker.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['webview/modelEditor.ts'], outfile: 'dist/modelEditor.js', platform: 'browser', format: 'iife' },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // the debug adapter standalone over stdin/stdout (docs/debug-adapter.md)
  { ...common, entryPoints: ['src/debugAdapter.ts'], outfile: 'dist/debugAdapter.js', platform: 'node', format: 'cjs' },
].filter(b => fs.existsSync(b.entryPoints[0]));

// Files the installed extension reads that live outside dist/ in the repo (the VSIX ships only
// dist/ and media/): the examples for "LSTM: New Spec from Example" and the spec's JSON schema.
function copyShippedData() {
  fs.mkdirSync('dist/examples', { recursive: true });
  for (const name of fs.existsSync('examples') ? fs.readdirSync('examples') : []) {
    if (name.endsWith('.lstm.json')) fs.copyFileSync(`examples/${name}`, `dist/examples/${name}`);
  }
  if (fs.existsSync('schemas/lstm-spec.schema.json')) {
    fs.mkdirSync('dist/schemas', { recursive: true });
    fs.copyFileSync('schemas/lstm-spec.schema.json', 'dist/schemas/lstm-spec.schema.json');
  }
}
copyShippedData();

if (watch) {
  for (const b of bundles) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(bundles.map(b => esbuild.build(b)));
}
