#!/usr/bin/env node
// `npm start` (after `npm run setup`, which npm runs first as prestart): packages the extension, installs the
// VSIX into a persistent code-server profile under .host/ and serves VS Code on 127.0.0.1 until Ctrl+C, with a
// scratch copy of examples/ open: ~/.cache/lstm-stepper-host/workspace, outside the repository
// (scripts/startWorkspace.mjs). code-server saves automatically, so the repository's own examples are never
// opened: the copy is made on the first start and kept afterwards (a user's edits there survive restarts);
// --fresh replaces it with a new copy. Open the printed URL in a browser.
// Usage: node scripts/start.mjs [--port N] [--folder DIR] [--fresh] [--no-package]     Env: PORT
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer, freePort } from '../test/host/codeServer.mjs';
import { prepareScratchWorkspace } from './startWorkspace.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = name => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : undefined; };
// --folder DIR: that folder is opened as it is (the user chose it); else the scratch copy
const workspace = option('folder')
  ? { dir: path.resolve(option('folder')), created: false, chosen: true }
  : prepareScratchWorkspace({ repoRoot, fresh: argv.includes('--fresh') });
const folder = workspace.dir;
const vsix = path.join(repoRoot, 'dist-vsix', 'lstm-stepper.vsix');

const portIsFree = port => new Promise(resolve => {
  const server = net.createServer().once('error', () => resolve(false));
  server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
});

if (!argv.includes('--no-package') || !fs.existsSync(vsix)) {
  console.log('[start] packaging the extension (npm run package)');
  execSync('npm run --silent package', { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}
const wanted = Number(option('port') ?? process.env.PORT ?? 8080);
const port = (await portIsFree(wanted)) ? wanted : await freePort();
// The profile (settings, installed extensions, state) persists across starts; the VSIX is re-installed each time.
const host = await startCodeServer({ dir: path.join(repoRoot, '.host', 'profile'), port, vsix: [vsix], log: s => console.log(s) });
const url = `${host.url}/?folder=${encodeURIComponent(folder)}`;
const where = workspace.chosen ? `the folder ${folder}`
  : workspace.created ? `a fresh copy of examples/ in ${folder}`
  : `your copy of examples/ in ${folder} (kept from an earlier start; --fresh for a new copy)`;
console.log(`\nLSTM Stepper is running in VS Code (code-server 4.100.3) at\n\n    ${url}\n\nIt opens ${where}:\nedits are saved there, never to the repository's examples/.\nOpen this-movie-is-good.lstm.json, then run "LSTM: Step" from the command palette (F1).\nPress Ctrl+C to stop.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n[start] stopping code-server');
    await host.stop();
    process.exit(0);
  });
}
host.child.once('exit', code => { if (!stopping) { console.error(`[start] code-server exited (${code}); log: ${host.logFile}`); process.exit(1); } });
