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
