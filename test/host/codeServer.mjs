// The test host: an isolated code-server 4.100.3 (VS Code 1.100.3 server + web workbench) on 127.0.0.1
// and a headless Debian chromium driven by our own playwright-core. Integration tests (vscodeShim.mjs),
// the end-to-end runner (runE2E.mjs) and `npm run start` (scripts/start.mjs) all start VS Code through here.
// code-server itself is installed by scripts/host/setup.sh into LSTM_HOST_DIR.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const HOST_DIR = process.env.LSTM_HOST_DIR || path.join(os.homedir(), '.cache', 'lstm-stepper-host', CODE_SERVER_VERSION);
export const CODE_SERVER_ENTRY = path.join(HOST_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM_PATH = process.env.CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags chromium keeps dialling Google hosts the closed network refuses.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
  'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true, 'security.workspace.trust.enabled': false,
  'workbench.enableExperiments': false, 'window.restoreWindows': 'none', 'git.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false, 'chat.commandCenter.enabled': false,
};

export function assertHostInstalled() {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${HOST_DIR}; run: bash scripts/host/setup.sh`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no browser at ${CHROMIUM_PATH}; run: bash scripts/host/setup.sh`);
}

export const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer();
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  server.on('error', reject);
});

/**
 * Starts code-server. By default everything (user data, extensions, XDG dirs) lives in a fresh temp dir
 * removed by stop(); `dir` makes a persistent profile instead (npm run start).
 * @param {{ vsix?: string[], settings?: object, env?: object, dir?: string, port?: number, log?: (s: string) => void }} options
 */
export async function startCodeServer({ vsix = [], settings = {}, env = {}, dir, port, log = s => process.stderr.write(s + '\n') } = {}) {
  assertHostInstalled();
  const startedAt = Date.now();
  const persistent = !!dir;
  dir = dir ? path.resolve(dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-host-'));
  for (const sub of ['user-data/User', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const settingsFile = path.join(dir, 'user-data/User/settings.json');
  let existing = {};
  if (persistent && fs.existsSync(settingsFile)) { try { existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); } catch { /* keep defaults */ } }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...existing, ...settings }, null, 2));
  port = port || await freePort();
  const authority = `127.0.0.1:${port}`;
  fs.writeFileSync(path.join(dir, 'config.yaml'), `bind-addr: ${authority}\nauth: none\ncert: false\n`);
  const common = ['--config', path.join(dir, 'config.yaml'), '--user-data-dir', path.join(dir, 'user-data'),
    '--extensions-dir', path.join(dir, 'extensions')];
  const fullEnv = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg-config'), XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'), ...env };
  for (const file of vsix) {
    const out = execFileSync(process.execPath, [CODE_SERVER_ENTRY, ...common, '--install-extension', path.resolve(file), '--force'],
      { env: fullEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    log(`[host] ${out.trim().split('\n').pop()}`);
  }
  // detached: code-server and everything it spawns (extension host, file watcher, pty host) form one
  // process group, so stop() can end them all with one signal.
  const child = spawn(process.execPath, [CODE_SERVER_ENTRY, ...common, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'],
  { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: fullEnv });
  const logFile = path.join(dir, 'code-server.log');
  const logStream = fs.createWriteStream(logFile);
  child.stdout.pipe(logStream); child.stderr.pipe(logStream);
  const killGroup = signal => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
  // a runner that dies without calling stop() must not leave a code-server behind
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => { killGroup('SIGKILL'); reject(new Error(`code-server did not start within 60 s; see ${logFile}`)); }, 60000);
    child.stdout.on('data', data => { seen += data; if (seen.includes('HTTP server listening')) { clearTimeout(timer); resolve(); } });
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`code-server exited early (${code}); see ${logFile}`)); });
  });
  const host = {
    dir, port, authority, child, logFile, url: `http://${authority}`, startupMs: Date.now() - startedAt,
    /** vscode-remote:// URI of a local path, as the workbench payload expects */
    remoteUri: p => `vscode-remote://${authority}${path.resolve(p)}`,
    /** Ends code-server's whole process group (SIGTERM, then SIGKILL after 5 s) and removes a temp dir. */
    async stop({ keepDir = false } = {}) {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        killGroup('SIGTERM');
        await new Promise(resolve => {
          const timer = setTimeout(() => { killGroup('SIGKILL'); resolve(); }, 5000);
          child.once('exit', () => { clearTimeout(timer); resolve(); });
        });
      }
      // the extension host or watcher may outlive the parent for a moment: make sure the group is gone
      killGroup('SIGKILL');
      if (!keepDir && !persistent) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return host;
}

/** Headless chromium with its own throwaway HOME-ish dirs (dconf, crash reports stay out of $HOME). */
export async function launchBrowser() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-browser-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') },
  });
  browser.on('disconnected', () => fs.rmSync(home, { recursive: true, force: true }));
  return browser;
}

/**
 * URL of the web workbench for a folder (or an empty window), with VS Code's payload pairs
 * ([['extensionDevelopmentPath', remoteUri], ['extensionTestsPath', remoteUri]]).
 */
export function workbenchUrl(host, { folder, payload } = {}) {
  const query = [folder ? 'folder=' + encodeURIComponent(path.resolve(folder)) : 'ew=true'];
  if (payload && payload.length) query.push('payload=' + encodeURIComponent(JSON.stringify(payload)));
  return `${host.url}/?${query.join('&')}`;
}

/**
 * A temp workspace: a copy of examples/ at its root, and test/fixtures/ (when present) under fixtures/.
 * Tests may edit and create files freely; the caller removes it.
 */
export function makeWorkspace(repoRoot, prefix = 'lstm-ws-') {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const examples = path.join(repoRoot, 'examples');
  const fixtures = path.join(repoRoot, 'test', 'fixtures');
  if (fs.existsSync(examples)) fs.cpSync(examples, workspace, { recursive: true });
  if (fs.existsSync(fixtures)) fs.cpSync(fixtures, path.join(workspace, 'fixtures'), { recursive: true });
  return workspace;
}
