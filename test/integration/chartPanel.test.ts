// The chart panel inside the real extension host: it opens, its webview says `ready` and gets a
// snapshot (and reports it drawn), a step sends a small `cursor` update with the seed's equation
// numbers, and the export commands write PNG, CSV and JSON files (the target uri is passed as the
// command's argument, which skips the save dialog). The panel's traffic is read through the
// hidden `lstm._chartPanelState` command (src/views/chartPanel.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface PanelState {
  open: boolean;
  visible: boolean;
  readyCount: number;
  posted: { type: string; bytes: number; stepLabel?: string; equations?: string[] }[];
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
    const drawn = s.rendered.find(r => r.kind === 'snapshot' || r.kind === 'trace')!;
    assert.ok(drawn.ms >= 0 && drawn.ms < 5000, `drawn in ${drawn.ms} ms`);
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
