// Progressive reveal and the Step's cost outside the panel, in the real host: the States view says
// "not reached yet" for forward steps beyond the cursor and a Step fires change events only for
// the step rows it changes; the input-row hover agrees; inline values are drawn only for the rows
// in view (a 300-row spec decorates a screenful, and scrolling to the end brings h_300).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FAR_ROWS_DELAY_MS, NEAR_ROWS, type StatesNode } from '../../src/views/statesTree';
import { extensionApi, hoverText, offsetOf, openSpec, openUntitledSpec, waitFor } from './helpers';

const EXAMPLE = 'this-movie-is-good.lstm.json';

describe('progressive reveal and per-step updates', function () {
  this.timeout(60000);

  it('the States view says "not reached yet" ahead of the cursor, and a Step refreshes only the two step rows it changes', async () => {
    const { api } = await openSpec(EXAMPLE);
    await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 2 });
    const roots = await api.statesTree.getChildren();
    const row = (t: number) => roots.find(node => node.kind === 'step' && node.t === t)!;
    assert.equal(api.statesTree.getTreeItem(row(3)).description, 'not reached yet');
    assert.match(String(api.statesTree.getTreeItem(row(2)).description), /^← forward {2}h=/);
    const fired: StatesNode[] = [];
    const listener = api.statesTree.onDidChangeTreeData(change => {
      if (change === undefined) fired.push({ kind: 'model', id: '(everything)' });
      else fired.push(...(Array.isArray(change) ? change : [change]));
    });
    try {
      await vscode.commands.executeCommand('lstm.step');
      await waitFor(() => fired.length > 0, 'a tree change event');
      assert.deepEqual(fired.map(node => node.id).sort(), ['step/2', 'step/3']);
      assert.match(String(api.statesTree.getTreeItem(row(3)).description), /^← forward {2}h=/);
      assert.equal(api.statesTree.getTreeItem(row(4)).description, 'not reached yet');
    } finally {
      listener.dispose();
    }
  });

  it('a Go to Step refreshes the changed rows near the new step at once, and those out of view once the cursor rests', async () => {
    const { api } = await openSpec('long-sequence.lstm.json');
    const T = api.sessions.activeSession!.trace!.T;
    assert.ok(T >= 2 * NEAR_ROWS + 10, `T = ${T} leaves rows out of view`);
    await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 2 });
    await new Promise(resolve => setTimeout(resolve, FAR_ROWS_DELAY_MS + 100));
    const roots = await api.statesTree.getChildren();
    const row = (t: number) => roots.find(node => node.kind === 'step' && node.t === t)!;
    const events: { at: number; ids: string[] }[] = [];
    const listener = api.statesTree.onDidChangeTreeData(change => {
      events.push({ at: Date.now(), ids: change === undefined ? ['(everything)'] : (Array.isArray(change) ? change : [change]).map(node => node.id) });
    });
    try {
      const target = T - 5;
      const started = Date.now();
      const refreshes = api.statesTree.farRowRefreshes;
      await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: target });
      // every row from t=2 to the target changed (not reached yet -> h); the first event has the near ones
      await waitFor(() => events.length > 0, 'the jump\'s tree event');
      const near = Array.from({ length: target - 2 + 1 }, (_, k) => k + 2).filter(t => Math.abs(t - target) <= NEAR_ROWS);
      const far = Array.from({ length: target - 2 + 1 }, (_, k) => k + 2).filter(t => Math.abs(t - target) > NEAR_ROWS);
      assert.deepEqual(events[0].ids.sort(), near.map(t => `step/${t}`).sort());
      // the rows out of view already read the new state (what the workbench asks for is current)
      assert.match(String(api.statesTree.getTreeItem(row(far[0])).description), /^h=/);
      await waitFor(() => events.length > 1, 'the out-of-view rows\' event', FAR_ROWS_DELAY_MS + 5000);
      assert.deepEqual(events[1].ids.sort(), far.map(t => `step/${t}`).sort());
      assert.ok(events[1].at - started >= FAR_ROWS_DELAY_MS - 20, `the far rows came ${events[1].at - started} ms after the jump`);
      assert.equal(api.statesTree.farRowRefreshes, refreshes + 1);
      // a Step afterwards: only its two rows again
      events.length = 0;
      await vscode.commands.executeCommand('lstm.step');
      await waitFor(() => events.length > 0, 'the Step\'s tree event');
      assert.deepEqual(events[0].ids.sort(), [`step/${target}`, `step/${target + 1}`]);
    } finally {
      listener.dispose();
    }
  });

  it('a refresh of every row before the out-of-view rows are due sends those rows too (none is left showing an old state)', async () => {
    const { api } = await openSpec('long-sequence.lstm.json');
    const T = api.sessions.activeSession!.trace!.T;
    await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: T - 5 });
    await new Promise(resolve => setTimeout(resolve, FAR_ROWS_DELAY_MS + 100));
    const fired: string[][] = [];
    const listener = api.statesTree.onDidChangeTreeData(change => {
      fired.push(change === undefined ? ['(everything)'] : (Array.isArray(change) ? change : [change]).map(node => node.id));
    });
    const configuration = vscode.workspace.getConfiguration('lstmStepper');
    const precision = configuration.inspect<number>('precision')?.globalValue;
    try {
      const refreshes = api.statesTree.farRowRefreshes;
      // back to t=2: rows far from it (h= before, "not reached yet" now) wait for the cursor to rest
      await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 2 });
      await waitFor(() => fired.length > 0, 'the jump\'s tree event');
      const farRow = `step/${T - 10}`;
      assert.ok(!fired[0].includes(farRow), `${farRow} is out of view and waits`);
      // a precision change redraws every row at once (refreshAll), before the out-of-view rows are due
      await configuration.update('precision', (precision ?? 4) === 4 ? 5 : 4, vscode.ConfigurationTarget.Global);
      await waitFor(() => fired.length > 1, 'the refresh of every row');
      assert.ok(fired[1].includes(farRow), `the refresh of every row sends ${farRow}, still showing its old h=`);
      await new Promise(resolve => setTimeout(resolve, FAR_ROWS_DELAY_MS + 100));
      assert.equal(api.statesTree.farRowRefreshes, refreshes, 'nothing is left for the out-of-view refresh');
    } finally {
      listener.dispose();
      await configuration.update('precision', precision, vscode.ConfigurationTarget.Global);
    }
  });

  it('the hover of an input row ahead of the cursor says it is not reached yet', async () => {
    const { editor } = await openSpec(EXAMPLE);
    await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 1 });
    const at = editor.document.positionAt(offsetOf(editor.document, '[0.3, 0.8]') + 2);
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
    assert.match(hover, /not reached yet \(cursor at forward t=1\)/);
    assert.match(hover, /\*\*Forward\*\* \(not reached yet\)/);
    assert.doesNotMatch(hover, /not computed yet/);
  });

  it('inline values are drawn for the rows in view only, and scrolling brings the others', async () => {
    const T = 300;
    const rows = Array.from({ length: T }, (_, t) => `    [${(Math.sin(t) / 2).toFixed(3)}, ${(Math.cos(t) / 2).toFixed(3)}]`);
    const text = `{\n  "name": "tall",\n  "cell": "lstm",\n  "inputSize": 2,\n  "hiddenSize": 2,\n  "init": { "seed": 1, "scale": 0.5 },\n  "inputs": [\n${rows.join(',\n')}\n  ]\n}\n`;
    const editor = await openUntitledSpec(text);
    const api = await extensionApi();
    await vscode.workspace.getConfiguration('lstmStepper').update('inlineValues', true, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.sessions.activeSession?.trace?.T === T && api.sessions.activeSession.uri.toString() === editor.document.uri.toString(), 'the tall spec\'s trace');
    await vscode.commands.executeCommand('lstm.runToEnd');
    const top = await waitFor(() => { const s = api.inlineValues.rowsDecorated(editor); return s.length > 0 && s; }, 'inline values at the top');
    assert.match(top[0], /^h_1 = /);
    assert.ok(top.length < T / 2, `${top.length} of ${T} rows decorated with the top of the file in view`);
    assert.ok(!top.some(line => line.startsWith(`h_${T} `)), 'the last row is decorated while out of view');
    editor.revealRange(new vscode.Range(editor.document.lineCount - 2, 0, editor.document.lineCount - 2, 0), vscode.TextEditorRevealType.InCenter);
    const bottom = await waitFor(() => { const s = api.inlineValues.rowsDecorated(editor); return s.some(line => line.startsWith(`h_${T} `)) && s; }, 'the last row decorated after scrolling');
    assert.ok(bottom.length < T / 2 && !bottom.some(line => line.startsWith('h_1 ')), `${bottom.length} rows decorated at the bottom`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
