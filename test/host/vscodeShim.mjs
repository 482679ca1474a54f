// Stands in for the VS Code executable that @vscode/test-electron launches (`vscodeExecutablePath`) when no
// desktop VS Code is installed: it runs the extension's tests in code-server's real (Node.js, server-side)
// extension host and exits with their result. The web workbench starts tests when its URL carries the
// extensionDevelopmentPath/extensionTestsPath payload, and reports through two hooks the page must expose
// before it loads: window.codeAutomationLog(type, args) for every log line (mocha's output included) and
// window.codeAutomationExit(code).
//
// Accepts what test-electron passes (`--k=v` and `--k v`; a bare directory = the folder to open) and ignores
// Electron-only flags (--no-sandbox, --disable-gpu-sandbox, --user-data-dir, --extensions-dir, ...).
// Exit codes: the extension host's (0 pass, 1 fail), 124 timeout, 2 usage.
// Env: LSTM_TEST_TIMEOUT (s, default 900), LSTM_SHIM_VERBOSE=1 (browser console), LSTM_SHIM_KEEP=1 (keep logs).
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { startCodeServer, launchBrowser, workbenchUrl } from './codeServer.mjs';

const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'folder-uri', 'user-data-dir', 'extensions-dir', 'locale', 'timeout']);
const options = {}; const positional = []; const extensionDevelopmentPaths = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (!arg.startsWith('--')) { positional.push(arg); continue; }
  const eq = arg.indexOf('=');
  let key = arg.slice(2), value = true;
  if (eq > 0) { key = arg.slice(2, eq); value = arg.slice(eq + 1); }
  else if (VALUE_FLAGS.has(key) && i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
  if (key === 'extensionDevelopmentPath') extensionDevelopmentPaths.push(String(value));
  else options[key] = value;
}
const extensionTestsPath = options.extensionTestsPath;
if (!extensionDevelopmentPaths.length || typeof extensionTestsPath !== 'string') {
  console.error('vscodeShim: need --extensionDevelopmentPath=DIR and --extensionTestsPath=FILE');
  process.exit(2);
}
const folder = positional.find(p => fs.existsSync(p) && fs.statSync(p).isDirectory());
const timeoutMs = Number(options.timeout || process.env.LSTM_TEST_TIMEOUT || 900) * 1000;
const verbose = process.env.LSTM_SHIM_VERBOSE === '1';

// Workbench chatter that says nothing about the tests (the network is closed, so lookups fail).
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|ChatSessionStore|\[Service Worker\])|ENOTFOUND|ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED/;
const startedAt = Date.now();
const elapsed = () => ((Date.now() - startedAt) / 1000).toFixed(1) + ' s';
let host, browser, exitCode = 1, cleaning;

async function cleanup() {
  cleaning ??= (async () => {
    try { if (browser) await browser.close(); } catch { /* already closed */ }
    if (host) {
      const keep = process.env.LSTM_SHIM_KEEP === '1' || exitCode !== 0;
      await host.stop({ keepDir: keep });
      if (keep) console.error(`[shim] code-server logs kept in ${host.dir}`);
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => { exitCode = signal === 'SIGINT' ? 130 : 143; await cleanup(); process.exit(exitCode); });
}

try {
  // code-server releases after 4.100 honour the test payload only with the smoke-test driver enabled;
  // 4.100.3 ignores the variable, so setting it keeps the shim working across an upgrade.
  const vscodeOptions = [process.env.VSCODE_OPTIONS, 'enable-smoke-test-driver'].filter(Boolean).join(' ');
  host = await startCodeServer({ env: { VSCODE_OPTIONS: vscodeOptions }, log: s => console.error(s) });
  console.error(`[shim] code-server ${host.authority} up after ${elapsed()}`);
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let resolveExit; const exited = new Promise(resolve => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
    const line = util.format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
    if (!verbose && NOISE.test(line)) return;
    (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    try {
      for (const entry of logs || []) {
        const file = path.join(host.dir, 'workbench-logs', String(entry.relativePath));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, String(entry.contents ?? ''));
      }
    } catch { /* logs are a courtesy */ }
    resolveExit(code);
  });
  if (verbose) page.on('console', message => console.error('[browser]', message.type(), message.text()));
  page.on('pageerror', error => console.error('[pageerror]', error.message));
  const payload = [...extensionDevelopmentPaths.map(p => ['extensionDevelopmentPath', host.remoteUri(p)]),
    ['extensionTestsPath', host.remoteUri(extensionTestsPath)]];
  await page.goto(workbenchUrl(host, { folder, payload }));
  let timer;
  const result = await Promise.race([exited, new Promise(resolve => { timer = setTimeout(() => resolve('timeout'), timeoutMs); })]);
  clearTimeout(timer);
  if (result === 'timeout') {
    console.error(`[shim] TIMEOUT after ${timeoutMs / 1000} s`);
    await page.screenshot({ path: path.join(host.dir, 'timeout.png') }).catch(() => {});
    exitCode = 124;
  } else exitCode = Number(result);
  console.error(`[shim] extension host exit code ${exitCode} after ${elapsed()}`);
} catch (error) {
  console.error('[shim] error:', (error && error.stack) || error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
