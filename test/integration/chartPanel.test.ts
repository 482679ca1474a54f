// The chart panel inside the real extension host: it opens, its webview says `ready` and gets a
// snapshot (and reports it drawn), a step sends a small `cursor` update with the seed's equation
// numbers, and the export commands write PNG, CSV and JSON files (the target uri is passed as the
// command's argument, which skips the save dialog), and a spec with errors keeps the last trace
// marked stale. The panel's traffic is read through the hidden `lstm._chartPanelState` command
// (src/views/chartPanel.ts); the first call turns on its byte counts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { openSpec } from './helpers';

interface Freshness {
  stale: boolean;
  computeState: string;
  hasErrors: boolean;
}

interface PanelState {
  open: boolean;
  visible: boolean;
  readyCount: number;
  posted: { type: string; bytes: number; stepLabel?: string; equations?: string[]; freshness?: Freshness }[];
  rendered: { kind: string; ms: number }[];
}

const state = async (): Promise<PanelState> => (await vscode.commands.executeCommand('lstm._chartPanelState')) as PanelState;

async function waitForState(condition: (s: PanelState) => boolean, what: string, timeoutMs = 30000): Promise<PanelState> {
  const deadline = Date.now() + timeoutMs;
  let last: PanelState | undefined;
  for (;;) {
    last = await state();
    if (condition(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; panel state: ${JSON.stringify(last).slice(0, 800)}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

describe('chart panel', function () {
  this.timeout(90000);
  let folder: vscode.Uri;

  before(async () => {
    folder = vscode.workspace.workspaceFolders![0].uri;
    const spec = vscode.Uri.joinPath(folder, 'this-movie-is-good.lstm.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spec), vscode.ViewColumn.One);
    const extension = vscode.extensions.getExtension('lstm-stepper.lstm-stepper')!;
    const deadline = Date.now() + 20000;
    while (!extension.isActive && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
    await vscode.commands.executeCommand('lstm.reset');
    // turns on the hook's byte counts before the panel posts anything
    await state();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens, says ready and receives a snapshot, which it reports drawn', async () => {
    await vscode.commands.executeCommand('lstm.openChartPanel');
    const s = await waitForState(x => x.readyCount >= 1 && x.rendered.some(r => r.kind === 'snapshot' || r.kind === 'trace'), 'ready + snapshot drawn');
    assert.equal(s.open, true);
    const snapshot = s.posted.find(p => p.type === 'snapshot');
    assert.ok(snapshot, `posted: ${s.posted.map(p => p.type).join(', ')}`);
    assert.ok(snapshot.bytes > 0);
    assert.ok(s.posted.some(p => (p.type === 'snapshot' || p.type === 'trace') && /^t=\d\/4 forward$/.test(p.stepLabel ?? '')), JSON.stringify(s.posted));
    // drawn: the webview reported it (how fast is for scripts/benchChartPanel.mjs)
    const drawn = s.rendered.find(r => r.kind === 'snapshot' || r.kind === 'trace')!;
    assert.ok(Number.isFinite(drawn.ms) && drawn.ms >= 0, `drawn in ${drawn.ms} ms`);
    assert.deepEqual(snapshot.freshness, { stale: false, computeState: 'idle', hasErrors: false });
  });

  it('sends a small cursor update on LSTM: Step, with the seed example numbers at t = 1', async () => {
    await vscode.commands.executeCommand('lstm.reset');
    const before = (await state()).posted.length;
    await vscode.commands.executeCommand('lstm.step');
    const s = await waitForState(x => x.posted.slice(before).some(p => p.type === 'cursor' && p.stepLabel === 't=1/4 forward'), 'a cursor update for t=1');
    const update = s.posted.slice(before).find(p => p.type === 'cursor' && p.stepLabel === 't=1/4 forward')!;
    // the seed: W_f·z = 0.5·0.5 + 0.5·(−0.1) = 0.2, σ(0.2) = 0.5498
    assert.ok(update.equations?.includes('a_f = W_f·z + b_f = 0.2000 → f = σ(0.2000) = 0.5498'), JSON.stringify(update.equations));
    assert.ok(!s.posted.slice(before).some(p => p.type === 'snapshot' || p.type === 'trace'), 'a step does not resend the snapshot');
    await waitForState(x => x.rendered.some(r => r.kind === 'cursor'), 'the cursor update drawn');
  });

  it('gets a `trace` update (not a new panel) when the spec is edited, with the new T', async () => {
    const document = vscode.window.visibleTextEditors.find(e => e.document.uri.path.endsWith('/this-movie-is-good.lstm.json'))!.document;
    const before = (await state()).posted.length;
    const readyBefore = (await state()).readyCount;
    const text = document.getText();
    const edit = new vscode.WorkspaceEdit();
    const start = text.indexOf('[0.9, 0.7]');
    assert.ok(start > 0);
    edit.insert(document.uri, document.positionAt(start + '[0.9, 0.7]'.length), ', [0.1, 0.2]');
    const tokens = text.indexOf('"good"');
    edit.insert(document.uri, document.positionAt(tokens + '"good"'.length), ', "!"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      const s = await waitForState(x => x.posted.slice(before).some(p => p.type === 'trace' && /\/5 forward$/.test(p.stepLabel ?? '')), 'a trace update with T = 5');
      assert.equal(s.readyCount, readyBefore, 'the webview was not reloaded');
    } finally {
      if (document.getText() !== text) {
        const revert = new vscode.WorkspaceEdit();
        revert.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
        await vscode.workspace.applyEdit(revert);
      }
      await document.save();
    }
    await waitForState(x => x.posted.slice(-3).some(p => p.type === 'trace' && /\/4 forward$/.test(p.stepLabel ?? '')), 'the trace back at T = 4');
  });

  it('marks the last trace stale while the spec has errors, and current again once it is fixed', async () => {
    const document = vscode.window.visibleTextEditors.find(e => e.document.uri.path.endsWith('/this-movie-is-good.lstm.json'))!.document;
    const text = document.getText();
    const before = (await state()).posted.length;
    const edit = new vscode.WorkspaceEdit();
    // "hiddenSize": 2 → "hiddenSize": "two" is an error with a position
    const at = text.search(/"hiddenSize"\s*:\s*2/);
    assert.ok(at > 0);
    const value = text.indexOf('2', at + '"hiddenSize"'.length);
    edit.replace(document.uri, new vscode.Range(document.positionAt(value), document.positionAt(value + 1)), '"two"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      const s = await waitForState(x => x.posted.slice(before).some(p => p.freshness?.stale === true && p.freshness.hasErrors), 'a stale-trace message');
      const stale = s.posted.slice(before).find(p => p.freshness?.stale)!;
      // the trace is kept (a banner over it), not replaced by the no-trace status
      assert.equal(stale.type, 'freshness', JSON.stringify(s.posted.slice(before)));
    } finally {
      const revert = new vscode.WorkspaceEdit();
      revert.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
      await vscode.workspace.applyEdit(revert);
      await document.save();
    }
    const s = await waitForState(x => {
      const last = x.posted.filter(p => p.freshness).at(-1);
      return last?.freshness?.stale === false && last.freshness.computeState === 'idle';
    }, 'the trace current again');
    assert.ok(s.posted.slice(before).some(p => p.type === 'trace' || p.type === 'freshness'));
  });

  it('exports the trace as CSV and JSON to a given uri', async () => {
    const csvUri = vscode.Uri.joinPath(folder, 'export-test.trace.csv');
    const jsonUri = vscode.Uri.joinPath(folder, 'export-test.trace.json');
    await vscode.commands.executeCommand('lstm.exportTraceCsv', csvUri);
    await vscode.commands.executeCommand('lstm.exportTraceJson', jsonUri);
    const csv = new TextDecoder().decode(await vscode.workspace.fs.readFile(csvUri)).trimEnd().split('\n');
    const header = csv[0].split(',');
    assert.deepEqual(header.slice(0, 3), ['t', 'token', 'unit']);
    assert.equal(csv.length, 1 + 4 * 2, 'one row per (step, unit): T = 4, H = 2');
    assert.ok(csv[1].startsWith('1,This,0,'), csv[1]);
    const f = Number(csv[1].split(',')[header.indexOf('f')]);
    assert.ok(Math.abs(f - 1 / (1 + Math.exp(-0.2))) < 1e-12, `f_1[0] = ${f}`);
    const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(jsonUri)));
    assert.equal(json.T, 4);
    assert.deepEqual(json.tokens, ['This', 'movie', 'is', 'good']);
    assert.ok(Math.abs(json.forward.f[0][0] - 1 / (1 + Math.exp(-0.2))) < 1e-12);
    await vscode.workspace.fs.delete(csvUri);
    await vscode.workspace.fs.delete(jsonUri);
  });

  it('exports a large trace as CSV: every row, written progressively beside the file it replaces, then named', async function () {
    this.timeout(180000);
    // T = 400, H = 256: 102 400 rows, tens of MB
    const { editor } = await openSpec('fixtures/large-256-128-400.lstm.json');
    const csvUri = vscode.Uri.joinPath(folder, 'export-large.trace.csv');
    const earlier = 'an earlier export\n';
    fs.writeFileSync(csvUri.fsPath, earlier);
    const partialSizes = new Set<number>();
    const targetSizes = new Set<number>();
    let running = true;
    // runs whenever the event loop turns during the export: sees the temporary file grow while the
    // target keeps its old content (that the writer yields between its chunks is checked on node,
    // test/unit/protocol.test.ts)
    const tick = (): void => {
      if (!running) return;
      try {
        targetSizes.add(fs.statSync(csvUri.fsPath).size);
        for (const name of fs.readdirSync(folder.fsPath)) {
          if (name.startsWith('.export-large.trace.csv.') && name.endsWith('.partial')) partialSizes.add(fs.statSync(vscode.Uri.joinPath(folder, name).fsPath).size);
        }
      } catch { /* renamed between the listing and the stat */ }
      setImmediate(tick);
    };
    setImmediate(tick);
    try {
      const result = await vscode.commands.executeCommand<vscode.Uri | undefined>('lstm.exportTraceCsv', csvUri);
      assert.equal(result?.toString(), csvUri.toString());
    } finally {
      running = false;
    }
    const text = fs.readFileSync(csvUri.fsPath, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 1 + 400 * 256);
    assert.ok(lines[lines.length - 1].startsWith('400,'), lines[lines.length - 1].slice(0, 40));
    const partial = [...partialSizes].filter(size => size > 0 && size < text.length);
    assert.ok(partial.length >= 3, `temporary file sizes seen while exporting: ${[...partialSizes].join(', ')} of ${text.length}`);
    assert.ok([...targetSizes].every(size => size === earlier.length || size === text.length), `the target changed before the rename: ${[...targetSizes].join(', ')}`);
    assert.deepEqual(fs.readdirSync(folder.fsPath).filter(name => name.endsWith('.partial')), [], 'no temporary file left');
    const notice = (await vscode.commands.executeCommand('lstm._chartPanelState') as { lastExportNotice?: { message: string; actions: string[] } }).lastExportNotice;
    assert.ok(notice?.message.includes(csvUri.fsPath), `notification: ${JSON.stringify(notice)}`);
    assert.deepEqual(notice?.actions, ['Open', 'Reveal in File Explorer']);
    fs.rmSync(csvUri.fsPath);
    await vscode.window.showTextDocument(editor.document).then(() => vscode.commands.executeCommand('workbench.action.closeActiveEditor'));
    await openSpec('this-movie-is-good.lstm.json');
  });

  it('exports the charts as a PNG rendered by the webview', async () => {
    const pngUri = vscode.Uri.joinPath(folder, 'export-test.charts.png');
    await vscode.commands.executeCommand('lstm.exportChartPng', pngUri);
    const bytes = await vscode.workspace.fs.readFile(pngUri);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.ok(bytes.length > 5000, `${bytes.length} bytes`);
    await vscode.workspace.fs.delete(pngUri);
  });

  it('says ready again and gets a fresh snapshot after being hidden and shown (no retainContextWhenHidden)', async () => {
    const readyBefore = (await state()).readyCount;
    // an editor opened in the panel's column hides the panel; its webview is discarded
    const spec = vscode.Uri.joinPath(folder, 'rnn-movie.lstm.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(spec), { viewColumn: vscode.ViewColumn.Two, preview: false });
    await waitForState(x => !x.visible, 'the panel hidden');
    await vscode.commands.executeCommand('lstm.openChartPanel');
    const s = await waitForState(x => x.readyCount > readyBefore && x.visible, 'ready again after reveal');
    assert.ok(s.posted.slice(-5).some(p => p.type === 'snapshot'), JSON.stringify(s.posted.slice(-5)));
  });
});
