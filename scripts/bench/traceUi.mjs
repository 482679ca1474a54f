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
// - with --mutations, every DOM change in the side bar during each action, on the same clock as the
//   messages (what changed, and in which tree row), which tells a row's redraw from a scroll bar's fade;
// - with --chrome-trace, the renderer main thread's tasks over 2 ms, what the long ones are made of,
//   and the time per kind of event (script, style, layout, paint), from a Chrome trace;
// - with --profile, the workbench page's own JavaScript during each action (the Chrome DevTools
//   protocol's sampling profiler on the renderer's main thread): the functions with the most self
//   time, the total and the time per script file (the panel's webview.js, the workbench's), which shows
//   what the workbench and the panel do with what the extension sent.
// Usage: node scripts/bench/traceUi.mjs [--action step|edit|goto|open] [--size 64x32x100] [--panel]
//        [--settings '{"lstmStepper.inlineValues": false}'] [--timeline] [--profile] [--chrome-trace]
//        [--mutations] [--vsix FILE]
// It installs nothing; set up the host with `bash scripts/host/setup.sh` and package with `npm run package`.
// The functions handed to page.evaluate run in the browser, hence its globals here.
/* global window, document, performance, WebSocket, fetch, MutationObserver */
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
const PROFILE = argv.includes('--profile');
const CHROME_TRACE = argv.includes('--chrome-trace');
const MUTATIONS = argv.includes('--mutations');
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

/** The functions with the most self time in a CDP CPU profile (ms), and the profile's busy total. */
function printProfile(label, profile) {
  const byId = new Map(profile.nodes.map(node => [node.id, node]));
  const self = new Map();
  /** self time per script file (the panel's webview.js against the workbench's own) */
  const byScript = new Map();
  const deltas = profile.timeDeltas;
  let busy = 0;
  profile.samples.forEach((id, k) => {
    const node = byId.get(id);
    const ms = (deltas[k + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''}`.trim();
    if (!['(idle)', '(program)', '(garbage collector)'].includes(functionName)) busy += ms;
    self.set(key, (self.get(key) ?? 0) + ms);
    const script = url ? url.split('/').pop().split('?')[0] : '(native)';
    if (!['(idle)', '(program)', '(garbage collector)'].includes(functionName)) byScript.set(script, (byScript.get(script) ?? 0) + ms);
  });
  console.log(`---- renderer profile, ${label}: ${busy.toFixed(0)} ms of script (idle, program and GC not counted), top self times:`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(7)}  ${key}`);
  console.log('  by script: ' + [...byScript].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([script, ms]) => `${script} ${ms.toFixed(1)}`).join(', '));
}

/**
 * The renderer main thread's work in a Chrome trace: its tasks over 2 ms (start from the first, and
 * duration) and, summed over the window, the time of each kind of event (script, style, layout, paint).
 */
function printChromeTrace(label, trace) {
  const events = trace.traceEvents ?? trace;
  const names = new Map(events.filter(e => e.name === 'thread_name').map(e => [`${e.pid}/${e.tid}`, e.args.name]));
  const main = events.filter(e => names.get(`${e.pid}/${e.tid}`) === 'CrRendererMain' && e.ph === 'X');
  const tasks = main.filter(e => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask');
  const t0 = Math.min(...main.map(e => e.ts));
  console.log(`---- renderer main thread, ${label}: tasks over 2 ms (ms from the trace start: duration)`);
  console.log('  ' + tasks.filter(e => e.dur > 2000).map(e => `${((e.ts - t0) / 1000).toFixed(0)}: ${(e.dur / 1000).toFixed(1)}`).join(', '));
  // what the long tasks are made of: their nested events over 1 ms (a function call names its function)
  for (const task of tasks.filter(e => e.dur > 15000)) {
    const inside = main.filter(e => e !== task && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur && e.dur > 1000);
    const describe = e => {
      const data = e.args?.data ?? {};
      const what = data.functionName || data.url?.split('/').pop() || data.type || data.stackTrace?.[0]?.functionName || '';
      return `${e.name}${what ? ` (${what}${data.lineNumber ? `:${data.lineNumber}` : ''})` : ''} ${(e.dur / 1000).toFixed(1)}`;
    };
    console.log(`  task at ${((task.ts - t0) / 1000).toFixed(0)} (${(task.dur / 1000).toFixed(1)} ms): ` + inside.sort((a, b) => a.ts - b.ts).slice(0, 30).map(describe).join(' | '));
  }
  const byName = new Map();
  for (const e of main) if (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  console.log('  by event (ms, nested events counted in each): ' + [...byName].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', '));
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
  const profiler = PROFILE ? await page.context().newCDPSession(page) : undefined;
  const profiles = [];
  if (profiler) { await profiler.send('Profiler.enable'); await profiler.send('Profiler.setSamplingInterval', { interval: 200 }); }
  const chromeTraces = [];
  const startProfile = async () => {
    if (profiler) await profiler.send('Profiler.start');
    if (CHROME_TRACE) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink'] });
  };
  const stopProfile = async label => {
    if (profiler) profiles.push({ label, profile: (await profiler.send('Profiler.stop')).profile });
    if (CHROME_TRACE) chromeTraces.push({ label, trace: JSON.parse((await browser.stopTracing()).toString()) });
  };
  const mark = async label => {
    if (MUTATIONS) await page.evaluate(() => window.__traceUi.watchSidebar?.());
    return page.evaluate(l => window.__traceUi.push({ at: performance.now(), dir: 'mark', size: 0, text: l }), label);
  };
  // --mutations: every DOM change in the side bar, on the same clock, as what changed and where
  if (MUTATIONS) await page.evaluate(() => {
    const log = window.__traceUi;
    log.watchSidebar = () => {
      if (log.sidebarObserver) return;
      const describe = node => {
        const element = node.nodeType === 1 ? node : node.parentElement;
        const row = element?.closest?.('.monaco-list-row');
        return `${element?.className?.toString().slice(0, 60) ?? '?'}${row ? ` in row "${row.getAttribute('aria-label')?.slice(0, 40)}"` : ''}`;
      };
      log.sidebarObserver = new MutationObserver(records => {
        const at = performance.now();
        const kinds = new Map();
        for (const r of records) { const key = `${r.type}${r.attributeName ? `:${r.attributeName}` : ''} ${describe(r.target)}`; kinds.set(key, (kinds.get(key) ?? 0) + 1); }
        log.push({ at, dir: 'dom', size: records.length, text: [...kinds].slice(0, 4).map(([k, n]) => `${n}x ${k}`).join(' | ') });
      });
      log.sidebarObserver.observe(document.querySelector('.part.sidebar'), { subtree: true, childList: true, attributes: true, characterData: true });
    };
  });
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
      for (let k = 0; k < 4; k++) { await startProfile(); await mark(`step ${k + 1}`); await page.keyboard.press('Alt+BracketRight'); await sleep(600); await stopProfile(`step ${k + 1}`); actions.push(`step ${k + 1}`); }
    } else if (ACTION === 'edit') {
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input').fill(`:${made.firstInputLine}:2`);
      await page.keyboard.press('Enter');
      await sleep(500);
      for (let k = 0; k < 4; k++) {
        await page.keyboard.press('Shift+ArrowRight');
        await startProfile();
        await mark(`edit ${k + 1}`);
        await page.keyboard.press(String(k + 3));
        await sleep(Math.max(1500, T * H / 50));
        await stopProfile(`edit ${k + 1}`);
        await page.keyboard.press('ArrowLeft');
        actions.push(`edit ${k + 1}`);
      }
    } else {
      const targets = [`forward t=${Math.ceil(T * 0.6)}`, `backward t=${Math.ceil(T * 0.3)}`, `forward t=${Math.ceil(T * 0.1)}`, `backward t=${Math.ceil(T * 0.9)}`];
      for (const target of targets) {
        await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*LSTM t=/ }).first().click();
        await page.locator('.quick-input-widget input').fill(target);
        await sleep(800);
        await startProfile();
        await mark(`go to ${target}`);
        await page.keyboard.press('Enter');
        await sleep(1500);
        await stopProfile(`go to ${target}`);
        await page.keyboard.press('Control+1');
        actions.push(`go to ${target}`);
      }
    }
  }
  await sleep(500);
  const log = await page.evaluate(() => window.__traceUi);
  const window_ = ACTION === 'open' ? 15000 : 1000;
  let since;
  for (const entry of (Array.isArray(log) ? log : [])) {
    if (entry.dir === 'mark') { since = entry.at; console.log(`---- ${entry.text} (ms from the key press, direction, bytes, start of the message)`); continue; }
    if (since !== undefined && entry.at - since <= window_) console.log(`  +${(entry.at - since).toFixed(1).padStart(7)} ${entry.dir.padEnd(3)} ${String(entry.size).padStart(7)}  ${entry.text.slice(0, 160)}`);
  }
  for (const { label, profile } of profiles) printProfile(label, profile);
  for (const { label, trace } of chromeTraces) printChromeTrace(label, trace);
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
