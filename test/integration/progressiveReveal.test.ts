// Progressive reveal and the Step's cost outside the panel, in the real host: the States view says
// "not reached yet" for forward steps beyond the cursor and a Step fires change events only for
// the step rows it changes; the input-row hover agrees; inline values are drawn only for the rows
// in view (a 300-row spec decorates a screenful, and scrolling to the end brings h_300).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { StatesNode } from '../../src/views/statesTree';
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
