#!/usr/bin/env node
// Runs the integration tests (test/integration/**/*.test.ts, mocha BDD, `import * as vscode`) inside a real
// VS Code extension host through @vscode/test-electron:
//   1. bundles the tests and the mocha entry (test/integration/index.ts) with esbuild into out/test/integration/
//      (`vscode` and `mocha` external);
//   2. builds the extension (scripts/build.mjs);
//   3. copies examples/ (and test/fixtures/ into fixtures/) to a temp workspace;
//   4. runTests() with vscodeExecutablePath = $VSCODE_EXECUTABLE, else a desktop `code` on PATH, else our
//      code-server shim (test/host/code-server-shim.sh), which is what runs here and in CI.
// Usage: node test/runIntegration.mjs [--grep PATTERN] [--no-build] [--extension DIR] [--bench]
// --bench runs the in-host benchmarks (test/integration/*.bench.ts) instead of the tests.
// Exit code: 0 when every test passed.
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { watPlugin } from '../scripts/wat.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeWorkspace } from './host/codeServer.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = name => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : undefined; };
const extensionDevelopmentPath = path.resolve(option('extension') ?? repoRoot);
const grep = option('grep');
const bench = argv.includes('--bench');
const startedAt = Date.now();
const elapsed = () => ((Date.now() - startedAt) / 1000).toFixed(1) + ' s';

function findVSCodeExecutable() {
  if (process.env.VSCODE_EXECUTABLE) return { path: process.env.VSCODE_EXECUTABLE, kind: 'VSCODE_EXECUTABLE' };
  // Inside a VS Code/code-server terminal `code` is the remote CLI, not a desktop VS Code.
  if (!process.env.VSCODE_IPC_HOOK_CLI) {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      const cli = path.join(dir, 'code');
      if (!dir || !fs.existsSync(cli)) continue;
      // The `code` on PATH is the CLI script in <install>/bin/; test-electron wants the Electron binary.
      const real = fs.realpathSync(cli);
      const candidates = [path.resolve(path.dirname(real), '..', 'code'),                  // Linux: <install>/code
        path.resolve(path.dirname(real), '..', '..', '..', 'MacOS', 'Electron'),            // macOS .app bundle
        path.resolve(path.dirname(real), '..', '..', '..', 'MacOS', 'Code')];
      const electron = candidates.find(c => fs.existsSync(c) && fs.statSync(c).isFile());
      if (electron) return { path: electron, kind: 'desktop VS Code' };
    }
  }
  const shim = path.join(repoRoot, 'test', 'host', 'code-server-shim.sh');
  // test-electron spawns it directly: it must stay executable even if a checkout dropped the mode bit
  fs.chmodSync(shim, 0o755);
  return { path: shim, kind: 'code-server shim' };
}

async function bundleTests() {
  const testDir = path.join(repoRoot, 'test', 'integration');
  const outDir = path.join(repoRoot, 'out', 'test', 'integration');
  fs.rmSync(outDir, { recursive: true, force: true });
  const tests = fs.readdirSync(testDir, { recursive: true }).map(String)
    .filter(f => f.endsWith(bench ? '.bench.ts' : '.test.ts')).map(f => path.join(testDir, f));
  await esbuild.build({
    entryPoints: [path.join(testDir, 'index.ts'), ...tests], outdir: outDir, outbase: testDir,
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
    external: ['vscode', 'mocha'], logLevel: 'warning',
    // as scripts/build.mjs: ES modules first (vscode-json-languageservice's UMD main requires its parts dynamically)
    mainFields: ['module', 'main'],
    // and the .wat kernels assembled, for a test that imports a view's constants (and so the engine)
    plugins: [watPlugin],
  });
  return { count: tests.length, index: path.join(outDir, 'index') };
}

let workspace;
let exitCode = 1;
try {
  const { count, index } = await bundleTests();
  console.log(`[integration] bundled ${count} test file(s) into out/test/integration/`);
  if (!argv.includes('--no-build')) execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  workspace = makeWorkspace(repoRoot, 'lstm-it-ws-');
  const executable = findVSCodeExecutable();
  console.log(`[integration] VS Code: ${executable.kind} (${executable.path}); workspace ${workspace}`);
  await runTests({
    vscodeExecutablePath: executable.path,
    extensionDevelopmentPath,
    extensionTestsPath: index,
    launchArgs: [workspace],
    extensionTestsEnv: grep ? { LSTM_TEST_GREP: grep } : {},
  });
  exitCode = 0;
} catch (error) {
  console.error(`[integration] FAILED: ${(error && error.message) || error}`);
} finally {
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}
console.log(`[integration] ${exitCode === 0 ? 'passed' : 'failed'} in ${elapsed()}`);
process.exit(exitCode);
