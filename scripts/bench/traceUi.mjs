#!/usr/bin/env node
// `npm run bench:ui:trace`: where a Step, an edit, a Go to Step or an open spends its time between
// the workbench and the extension host, in the real host (code-server 4.100.3, headless chromium, the
// packaged VSIX). It is how the figures in docs/README.md ("How the views reach the workbench") were
// found, and prints evidence, not a score:
// - the workbench's WebSocket messages around each action, in both directions, with their sizes and
//   the RPC method names they carry (`$executeContributedCommand`, `$trySetDecorations`, `$setEntry`,
//   `$refresh`, `$getChildren`, `$provideDocumentSymbols`, ...), on the page's clock from the key press;
// - for --open, the CPU time every process and thread took during the open (/proc), which shows what
//   the two cores were busy with;
// - with --timeline (needs `node --experimental-websocket` on Node 20), the extension's own timeline
//   (LSTM_TIMING=1, src/runtime/timing.ts), read from the extension host through its inspector.
// Usage: node scripts/bench/traceUi.mjs [--action step|edit|goto|open] [--size 64x32x100] [--panel]
//        [--settings '{"lstmStepper.inlineValues": false}'] [--timeline] [--vsix FILE]
// It installs nothing; set up the host with `bash scripts/host/setup.sh` and package with `npm run package`.
// The functions handed to page.evaluate run in the browser, hence its globals here.
/* global window, performance, WebSocket, fetch */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertHostInstalled, launchBrowser, startCodeServer, workbenchUrl } from '../../test/host/codeServer.mjs';
import { Workbench } from '../../test/host/workbench.mjs';
import { makeScaleSpec } from './makeScaleSpec.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : fallback; };
const ACTION = option('action', 'step');
const [H, I, T] = option('size', '64x32x100').split('x').map(Number);
const PANEL = argv.includes('--panel');
const TIMELINE = argv.includes('--timeline');
const vsix = path.resolve(option('vsix', path.join(repoRoot, 'dist-vsix', 'lstm-stepper.vsix')));
if (!['step', 'edit', 'goto', 'open'].includes(ACTION) || ![H, I, T].every(n => Number.isInteger(n) && n > 0)) {
  console.error('[trace:ui] usage: --action step|edit|goto|open --size HxIxT'); process.exit(2);
}
if (TIMELINE && typeof WebSocket === 'undefined') { console.error('[trace:ui] --timeline needs node --experimental-websocket (Node 20)'); process.exit(2); }
try { assertHostInstalled(); } catch (error) { console.error(`[trace:ui] ${error.message}; set up the host with bash scripts/host/setup.sh`); process.exit(2); }
if (!fs.existsSync(vsix)) { console.error(`[trace:ui] no VSIX at ${vsix}: npm run package`); process.exit(2); }

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

// in the page, before VS Code loads: every WebSocket message in and out (size and its printable
// bytes, where the RPC method names are), and the timed key presses, on performance.now()
const WS_PROBE = `(() => {
  const Native = window.WebSocket;
  const log = window.__traceUi = [];
  const printable = bytes => String.fromCharCode(...bytes.slice(0, 240)).replace(/[^\\x20-\\x7e]/g, '.');
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        const entry = { at: performance.now(), dir: 'in', size: event.data.size ?? event.data.byteLength ?? 0, text: '' };
        log.push(entry);
        if (event.data.arrayBuffer) event.data.arrayBuffer().then(buffer => { entry.text = printable(new Uint8Array(buffer)); });
      });
    }
    send(data) {
      let text = '';
      try { text = printable(new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength)); } catch { /* not bytes */ }
      log.push({ at: performance.now(), dir: 'out', size: data.byteLength ?? data.size ?? data.length ?? 0, text });
      return super.send(data);
    }
  };
})()`;

/** CPU ticks (user + system, 10 ms each) per process kind and thread name, from /proc. */
function cpuByThread() {
  const ticks = new Map();
  for (const pid of fs.readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    let cmd, tasks;
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); tasks = fs.readdirSync(`/proc/${pid}/task`); } catch { continue; }
    const kind = cmd.includes('type=renderer') ? 'browser renderer' : cmd.includes('chromium') ? 'browser (other)'
      : cmd.includes('type=extensionHost') ? 'extension host' : cmd.includes('jsonServerMain') ? 'JSON language server'
        : cmd.includes('code-server') ? 'code-server' : cmd.split(' ')[0].split('/').pop();
    for (const tid of tasks) {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // the extension host's threads are all called "node": its main thread and the workers apart
        const key = `${kind} / ${kind === 'extension host' ? (pid === tid ? 'main thread' : `worker thread ${tid}`) : name}`;
        ticks.set(key, (ticks.get(key) ?? 0) + Number(fields[11]) + Number(fields[12]));
      } catch { /* the thread ended */ }
    }
  }
  return ticks;
}

/** The extension host's inspector (SIGUSR1 opens it on 127.0.0.1:9229): evaluate an expression there. */
async function extensionHostEval(expression) {
  const pid = Number(execSync("pgrep -f 'type=extensionHost'").toString().trim().split('\n')[0]);
  process.kill(pid, 'SIGUSR1');
  await sleep(1000);
  const [target] = await (await fetch('http://127.0.0.1:9229/json')).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise(resolve => socket.addEventListener('open', resolve));
  const answer = new Promise(resolve => socket.addEventListener('message', message => resolve(JSON.parse(message.data))));
  socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true } }));
  const { result } = await answer;
  socket.close();
  return result?.result?.value;
}

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-trace-ui-'));
const file = `trace-${H}-${I}-${T}.lstm.json`;
const made = makeScaleSpec({ H, I, T, name: `trace H=${H} I=${I} T=${T}` });
fs.writeFileSync(path.join(workspace, file), made.text);
fs.writeFileSync(path.join(workspace, 'warm.lstm.json'), makeScaleSpec({ H: 4, I: 2, T: 3, name: 'warm' }).text);

const host = await startCodeServer({ vsix: [vsix], env: TIMELINE ? { LSTM_TIMING: '1' } : {}, settings: { 'workbench.editor.enablePreview': false, ...JSON.parse(option('settings', '{}')) }, log: () => {} });
const browser = await launchBrowser();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript({ content: WS_PROBE });
  const wb = new Workbench(page, { outDir: path.join(repoRoot, 'test-output', 'trace-ui'), workspace, host, log: () => {} });
  await page.goto(workbenchUrl(host, { folder: workspace }), { timeout: 180000 });
  await wb.waitReady();
  await wb.showView('LSTM');
  const mark = label => page.evaluate(l => window.__traceUi.push({ at: performance.now(), dir: 'mark', size: 0, text: l }), label);
  const actions = [];
  if (ACTION === 'open') {
    await wb.openFile('warm.lstm.json');
    await wb.waitForStatusBar('LSTM t=0/3 forward', { timeout: 120000 });
    const before = cpuByThread();
    const started = Date.now();
    await mark('open');
    await wb.openFile(file);
    await wb.waitForStatusBar(`LSTM t=0/${T} forward`, { timeout: 300000 });
    console.log(`open: the status bar showed the new spec after ${Date.now() - started} ms (Quick Open and polling included)`);
    await sleep(2000);
    const rows = [...cpuByThread()].map(([key, value]) => [key, (value - (before.get(key) ?? 0)) * 10]).filter(([, ms]) => ms >= 50).sort((a, b) => b[1] - a[1]);
    console.log('CPU time during the open and 2 s after, per process and thread (ms):');
    for (const [key, ms] of rows) console.log(`  ${String(ms).padStart(6)}  ${key}`);
    actions.push('open');
  } else {
    await wb.openFile(file);
    await wb.waitForStatusBar(`LSTM t=0/${T} forward`, { timeout: 300000 });
    if (PANEL) { await wb.runCommand('LSTM: Open Chart Panel'); await wb.webview().locator('#cursor-label').waitFor({ timeout: 60000 }); }
    await page.keyboard.press('Control+1');
    await sleep(1000);
    if (ACTION === 'step') {
      for (let k = 0; k < 10; k++) { await page.keyboard.press('Alt+BracketRight'); await sleep(300); }
      for (let k = 0; k < 4; k++) { await mark(`step ${k + 1}`); await page.keyboard.press('Alt+BracketRight'); await sleep(600); actions.push(`step ${k + 1}`); }
    } else if (ACTION === 'edit') {
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').fill(`:${made.firstInputLine}:2`);
      await page.keyboard.press('Enter');
      await sleep(500);
      for (let k = 0; k < 4; k++) {
        await page.keyboard.press('Shift+ArrowRight');
        await mark(`edit ${k + 1}`);
        await page.keyboard.press(String(k + 3));
        await sleep(Math.max(1500, T * H / 50));
        await page.keyboard.press('ArrowLeft');
        actions.push(`edit ${k + 1}`);
      }
    } else {
      const targets = [`forward t=${Math.ceil(T * 0.6)}`, `backward t=${Math.ceil(T * 0.3)}`, `forward t=${Math.ceil(T * 0.1)}`, `backward t=${Math.ceil(T * 0.9)}`];
      for (const target of targets) {
        await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*LSTM t=/ }).first().click();
        await page.locator('.quick-input-widget input').fill(target);
        await sleep(800);
        await mark(`go to ${target}`);
        await page.keyboard.press('Enter');
        await sleep(1500);
        await page.keyboard.press('Control+1');
        actions.push(`go to ${target}`);
      }
    }
  }
  await sleep(500);
  const log = await page.evaluate(() => window.__traceUi);
  const window_ = ACTION === 'open' ? 15000 : 1000;
  let since;
  for (const entry of log) {
    if (entry.dir === 'mark') { since = entry.at; console.log(`---- ${entry.text} (ms from the key press, direction, bytes, start of the message)`); continue; }
    if (since !== undefined && entry.at - since <= window_) console.log(`  +${(entry.at - since).toFixed(1).padStart(7)} ${entry.dir.padEnd(3)} ${String(entry.size).padStart(7)}  ${entry.text.slice(0, 160)}`);
  }
  if (TIMELINE) {
    const marks = JSON.parse(await extensionHostEval('JSON.stringify(globalThis.__lstmTiming?.marks ?? [])') ?? '[]');
    console.log('the extension\'s timeline (extension host clock, ms):');
    for (const m of marks.slice(-80)) console.log(`  ${m.at.toFixed(1).padStart(9)}  ${m.label}`);
  }
} catch (error) {
  failed = true;
  console.error(`[trace:ui] failed: ${error?.stack ?? error}`);
} finally {
  await browser.close().catch(() => {});
  await host.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
