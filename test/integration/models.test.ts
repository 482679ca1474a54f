// Model files in the real extension host: "LSTM: New Spec from Model File…" driven with its
// choices given as arguments (the steps a user picks in quick picks), on the PyTorch fixtures of
// test/fixtures/models/ that runIntegration.mjs copies into the workspace as fixtures/models/
// (written by scripts/golden/make_models.py with torch); the model editor (a custom editor) on a
// good and a bad file; and the error a bad file gives (file and place named, no crash).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionApi, waitFor, workspaceFile } from './helpers';

const MODEL = 'fixtures/models/lstm2bi_float64.pt';

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('model files', function () {
  this.timeout(60000);
  afterEach(closeAllEditors);

  describe('New Spec from Model File…', () => {
    it('opens a spec for the model beside it, as initial content that undo does not empty', async () => {
      const uri = await workspaceFile(MODEL);
      const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('lstm.newSpecFromModel', uri,
        { prefix: 'encoder.lstm', input: { kind: 'random', seed: 3 }, T: 4, loss: { kind: 'crossEntropy', head: 'fc', target: 1 } });
      assert.ok(editor, 'the command resolves the new spec editor');
      const document = editor.document;
      assert.equal(document.uri.scheme, 'untitled');
      assert.equal(document.languageId, 'lstm-spec');
      const text = document.getText();
      assert.ok(text.includes(`"model": { "file": ${JSON.stringify(uri.fsPath)}, "prefix": "encoder.lstm" }`), text);
      assert.ok(text.includes('"loss": { "kind": "crossEntropy", "head": { "from": "fc" }, "target": 1 }'), text);
      assert.equal((text.match(/^ {4}\[/gm) ?? []).length, 4, 'T = 4 input rows');
      await vscode.commands.executeCommand('undo');
      assert.equal(document.getText(), text, 'undo leaves the initial content');
    });

    it('a file that is no state_dict (the legacy format, a foreign pickle global) shows the reader’s error and opens nothing', async () => {
      const api = await extensionApi();
      for (const [name, expected] of [['legacy.pt', /legacy\.pt: byte 0: this is the legacy/], ['evil_os_system.pt', /evil_os_system\.pt: .*byte \d+: refused global posix\.system/]] as const) {
        const before = vscode.workspace.textDocuments.length;
        const result = await vscode.commands.executeCommand('lstm.newSpecFromModel', await workspaceFile(`fixtures/models/${name}`),
          { input: { kind: 'zeros' }, T: 2, loss: { kind: 'sum' } });
        assert.equal(result, undefined, name);
        assert.match(api.lastModelError() ?? '', expected);
        assert.equal(vscode.workspace.textDocuments.filter(d => d.uri.scheme === 'untitled').length <= before, true);
      }
    });

    it('an inputs .npy of the module’s width becomes the spec’s inputs (referenced by path), and its T the trace’s', async () => {
      const api = await extensionApi();
      const inputs = await workspaceFile('fixtures/models/inputs_f8.npy');
      const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('lstm.newSpecFromModel', await workspaceFile(MODEL),
        { prefix: 'encoder.lstm', loss: { kind: 'sum' } }, inputs);
      assert.ok(editor, api.lastModelError());
      assert.ok(editor.document.getText().includes(`"inputs": { "file": ${JSON.stringify(inputs.fsPath)} }`), editor.document.getText());
      const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the trace', 30000);
      // inputs_f8.npy is (5, 3) (scripts/golden/make_models.py)
      assert.equal(session.trace?.T, 5);
      assert.deepEqual([...session.dependencies].sort(), [inputs.fsPath, (await workspaceFile(MODEL)).fsPath].sort());
    });

    it('an inputs file with the wrong number of columns is refused with both sizes', async () => {
      const api = await extensionApi();
      // inputs_f8.npy is (T, 3) for the 1-layer fixtures; the rnn fixture reads I=2
      const result = await vscode.commands.executeCommand('lstm.newSpecFromModel', await workspaceFile('fixtures/models/rnn_parameters.pt'),
        { loss: { kind: 'sum' } }, await workspaceFile('fixtures/models/inputs_f8.npy'));
      assert.equal(result, undefined);
      assert.match(api.lastModelError() ?? '', /inputs_f8\.npy: shape: .*I=2 .* 3 columns/);
    });
  });

  describe('the model editor', () => {
    it('is the default editor of a .pt and lists its modules, heads and tensors', async () => {
      const api = await extensionApi();
      const uri = await workspaceFile(MODEL);
      await vscode.commands.executeCommand('vscode.open', uri);
      const tab = await waitFor(() => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputCustom && input;
      }, 'a custom editor tab');
      assert.equal(tab.viewType, 'lstmStepper.modelFile');
      const posted = await waitFor(() => { const m = api.modelEditorPost(uri); return m?.type === 'model' && m; }, 'the model summary');
      const summary = posted.summary;
      assert.deepEqual(summary.modules.map(m => [m.prefix, m.cell, m.numLayers, m.bidirectional, m.hiddenSize, m.inputSize]),
        [['encoder.lstm', 'lstm', 2, true, 4, 3]]);
      assert.deepEqual(summary.heads, [{ prefix: 'fc', inFeatures: 8, outFeatures: 2 }]);
      // 2 layers × 2 directions × 4 tensors, and fc.weight, fc.bias
      assert.equal(summary.tensorCount, 18);
      assert.ok(summary.tensors.some(t => t.name === 'encoder.lstm.weight_ih_l1_reverse' && t.shape.join() === '16,8'), JSON.stringify(summary.tensors));
    });

    it('shows the error of a file it cannot read instead of its contents', async () => {
      const api = await extensionApi();
      const uri = await workspaceFile('fixtures/models/onnx_no_rnn.onnx');
      await vscode.commands.executeCommand('vscode.openWith', uri, 'lstmStepper.modelFile');
      const posted = await waitFor(() => { const m = api.modelEditorPost(uri); return m?.type === 'error' && m; }, 'the ONNX error');
      assert.equal(posted.message, 'LSTM: onnx_no_rnn.onnx: graph: the ONNX graph has no LSTM, GRU or RNN node');
      const legacy = await workspaceFile('fixtures/models/legacy.pt');
      await vscode.commands.executeCommand('vscode.openWith', legacy, 'lstmStepper.modelFile');
      const error = await waitFor(() => { const m = api.modelEditorPost(legacy); return m?.type === 'error' && m; }, 'the error');
      assert.match(error.message, /^LSTM: legacy\.pt: byte 0: /);
    });

    it('opens .h5 and .npz only when asked (Open With…), since those hold other data too', async () => {
      const api = await extensionApi();
      const uri = await workspaceFile('fixtures/models/keras_lstm.h5');
      await vscode.commands.executeCommand('vscode.openWith', uri, 'lstmStepper.modelFileOption');
      const posted = await waitFor(() => { const m = api.modelEditorPost(uri); return m?.type === 'model' && m; }, 'the Keras summary');
      assert.equal(posted.summary.modules[0]?.convention, 'keras');
    });
  });
});

/** PyTorch's numbers for the walkthrough spec (scripts/golden/make_model_walkthrough.py). */
async function walkthroughReference(): Promise<{ loss: number; h: Record<string, number[][]>; grad: Record<string, number[][]> }> {
  const bytes = await vscode.workspace.fs.readFile(await workspaceFile('fixtures/models/lstm2bi_float64.walkthrough.json'));
  return JSON.parse(new TextDecoder().decode(bytes));
}

const WALKTHROUGH = { prefix: 'encoder.lstm', input: { kind: 'random', seed: 1 }, T: 4, loss: { kind: 'crossEntropy', head: 'fc', target: 1 } };

async function newWalkthroughSpec(model: vscode.Uri) {
  const api = await extensionApi();
  const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('lstm.newSpecFromModel', model, WALKTHROUGH);
  assert.ok(editor, api.lastModelError());
  const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the model spec’s trace', 30000);
  await waitFor(() => api.sessions.activeSession === session, 'the model spec to be active');
  return { api, editor, session };
}

describe('model files: layers and directions', function () {
  this.timeout(60000);
  afterEach(closeAllEditors);

  it('the spec from the .pt computes PyTorch’s loss, and L2 ← shows PyTorch’s h_t in the status bar, tree and session', async () => {
    const reference = await walkthroughReference();
    const { api, session } = await newWalkthroughSpec(await workspaceFile(MODEL));
    assert.ok(Math.abs((session.trace?.loss.L ?? NaN) - reference.loss) < 1e-9, `L = ${session.trace?.loss.L}, PyTorch ${reference.loss}`);
    assert.equal(session.layerCount, 4);
    assert.match(api.statusBar.text, /^LSTM L1 → t=0\/4 forward/);
    await vscode.commands.executeCommand('lstm.selectLayer', 3);
    assert.equal(session.layerLabel, 'L2 ←');
    await vscode.commands.executeCommand('lstm.runToEnd');
    await vscode.commands.executeCommand('lstm.goToStep', { phase: 'backward', t: 3 });
    assert.match(api.statusBar.text, /^LSTM L2 ← t=3\/4 backward/);
    const view = session.view!;
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(view.forward.h[2 * 4 + j] - reference.h['L2 ←'][2][j]) < 1e-9, `h_3[${j}]`);
    // the tree: the layer root, and the gradients under PyTorch's names with PyTorch's .grad
    const roots = await api.statesTree.getChildren();
    const labels = roots.map(node => { const l = api.statesTree.getTreeItem(node).label; return typeof l === 'string' ? l : l?.label; });
    assert.equal(labels[0], 'Layer 2 · reverse');
    const grads = roots.find((_n, k) => labels[k] === 'Gradients');
    assert.ok(grads, JSON.stringify(labels));
    const tensors = await api.statesTree.getChildren(grads);
    const weight = tensors.find(node => api.statesTree.getTreeItem(node).label === 'encoder.lstm.weight_ih_l1_reverse.grad');
    assert.ok(weight, 'weight_ih_l1_reverse is listed');
    // row 10 is PyTorch's g block (rows 8..11), unit 2; column 5 multiplies layer 1's output[5]
    const row = (await api.statesTree.getChildren(weight))[10];
    const entry = (await api.statesTree.getChildren(row))[5];
    const item = api.statesTree.getTreeItem(entry);
    assert.equal(item.label, '[10][5]');
    const expected = reference.grad['encoder.lstm.weight_ih_l1_reverse'][10][5];
    assert.equal(item.description, expected.toFixed(4));
    assert.match(String(item.tooltip), /^encoder\.lstm\.weight_ih_l1_reverse\.grad\[10\]\[5\] = -0\.0173\n= dL\/dW_c\[2\]\[9\] of L2 ← \(candidate g/);
  });

  it('a single-layer spec keeps the old status bar text', async () => {
    const api = await extensionApi();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(await workspaceFile('this-movie-is-good.lstm.json')));
    await waitFor(() => api.sessions.activeSession?.trace, 'the example’s trace');
    await vscode.commands.executeCommand('lstm.reset');
    assert.match(api.statusBar.text, /^LSTM t=0\/4 forward/);
  });

  it('replacing the model file on disk recomputes the trace; a broken file is a problem on model.file, with the old trace stale', async () => {
    const watched = await workspaceFile('fixtures/models/watched-model.pt');
    await vscode.workspace.fs.copy(await workspaceFile(MODEL), watched, { overwrite: true });
    const { api, session } = await newWalkthroughSpec(watched);
    await waitFor(() => api.dependencyWatcher.watchedFiles(session).includes(watched.toString()), 'the watcher on the model file');
    const before = session.trace!.loss.L;
    const recomputes = api.dependencyWatcher.recomputes;
    // another model of the same shape (the float16 fixture): its loss differs
    await vscode.workspace.fs.writeFile(watched, await vscode.workspace.fs.readFile(await workspaceFile('fixtures/models/lstm2bi_float16.pt')));
    await waitFor(() => session.trace && session.trace.loss.L !== before && session.freshness().fresh, 'the recomputed trace', 30000);
    assert.ok(api.dependencyWatcher.recomputes > recomputes);
    assert.ok(Number.isFinite(session.trace!.loss.L));
    await vscode.workspace.fs.writeFile(watched, new TextEncoder().encode('not a model'));
    await waitFor(() => session.hasErrors, 'the error of the broken model file', 30000);
    assert.ok(session.issues.some(issue => /^model\.file: .*watched-model\.pt/.test(issue.message)), JSON.stringify(session.issues.map(i => i.message)));
    assert.ok(session.trace, 'the last trace stays on screen');
    assert.equal(session.freshness().fresh, false);
    await vscode.workspace.fs.delete(watched);
  });
});
