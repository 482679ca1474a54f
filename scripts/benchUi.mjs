#!/usr/bin/env node
// `npm run bench:ui`: key press to pixels in the real host. It packages the VSIX (like the e2e tests),
// starts code-server 4.100.3 with it and headless chromium at 1400x900 (test/host/codeServer.mjs),
// writes deterministic specs of each size (H, I, T) into a scratch workspace (scripts/bench/makeScaleSpec.mjs)
// and measures, N times each (median and p90), with the chart panel closed and open:
// Step and Step Back (alt+] / alt+[) in the forward and in the backward phase, the Step's floor (the
// same key with only the status bar to update: side bar closed, inline values off), Go to Step (Enter in
// its quick pick), open (Enter in Quick Open until the status bar, the States tree and, when open, the
// panel show the new spec), edit (one digit typed over x_1[0] until the tree shows the new h_1; with
// its floor, the first status bar change, which is the stale mark the extension sets in the keystroke's
// own change event: the workbench's round trip for a keystroke), and
// typing in a ~12 MB spec (keydown to the character painted in the editor). How: a probe
// (scripts/bench/uiProbe.js) in the workbench page and in the panel's webview frame timestamps the
// keydown (event.timeStamp) and every DOM mutation of the watched targets (status bar, sidebar, the
// spec editor's lines, the webview's body) with the moment after the frame that paints it, all on
// performance.timeOrigin + performance.now(), which every frame of the browser shares. After the
// expected state is visible everywhere (polled by the driver, which does not affect the stamps) and
// the targets have been quiet for --quiet-ms, the sample is the last painted change minus the keydown
// (typing: the first). Changes VS Code makes later on its own timers (a scroll bar fading out 500 ms
// after a reveal, the editor's scroll width updated 200 ms after inline values were drawn, another
// status bar item) are not the response: they are left out and counted per row ("not counted"). Figures are for this machine under its current load (printed with `uptime`);
// nothing here is a test. Output: a table on stdout and test-output/bench-ui.json (or --out), rewritten
// after each row.
// Usage: node scripts/benchUi.mjs [--reps N] [--sizes 64x32x100,256x128x400] [--actions step,stepBack,goTo,edit,open,typing]
//        [--panel closed,open] [--quiet-ms 250] [--open-reps N] [--out FILE] [--no-package | --vsix FILE]
// The functions handed to page.evaluate and waitForFunction run in the browser, hence its globals here.
/* global window, document */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertHostInstalled, startCodeServer, launchBrowser, workbenchUrl } from '../test/host/codeServer.mjs';
import { Workbench } from '../test/host/workbench.mjs';
import { makeScaleSpec } from './bench/makeScaleSpec.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : fallback; };
const list = (name, fallback) => option(name, fallback).split(',').map(s => s.trim()).filter(Boolean);

const REPS = Number(option('reps', '20'));
// opening is the slow action (seconds per sample at the large sizes): it may take fewer samples
const OPEN_REPS = Number(option('open-reps', String(REPS)));
const OUT_FILE = path.resolve(repoRoot, option('out', path.join('test-output', 'bench-ui.json')));
const SIZES = list('sizes', '64x32x100,256x128x400,512x8x1000,512x256x1000').map(s => {
  const [H, I, T] = s.split('x').map(Number);
  if (![H, I, T].every(n => Number.isInteger(n) && n > 0)) { console.error(`[bench:ui] bad size ${s}: expected HxIxT`); process.exit(2); }
  return { H, I, T, key: s };
});
const ACTIONS = new Set(list('actions', 'step,stepBack,goTo,edit,open,typing'));
const PANELS = list('panel', 'closed,open');
const QUIET_MS = Number(option('quiet-ms', '250'));
const TYPING_SIZE = { H: 512, I: 256, T: 1000 };
if (!(REPS >= 1)) { console.error('[bench:ui] --reps must be a positive integer'); process.exit(2); }

try {
  assertHostInstalled();
} catch (error) {
  console.error(`[bench:ui] ${error.message}\n[bench:ui] the benchmark installs nothing; set up the host with: bash scripts/host/setup.sh`);
  process.exit(2);
}

let vsix = option('vsix') ? path.resolve(option('vsix')) : path.join(repoRoot, 'dist-vsix', 'lstm-stepper.vsix');
if (!option('vsix') && !argv.includes('--no-package')) {
  console.error('[bench:ui] packaging the VSIX (npm run package)');
  execSync('npm run --silent package', { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}
if (!fs.existsSync(vsix)) { console.error(`[bench:ui] no VSIX at ${vsix}`); process.exit(2); }

const log = s => console.error(s);
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const probeSource = fs.readFileSync(path.join(repoRoot, 'scripts', 'bench', 'uiProbe.js'), 'utf8');
const outDir = path.join(repoRoot, 'test-output');
const loadAt = label => `${label}: ${os.loadavg().map(x => x.toFixed(2)).join(', ')}`;

// ---- the scratch workspace: one spec per size for stepping and editing, one copy per open sample ----

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bench-ui-'));
const specName = ({ H, I, T }) => `UI bench H=${H} I=${I} T=${T}`;
const specFile = ({ H, I, T }, suffix = '') => `ui-${H}-${I}-${T}${suffix}.lstm.json`;
const firstInputLine = {};
for (const size of SIZES) {
  const { text, firstInputLine: line } = makeScaleSpec({ ...size, name: specName(size) });
  fs.writeFileSync(path.join(workspace, specFile(size)), text);
  firstInputLine[size.key] = line;
  // a fresh document per open sample, so none reuses a session; the name tells them apart
  if (ACTIONS.has('open')) {
    for (const panel of PANELS) {
      for (let k = 1; k <= OPEN_REPS; k++) {
        const copy = makeScaleSpec({ ...size, name: `${specName(size)} open ${panel} ${k}` }).text;
        fs.writeFileSync(path.join(workspace, specFile(size, `-open-${panel}-${k}`)), copy);
      }
    }
  }
}
const TYPING_FILE = 'ui-typing-512-256-1000.lstm.json';
if (ACTIONS.has('typing')) fs.writeFileSync(path.join(workspace, TYPING_FILE), makeScaleSpec({ ...TYPING_SIZE, name: 'UI bench typing', weights: true }).text);

// ---- the host ----

let host, browser, page, wb;
const results = [];
const started = new Date();
const uptimeBefore = execSync('uptime').toString().trim();

/** The chart panel's content frame (the webview's nested #active-frame), with the probe in it. */
async function panelFrame() {
  for (const frame of page.frames()) {
    const ok = await frame.evaluate(() => !!document.getElementById('cursor-label')).catch(() => false);
    if (ok) {
      await frame.evaluate(probeSource);
      return frame;
    }
  }
  return undefined;
}

/** Watches the status bar, the sidebar and the spec editor's lines (and the panel's body). */
async function watchTargets(file, frame) {
  const found = await page.evaluate(([uriEnd]) => window.__uiBench.watch({
    status: '.part.statusbar',
    tree: '.part.sidebar',
    editor: document.querySelector(`.monaco-editor[data-uri$="${uriEnd}"] .view-lines`)
      ? `.monaco-editor[data-uri$="${uriEnd}"] .view-lines` : '.editor-group-container.active .monaco-editor .view-lines',
  }), [file]);
  if (frame) found.push(...await frame.evaluate(() => window.__uiBench.watch({ panel: 'body' })));
  return found;
}

/** In the page: the status bar reads `LSTM t=…` exactly and (unless statusOnly) the tree's current row is that step. */
function cursorShownInPage({ t, phase, T, statusOnly }) {
  const status = [...document.querySelectorAll('.part.statusbar .statusbar-item')].map(e => e.textContent.trim()).find(s => s.startsWith('LSTM')) ?? '';
  if (status !== `LSTM t=${t}/${T} ${phase}`) return false;
  if (statusOnly) return true;
  const label = new RegExp(`^t=${t}( |$)`);
  const mark = t === 0 ? '← start' : `← ${phase}`;
  return [...document.querySelectorAll('.part.sidebar .monaco-list-row')].some(row =>
    label.test(row.querySelector('.label-name')?.textContent?.trim() ?? '') && (row.querySelector('.label-description')?.textContent ?? '').startsWith(mark));
}

/** Text of the States tree's row for step t (its description: h=… or dL/dh=…). */
function treeRowDescription(t) {
  const label = new RegExp(`^t=${t}( |$)`);
  const row = [...document.querySelectorAll('.part.sidebar .monaco-list-row')].find(r => label.test(r.querySelector('.label-name')?.textContent?.trim() ?? ''));
  return row?.querySelector('.label-description')?.textContent ?? '';
}

async function waitCursor(cursor, frame, timeout = 30000) {
  await Promise.all([
    page.waitForFunction(cursorShownInPage, cursor, { timeout, polling: 30 }),
    frame && frame.waitForFunction(({ t, phase, T }) => document.getElementById('cursor-label')?.textContent === `t=${t}/${T} ${phase}`, cursor, { timeout, polling: 30 }),
  ]);
}

/** Waits until every probed frame has seen no mutation for QUIET_MS (at most `cap` ms). */
async function waitQuiet(frames, cap = 5000) {
  const deadline = Date.now() + cap;
  for (;;) {
    const quiet = await Promise.all(frames.map(f => f.evaluate(() => window.__uiBench.quietMs())));
    if (quiet.every(q => q >= QUIET_MS)) return true;
    if (Date.now() > deadline) return false;
    await sleep(Math.max(20, QUIET_MS - Math.min(...quiet)));
  }
}

/**
 * One sample: arm the probes, `act` (which sends the one timed key), `until` (the expected state),
 * quiet; returns {ms, targets: {name: ms}} from the keydown to the last painted change.
 * `first`: to the first painted change instead (typing).
 */
async function sample({ frame, act, until, first = false }) {
  const frames = frame ? [page, frame] : [page];
  await page.evaluate(() => window.__uiBench.reset(true));
  if (frame) await frame.evaluate(() => window.__uiBench.reset(false));
  await act();
  await until();
  const settled = first ? true : await waitQuiet(frames);
  // the last mark's paint callback may still be pending
  let collected;
  for (let k = 0; k < 50; k++) {
    collected = await Promise.all(frames.map(f => f.evaluate(() => window.__uiBench.collect())));
    if (collected.every(c => c.marks.every(m => m.paintedAt))) break;
    await sleep(20);
  }
  const inputAt = collected[0].inputAt;
  if (!inputAt) throw new Error('the probe saw no keydown');
  const marks = collected.flatMap(c => c.marks).filter(m => m.mutatedAt >= inputAt && m.paintedAt);
  if (!marks.length) throw new Error('no watched target changed after the key press');
  const targets = {};
  /** each target's first painted change (an edit's status bar: the stale mark, set at once by the extension) */
  const firstTargets = {};
  for (const m of marks) {
    const ms = m.paintedAt - inputAt;
    targets[m.name] = first ? Math.min(targets[m.name] ?? Infinity, ms) : Math.max(targets[m.name] ?? 0, ms);
    firstTargets[m.name] = Math.min(firstTargets[m.name] ?? Infinity, ms);
  }
  /** VS Code's own later changes (uiProbe.js `incidental`), by reason: counted, not measured */
  const ignored = {};
  for (const i of collected.flatMap(c => c.ignored ?? []).filter(i => i.at >= inputAt)) ignored[i.why] = (ignored[i.why] ?? 0) + 1;
  const values = Object.values(targets);
  // typing: the character in the editor (the status bar's Ln/Col may be drawn in another frame)
  return { ms: first ? (targets.editor ?? Math.min(...values)) : Math.max(...values), targets, firstTargets, settled, ignored };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const median = sorted => sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

function record(size, action, panel, samples, extra = {}) {
  const sorted = samples.map(s => s.ms).sort((a, b) => a - b);
  const targetNames = [...new Set(samples.flatMap(s => Object.keys(s.targets)))];
  const byTarget = Object.fromEntries(targetNames.map(name => {
    const values = samples.map(s => s.targets[name]).filter(v => v !== undefined).sort((a, b) => a - b);
    return [name, { medianMs: round(median(values)), p90Ms: round(quantile(values, 0.9)), n: values.length }];
  }));
  const row = {
    size, action, panel, n: sorted.length, medianMs: round(median(sorted)), p90Ms: round(quantile(sorted, 0.9)),
    byTarget, unsettled: samples.filter(s => !s.settled).length, samplesMs: samples.map(s => round(s.ms)),
    ignored: samplesIgnoring(samples), ...extra,
  };
  results.push(row);
  writeJson();
  const ignoredNote = Object.entries(row.ignored).map(([why, n]) => `${why} in ${n}`).join(', ');
  log(`[bench:ui] ${size} ${action} (panel ${panel}): median ${row.medianMs} ms, p90 ${row.p90Ms} ms, n ${row.n}  [${Object.entries(byTarget).map(([k, v]) => `${k} ${v.medianMs}`).join(', ')}]${ignoredNote ? `  (not counted: ${ignoredNote} samples)` : ''}`);
}

/** In how many samples each kind of VS Code's own later change was seen (and left out). */
function samplesIgnoring(samples) {
  const counts = {};
  for (const s of samples) for (const why of Object.keys(s.ignored ?? {})) counts[why] = (counts[why] ?? 0) + 1;
  return counts;
}
const round = x => Math.round(x * 10) / 10;

// ---- driving the workbench ----

const PALETTE_INPUT = '.quick-input-widget input';
const FOCUSED_PICK = '.quick-input-list .monaco-list-row.focused .label-name';

/** Ctrl+1 (View: Focus First Editor Group): the spec's group, where alt+] applies and files open. */
async function focusSpecEditor() {
  await wb.closeQuickInput();
  await page.keyboard.press('Control+1');
}

/** Opens Go to Step and filters it to (phase, t), the row focused; Enter then goes there. */
async function openStepPicker({ phase, t }) {
  // the status bar item opens Go to Step (one click, where the palette needs typing and a search)
  await wb.closeQuickInput();
  await page.locator('.part.statusbar .statusbar-item', { hasText: /^\s*LSTM t=/ }).first().click();
  const input = page.locator(PALETTE_INPUT);
  await input.waitFor({ state: 'visible' });
  await input.fill(`${phase} t=${t}`);
  const want = t === 0 ? /^forward t=0 / : new RegExp(`^${phase} t=${t}$`);
  const focused = async () => ((await page.locator(FOCUSED_PICK).first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim();
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await sleep(50)) if (want.test(await focused())) return;
  for (let k = 0; k < 40; k++) {
    if (want.test(await focused())) return;
    await page.keyboard.press('ArrowDown');
    await sleep(30);
  }
  throw new Error(`Go to Step has no row "${phase} t=${t}" (focused: ${await focused()})`);
}

async function goTo(cursor, frame) {
  await openStepPicker(cursor);
  await page.keyboard.press('Enter');
  await waitCursor(cursor, frame);
  await focusSpecEditor();
}

/** Opens a workspace file with Quick Open; `timedEnter` presses the Enter inside a sample instead. */
async function quickOpen(file) {
  await wb.closeQuickInput();
  await page.keyboard.press('Control+P');
  const input = page.locator(PALETTE_INPUT);
  await input.waitFor({ state: 'visible', timeout: 5000 });
  await input.fill(file);
  for (const deadline = Date.now() + 15000; ; await sleep(50)) {
    const label = ((await page.locator(FOCUSED_PICK).first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim();
    if (label === file) return;
    if (Date.now() > deadline) throw new Error(`Quick Open does not offer ${file} (focused: ${label})`);
  }
}

async function openSpec(file, cursor, frame) {
  await focusSpecEditor().catch(() => {});
  await quickOpen(file);
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: file }).waitFor({ timeout: 30000 });
  await waitCursor(cursor, frame, 300000);
}

/** Ctrl+W, or the palette's View: Close Editor if the key did not close the tab. */
async function closeActiveEditor() {
  const tabs = page.locator('.tabs-container .tab');
  const before = await tabs.count();
  await page.keyboard.press('Control+W');
  for (let k = 0; k < 20 && (await tabs.count()) >= before; k++) await sleep(50);
  if ((await tabs.count()) >= before) await wb.runCommand('View: Close Editor');
}

async function openPanel() {
  await wb.runCommand('LSTM: Open Chart Panel');
  await wb.webview().locator('#cursor-label').waitFor({ timeout: 60000 });
  for (let k = 0; k < 100; k++) {
    const frame = await panelFrame();
    if (frame) return frame;
    await sleep(100);
  }
  throw new Error('no chart panel frame');
}

// ---- the actions ----

/** Step / Step Back `reps` times from a start cursor, moving `dir` per press; re-positions near an end. */
async function benchStepping(size, panel, frame, { action, key, start, dir, statusOnly = false }) {
  const { T } = size;
  const samples = [];
  let cursor = { ...start, statusOnly };
  await goTo(cursor, frame);
  await watchTargets(specFile(size), frame);
  for (let k = 0; k < REPS; k++) {
    const next = { phase: cursor.phase, t: cursor.t + dir, T, statusOnly };
    if (next.t < 2 || next.t > T - 1) {
      cursor = { ...start, statusOnly };
      await goTo(cursor, frame);
      await watchTargets(specFile(size), frame);
      k--;
      continue;
    }
    samples.push(await sample({ frame, act: () => page.keyboard.press(key), until: () => waitCursor(next, frame) }));
    cursor = next;
  }
  record(size.key, action, panel, samples);
}

async function benchGoTo(size, panel, frame, { action = 'go to step', statusOnly = false } = {}) {
  const { T } = size;
  // deterministic targets spread over both phases, never the current position
  const samples = [];
  for (let k = 0; k < REPS; k++) {
    const target = { phase: k % 2 ? 'backward' : 'forward', t: 1 + ((k * 7919 + 13) % (T - 1)), T, statusOnly };
    await openStepPicker(target);
    await watchTargets(specFile(size), frame);
    samples.push(await sample({ frame, act: () => page.keyboard.press('Enter'), until: () => waitCursor(target, frame) }));
    await focusSpecEditor();
  }
  record(size.key, action, panel, samples);
}

/** One digit typed over x_1[0] (the spec's first input number) until the tree's h_1 changes. */
async function benchEdit(size, panel, frame) {
  const { T } = size;
  const cursor = { phase: 'forward', t: 2, T };
  await goTo(cursor, frame);
  await page.keyboard.press('Control+G');
  await page.locator(PALETTE_INPUT).waitFor({ state: 'visible' });
  await page.locator(PALETTE_INPUT).fill(`:${firstInputLine[size.key]}:2`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.keyboard.press('Shift+ArrowRight');
  // x_1[0] starts as 3 whatever an earlier pass left there (untimed), so the timed digits 4, 5, …
  // always change it and the tree's h_2 always changes
  // (the workbench may have saved an earlier pass's last digit: File: Revert File then keeps it)
  await page.keyboard.press('3');
  await page.keyboard.press('Shift+ArrowLeft');
  await sleep(500);
  // until its trace is shown: the status bar without "(stale)"
  await page.waitForFunction(expected => [...document.querySelectorAll('.part.statusbar .statusbar-item')]
    .map(e => e.textContent.trim()).includes(expected), `LSTM t=${cursor.t}/${T} forward`, { timeout: 300000, polling: 50 });
  await sleep(1000);
  await watchTargets(specFile(size), frame);
  const samples = [];
  let digit = 3;
  for (let k = 0; k < REPS; k++) {
    digit = digit % 9 + 1;
    // the current step's row (t=2) is the one the tree keeps in view; its h_2 depends on x_1
    const before = await page.evaluate(treeRowDescription, cursor.t);
    const until = () => Promise.all([
      page.waitForFunction(([b, c]) => {
        const status = [...document.querySelectorAll('.part.statusbar .statusbar-item')].map(e => e.textContent.trim()).find(s => s.startsWith('LSTM')) ?? '';
        const label = new RegExp(`^t=${c.t}( |$)`);
        const row = [...document.querySelectorAll('.part.sidebar .monaco-list-row')].find(r => label.test(r.querySelector('.label-name')?.textContent?.trim() ?? ''));
        const now = row?.querySelector('.label-description')?.textContent ?? '';
        return status === `LSTM t=${c.t}/${c.T} ${c.phase}` && now.includes('h=') && now !== b;
      }, [before, cursor], { timeout: 120000, polling: 30 }),
      // the panel's draw of the new trace; a sample whose draw the probe did not see is kept without it (said below)
      frame && frame.waitForFunction(() => window.__uiBench.collect().rendered.some(r => String(r.kind).split(',').some(kind => kind !== 'cursor')), undefined, { timeout: 30000, polling: 30 })
        .catch(() => log(`[bench:ui] ${size.key} edit ${k + 1}: the panel's draw of the new trace was not seen within 30 s; the sample has no panel time`)),
    ]);
    samples.push(await sample({ frame, act: () => page.keyboard.press(String(digit)), until }));
    // select the digit again for the next keystroke
    await page.keyboard.press('Shift+ArrowLeft');
  }
  record(size.key, 'edit', panel, samples);
  // the floor under it: the stale mark is set in the keystroke's own change event, so its paint is
  // the workbench's round trip for a keystroke (renderer -> extension host -> renderer), no engine in it
  const staleMarks = samples.filter(s => s.firstTargets.status !== undefined)
    .map(s => ({ ms: s.firstTargets.status, targets: { status: s.firstTargets.status }, settled: s.settled }));
  if (staleMarks.length) record(size.key, 'edit: stale mark (round trip)', panel, staleMarks);
  // leave the file as it was (the spec's tab must not hold unsaved changes across actions)
  await wb.runCommand('File: Revert File');
  await waitCursor(cursor, frame, 120000);
}

/** Enter in Quick Open on a fresh copy of the spec until the status bar, the tree and the panel show it. */
async function benchOpen(size, panel, frame) {
  const { T } = size;
  // the main spec away from t=0, so t=0 on screen means the new document
  const home = { phase: 'forward', t: 2, T };
  await goTo(home, frame);
  const samples = [];
  for (let k = 1; k <= OPEN_REPS; k++) {
    const file = specFile(size, `-open-${panel}-${k}`);
    const name = `${specName(size)} open ${panel} ${k}`;
    await focusSpecEditor();
    await quickOpen(file);
    await watchTargets(specFile(size), frame);
    const until = async () => {
      // the tree keeps its scroll position across specs (t=0 may be above the fold): it shows the new
      // spec once every step row in view is "not reached yet", where the old one had h_1, h_2
      await page.waitForFunction(c => {
        const status = [...document.querySelectorAll('.part.statusbar .statusbar-item')].map(e => e.textContent.trim()).find(s => s.startsWith('LSTM')) ?? '';
        const steps = [...document.querySelectorAll('.part.sidebar .monaco-list-row')]
          .map(r => [r.querySelector('.label-name')?.textContent?.trim() ?? '', r.querySelector('.label-description')?.textContent ?? ''])
          .filter(([label]) => /^t=\d+( |$)/.test(label));
        return status === `LSTM t=0/${c.T} forward` && steps.length > 0
          && steps.every(([label, description]) => (/^t=0( |$)/.test(label) ? description.startsWith('← start') : description === 'not reached yet'));
      }, { T }, { timeout: 300000, polling: 30 });
      if (frame) await frame.waitForFunction(() => document.getElementById('cursor-label')?.textContent?.startsWith('t=0/'), undefined, { timeout: 300000, polling: 30 });
      if (frame) await frame.waitForFunction(n => (document.getElementById('spec-name')?.textContent ?? '').startsWith(n + ' —'), name, { timeout: 300000, polling: 30 });
    };
    samples.push(await sample({ frame, act: () => page.keyboard.press('Enter'), until }));
    await closeActiveEditor();
    await waitCursor(home, frame, 300000);
    if (frame) await frame.waitForFunction(n => (document.getElementById('spec-name')?.textContent ?? '').startsWith(n + ' —'), specName(size), { timeout: 300000, polling: 50 });
    await waitQuiet(frame ? [page, frame] : [page], 10000);
  }
  record(size.key, 'open', panel, samples);
}

/** Letters typed into the name on line 1 of a ~12 MB spec: keydown to the first painted change of the line. */
async function benchTyping() {
  const file = TYPING_FILE;
  const { T } = TYPING_SIZE;
  const bytes = fs.statSync(path.join(workspace, file)).size;
  await openSpec(file, { phase: 'forward', t: 0, T });
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await watchTargets(file);
  const samples = [];
  let typed = '';
  // words of five letters 120 ms apart (a quick typist), 700 ms between words so the debounced
  // re-parse of the whole file runs while the next word is typed
  for (let k = 0; k < REPS; k++) {
    const letter = 'abcdefghij'[k % 10];
    typed += letter;
    const expected = `{"name": "UI bench typing${typed}",`;
    const t0 = Date.now();
    // the editor draws spaces as no-break spaces
    const until = () => page.waitForFunction(text => [...document.querySelectorAll('.view-line')].some(l => l.textContent.replace(/\u00a0/g, ' ').startsWith(text)),
      expected, { timeout: 30000, polling: 20 });
    samples.push(await sample({ act: () => page.keyboard.press(letter), until, first: true }));
    await sleep(Math.max(0, ((k + 1) % 5 ? 120 : 700) - (Date.now() - t0)));
  }
  record(`${TYPING_SIZE.H}x${TYPING_SIZE.I}x${TYPING_SIZE.T} (${(bytes / 1e6).toFixed(1)} MB, weights written out)`, 'typing', 'closed', samples);
  await wb.runCommand('File: Revert File');
  await wb.runCommand('View: Close All Editors');
}

async function benchSize(size) {
  const { T } = size;
  const file = specFile(size);
  log(`[bench:ui] ${size.key}: ${loadAt('load')}`);
  for (const panel of PANELS) {
    await wb.runCommand('View: Close All Editors');
    await openSpec(file, { phase: 'forward', t: 0, T });
    const frame = panel === 'open' ? await openPanel() : undefined;
    if (frame) await waitCursor({ phase: 'forward', t: 0, T }, frame, 300000);
    await focusSpecEditor();
    const middle = Math.floor(T / 2);
    if (ACTIONS.has('step')) {
      await benchStepping(size, panel, frame, { action: 'step (forward phase)', key: 'Alt+BracketRight', start: { phase: 'forward', t: middle, T }, dir: +1 });
      await benchStepping(size, panel, frame, { action: 'step (backward phase)', key: 'Alt+BracketRight', start: { phase: 'backward', t: middle, T }, dir: -1 });
    }
    if (ACTIONS.has('step') && panel === 'closed') {
      // the floor under a Step: the same command with only the status bar to update (the side bar
      // closed, inline values off, no panel): the workbench's key press -> extension host -> status
      // bar round trip, which no change in the extension can go below
      await wb.runCommand('View: Close Primary Side Bar');
      await wb.runCommand('LSTM: Toggle Inline Values');
      await focusSpecEditor();
      await benchStepping(size, panel, frame, { action: 'step: status bar only (floor)', key: 'Alt+BracketRight', start: { phase: 'forward', t: middle, T }, dir: +1, statusOnly: true });
      // the same floor under Go to Step: Enter in its quick pick, which the workbench then closes
      if (ACTIONS.has('goTo')) await benchGoTo({ ...size }, panel, frame, { action: 'go to step: status bar only (floor)', statusOnly: true });
      await wb.runCommand('LSTM: Toggle Inline Values');
      await wb.showView('LSTM');
      await focusSpecEditor();
    }
    if (ACTIONS.has('stepBack')) {
      await benchStepping(size, panel, frame, { action: 'step back (forward phase)', key: 'Alt+BracketLeft', start: { phase: 'forward', t: middle, T }, dir: -1 });
      await benchStepping(size, panel, frame, { action: 'step back (backward phase)', key: 'Alt+BracketLeft', start: { phase: 'backward', t: middle, T }, dir: +1 });
    }
    if (ACTIONS.has('goTo')) await benchGoTo({ ...size }, panel, frame);
    if (ACTIONS.has('edit')) await benchEdit(size, panel, frame);
    if (ACTIONS.has('open')) await benchOpen(size, panel, frame);
  }
  await wb.runCommand('View: Close All Editors');
}

/** test-output/bench-ui.json, rewritten after every row so an interrupted run keeps what it measured. */
function writeJson() {
  fs.mkdirSync(path.dirname(OUT_FILE), { recursive: true });
  const file = OUT_FILE;
  fs.writeFileSync(file, JSON.stringify({
    started: started.toISOString(), finished: new Date().toISOString(), reps: REPS, openReps: OPEN_REPS, quietMs: QUIET_MS,
    uptimeBefore, uptimeNow: execSync('uptime').toString().trim(), cpus: os.cpus().length, node: process.version,
    results,
  }, null, 2) + '\n');
  return file;
}

function printTable() {
  const header = ['size', 'action', 'panel', 'median ms', 'p90 ms', 'n'];
  const rows = results.map(r => [r.size, r.action, r.panel, r.medianMs.toFixed(1), r.p90Ms.toFixed(1), String(r.n)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = cells => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(`\nKey press to pixels (${REPS} reps; ${uptimeBefore})`);
  console.log(line(header));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

let failed = false;
try {
  host = await startCodeServer({ vsix: [vsix], settings: {
    'workbench.editor.enablePreview': false, 'workbench.editor.enablePreviewFromQuickOpen': false,
    // the web workbench asks before showing a file over 10 MB; the typing spec is ~12 MB
    'workbench.editorLargeFileConfirmation': 64,
  }, log });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30000);
  await page.addInitScript({ content: probeSource });
  wb = new Workbench(page, { outDir: path.join(outDir, 'bench-ui'), workspace, host, log });
  await page.goto(workbenchUrl(host, { folder: workspace }), { timeout: 180000 });
  await wb.waitReady();
  await wb.showView('LSTM');
  for (const size of SIZES) await benchSize(size);
  if (ACTIONS.has('typing')) await benchTyping();
} catch (error) {
  failed = true;
  console.error(`[bench:ui] failed: ${error && error.stack ? error.stack : error}`);
  if (page) await wb?.screenshot('FAIL-bench-ui').then(f => console.error(`[bench:ui] screenshot ${path.relative(repoRoot, f)}`)).catch(() => {});
} finally {
  if (browser) await browser.close().catch(() => {});
  if (host) await host.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
}

if (results.length) {
  printTable();
  console.log(`\n[bench:ui] ${path.relative(repoRoot, writeJson())}; ${execSync('uptime').toString().trim()}`);
}
process.exit(failed ? 1 : 0);
