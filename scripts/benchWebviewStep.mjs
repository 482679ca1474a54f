#!/usr/bin/env node
// The chart panel's own cost of a Step, outside VS Code: the built webview bundle (dist/webview.js)
// in headless chromium with the panel's static markup and stylesheet, fed the real payloads
// (buildSnapshot / buildStepDetail of a trace computed here), then stepped. Per Step it prints the
// time from posting the `cursor` message to the painted frame (a MessageChannel message posted in
// the frame after the one that drew the step runs once that frame is painted), and the script time
// chromium spent (CDP Performance.getMetrics ScriptDuration). No host, no WebSocket: this isolates
// what the webview does, so two builds can be compared side by side (--root DIR for the other one).
// Usage: node scripts/benchWebviewStep.mjs [--root DIR] [--sizes 512x256x1000,...] [--steps 20]
/* global window, document, performance, MutationObserver, MessageChannel, requestAnimationFrame -- page.evaluate bodies run in the browser */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { build } from 'esbuild';
import { launchBrowser } from '../test/host/codeServer.mjs';
import { watPlugin } from './wat.mjs';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : fallback; };
const root = path.resolve(option('root', here));
const sizes = option('sizes', '64x32x100,256x128x400,512x8x1000,512x256x1000').split(',').map(s => s.split('x').map(Number));
const steps = Number(option('steps', '20'));

// the payload builders, bundled from the sources for node
const entry = ['src/engine/specParse.ts', 'src/engine/trace.ts', 'src/views/chartSnapshot.ts', 'src/protocol/messages.ts']
  .map(file => `export * from ${JSON.stringify(path.join(here, file))};`).join('\n');
const bundled = await build({ stdin: { contents: entry, resolveDir: here, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'error', mainFields: ['module', 'main'], plugins: [watPlugin] });
const builders = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-webview-')), 'builders.mjs');
fs.writeFileSync(builders, bundled.outputFiles[0].text);
const { parseSpec, computeTrace, buildSnapshot, buildStepDetail, normalizeView } = await import(pathToFileURL(builders).href);

// the panel's static body, as the host writes it (src/views/chartPanel.ts renderHtml)
const panelSource = fs.readFileSync(path.join(root, 'src/views/chartPanel.ts'), 'utf8');
const body = panelSource.slice(panelSource.indexOf('body: `') + 'body: `'.length, panelSource.indexOf('`,\n  });', panelSource.indexOf('body: `')));
const css = fs.readFileSync(path.join(root, 'media/chart.css'), 'utf8');
const script = fs.readFileSync(path.join(root, 'dist/webview.js'), 'utf8');
// a dark theme's variables, as VS Code sets them on the webview's html element
const themeVars = `--vscode-foreground:#cccccc;--vscode-editor-background:#1f1f1f;--vscode-descriptionForeground:#9d9d9d;--vscode-editorWidget-border:#454545;--vscode-editorCursor-foreground:#aeafad;--vscode-charts-red:#f14c4c;--vscode-charts-blue:#3794ff;--vscode-charts-yellow:#cca700;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-charts-purple:#b180d7;--vscode-font-family:sans-serif;--vscode-font-size:13px`;
const html = `<!DOCTYPE html><html style="${themeVars}"><head><style>${css}</style></head><body class="vscode-dark">${body}
<script>window.__sent=[];window.acquireVsCodeApi=()=>({postMessage:m=>window.__sent.push(m),getState:()=>undefined,setState:()=>{}});</script>
<script>${script}</script></body></html>`;

const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const scriptSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find(m => m.name === 'ScriptDuration').value;
const median = v => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const p90 = v => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.9))];

for (const [H, I, T] of sizes) {
  const inputs = Array.from({ length: T }, (_, t) => Array.from({ length: I }, (_, j) => Number(Math.sin(0.37 * t + 1.3 * j).toFixed(3))));
  const { spec } = parseSpec(JSON.stringify({ name: `bench ${H}x${I}x${T}`, cell: 'lstm', inputSize: I, hiddenSize: H, init: { seed: 3, scale: 0.1 }, inputs }));
  const trace = computeTrace(spec);
  const snapshot = buildSnapshot({ trace, cursor: { phase: 'forward', t: 0 }, fileName: 'bench.lstm.json', equations: { params: spec.params } });
  const view = normalizeView(snapshot.view, H, snapshot.heatmapFields);
  const cursors = [...Array.from({ length: steps }, (_, k) => ({ phase: 'forward', t: k + 1 })), ...Array.from({ length: steps }, (_, k) => ({ phase: 'backward', t: T - k }))];
  const details = cursors.map(cursor => buildStepDetail(trace, cursor, view, undefined, { params: spec.params }));
  await page.setContent(html);
  await page.evaluate(snap => new Promise(resolve => {
    window.postMessage({ type: 'snapshot', snapshot: snap, status: '', freshness: { stale: false, computeState: 'idle', hasErrors: false } }, '*');
    setTimeout(resolve, 500);
  }), snapshot);
  const rows = { forward: { paint: [], script: [] }, backward: { paint: [], script: [] } };
  for (const detail of details) {
    const before = await scriptSeconds();
    const ms = await page.evaluate(step => new Promise(resolve => {
      const label = document.getElementById('cursor-label');
      const started = performance.now();
      const observer = new MutationObserver(() => {
        observer.disconnect();
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now() - started);
        requestAnimationFrame(() => channel.port2.postMessage(0));
      });
      observer.observe(label, { childList: true, characterData: true, subtree: true });
      window.postMessage({ type: 'cursor', step }, '*');
    }), detail);
    const scriptMs = ((await scriptSeconds()) - before) * 1000;
    rows[detail.cursor.phase].paint.push(ms);
    rows[detail.cursor.phase].script.push(scriptMs);
    await page.waitForTimeout(30);
  }
  const draws = await page.evaluate(() => Object.fromEntries(['gates-chart', 'states-chart', 'decay-chart', 'belt-chart', 'gates-heatmap'].map(id => [id, document.getElementById(id).dataset.chartDraws ?? '?'])));
  const fmt = v => v.toFixed(1);
  for (const phase of ['forward', 'backward']) {
    const r = rows[phase];
    console.log(JSON.stringify({ root: path.basename(root), size: `${H}x${I}x${T}`, phase, paintMedianMs: fmt(median(r.paint)), paintP90Ms: fmt(p90(r.paint)), scriptMedianMs: fmt(median(r.script)), scriptP90Ms: fmt(p90(r.script)), chartDraws: draws }));
  }
}
await browser.close();
