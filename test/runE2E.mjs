#!/usr/bin/env node
// End-to-end UI tests: the packaged VSIX installed in a real VS Code (code-server 4.100.3), driven in headless
// chromium like a user. For each test/e2e/*.e2e.mjs (`export default [{ name, run: async (wb) => info }]`,
// optionally `export const settings = { 'workbench.colorTheme': ... }`) it starts a fresh code-server with the
// VSIX and a temp copy of examples/ (plus test/fixtures/ as fixtures/), opens the workbench at 1400x900, waits
// for the `LSTM` activity-bar entry, then runs the scenarios in order (180 s each, or the scenario's `timeout`
// in ms). A failed scenario is screenshotted into test-output/e2e/<file>/ and the next one still runs.
// Prints `N passed, N failed`; exit 1 on any failure.
// Usage: node test/runE2E.mjs [--no-package | --vsix FILE] [--grep TEXT] [FILE_FILTER...]
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startCodeServer, launchBrowser, workbenchUrl, makeWorkspace } from './host/codeServer.mjs';
import { Workbench } from './host/workbench.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = name => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : undefined; };
const grep = option('grep');
const fileFilters = argv.filter((a, i) => !a.startsWith('--') && !['--grep', '--vsix'].includes(argv[i - 1]));
const outRoot = path.join(repoRoot, 'test-output', 'e2e');
const startedAt = Date.now();
const seconds = since => ((Date.now() - since) / 1000).toFixed(1) + ' s';

let vsix = option('vsix') ? path.resolve(option('vsix')) : path.join(repoRoot, 'dist-vsix', 'lstm-stepper.vsix');
if (!option('vsix') && !argv.includes('--no-package')) {
  console.log('[e2e] packaging the VSIX (npm run package)');
  try {
    execSync('npm run --silent package', { cwd: repoRoot, stdio: 'inherit' });
  } catch {
    console.error('[e2e] npm run package failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
if (!fs.existsSync(vsix)) { console.error(`[e2e] no VSIX at ${vsix}`); process.exit(1); }

const e2eDir = path.join(repoRoot, 'test', 'e2e');
const files = fs.readdirSync(e2eDir).filter(f => f.endsWith('.e2e.mjs')).sort()
  .filter(f => !fileFilters.length || fileFilters.some(filter => f.includes(filter)));
if (!files.length) { console.error('[e2e] no test/e2e/*.e2e.mjs matched'); process.exit(1); }

let passed = 0, failed = 0;
const failures = [];

for (const file of files) {
  const module = await import(pathToFileURL(path.join(e2eDir, file)).href);
  const scenarios = (module.default ?? []).filter(s => !grep || s.name.includes(grep));
  if (!scenarios.length) continue;
  const outDir = path.join(outRoot, file.replace(/\.e2e\.mjs$/, ''));
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  console.log(`\n[e2e] ${file}: ${scenarios.length} scenario(s)`);
  const fileStart = Date.now();
  const workspace = makeWorkspace(repoRoot, 'lstm-e2e-ws-');
  let host, browser, page;
  try {
    host = await startCodeServer({ vsix: [vsix], settings: module.settings ?? {} });
    console.log(`[e2e] code-server ${host.authority} up in ${host.startupMs} ms (VSIX installed)`);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20000);
    page.on('pageerror', error => console.error('[pageerror]', error.message));
    const wb = new Workbench(page, { outDir, workspace, host });
    await page.goto(workbenchUrl(host, { folder: workspace }));
    await wb.waitReady();
    console.log(`[e2e] workbench ready with the LSTM entry after ${seconds(fileStart)}`);
    for (const scenario of scenarios) {
      const t = Date.now();
      try {
        // a scenario that hangs must not eat CI's time: 180 s unless it sets its own `timeout` (ms)
        const limit = scenario.timeout ?? 180000;
        let timer;
        const info = await Promise.race([scenario.run(wb), new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`scenario timed out after ${limit / 1000} s`)), limit);
        })]).finally(() => clearTimeout(timer));
        passed++;
        console.log(`  ok   ${scenario.name} (${Date.now() - t} ms)${info === undefined ? '' : ' -> ' + JSON.stringify(info).slice(0, 400)}`);
      } catch (error) {
        failed++;
        const shot = path.join(outDir, `FAIL-${scenario.name.replace(/[^\w.-]+/g, '_').slice(0, 80)}.png`);
        await page.screenshot({ path: shot }).catch(() => {});
        failures.push(`${file}: ${scenario.name}`);
        console.log(`  FAIL ${scenario.name} (${Date.now() - t} ms): ${String((error && error.message) || error).split('\n')[0]}`);
        console.log(`       screenshot ${path.relative(repoRoot, shot)}`);
        if (process.env.LSTM_E2E_VERBOSE === '1' && error && error.stack) console.log(error.stack);
        await wb.closeQuickInput().catch(() => {});
      }
    }
  } catch (error) {
    // the workbench or the extension never came up: every scenario of this file counts as failed
    failed += scenarios.length;
    failures.push(`${file}: setup`);
    console.log(`  FAIL ${file} setup: ${String((error && error.message) || error).split('\n')[0]}`);
    if (page) await page.screenshot({ path: path.join(outDir, 'FAIL-setup.png') }).catch(() => {});
    if (host && fs.existsSync(host.logFile)) {
      console.log('       code-server log (tail):\n' + fs.readFileSync(host.logFile, 'utf8').split('\n').slice(-15).map(l => '       | ' + l).join('\n'));
    }
  } finally {
    if (page) await page.screenshot({ path: path.join(outDir, 'final.png') }).catch(() => {});
    if (browser) await browser.close().catch(() => {});
    if (host) await host.stop({ keepDir: failed > 0 && process.env.LSTM_E2E_KEEP === '1' });
    fs.rmSync(workspace, { recursive: true, force: true });
    console.log(`[e2e] ${file} done in ${seconds(fileStart)}`);
  }
}

console.log(`\n[e2e] screenshots in ${path.relative(repoRoot, outRoot)}/; total ${seconds(startedAt)}`);
if (failures.length) console.log('[e2e] failed:\n' + failures.map(f => '  - ' + f).join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
