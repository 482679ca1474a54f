// The extension in the real extension host: activation, every command of the command table, the
// States tree after steps, the status bar, hover text, inline values, diagnostics on a broken
// spec, the cursor kept across an edit, and the worker path. Expected numbers come from the
// seed's worked example (examples/this-movie-is-good.lstm.json) or are recomputed here from the
// equations, never copied from our output.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_TABLE } from '../../src/commands';
import type { StatesNode } from '../../src/views/statesTree';
import { extensionApi, hoverText, offsetOf, openSpec, openUntitledCopyWithTrace, openUntitledSpec, sigmoid, waitFor, workspaceFile } from './helpers';

const EXAMPLE = 'this-movie-is-good.lstm.json';

async function treeRows(api: Awaited<ReturnType<typeof extensionApi>>, parent?: StatesNode): Promise<{ node: StatesNode; item: vscode.TreeItem; label: string }[]> {
  const children = await api.statesTree.getChildren(parent);
  return children.map(node => {
    const item = api.statesTree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    return { node, item, label };
  });
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('LSTM Stepper extension', function () {
  this.timeout(60000);

  describe('activation and the spec language', () => {
    it('activates on a *.lstm.json, which opens in the lstm-spec language', async () => {
      const { editor, api } = await openSpec(EXAMPLE);
      assert.equal(editor.document.languageId, 'lstm-spec');
      assert.ok(vscode.extensions.getExtension('lstm-stepper.lstm-stepper')?.isActive);
      // activate() ran and returned its API; how fast is measured by the bench (hostBench.bench.ts)
      assert.ok(Number.isFinite(api.activationMs), `activationMs ${api.activationMs}`);
      const session = api.sessions.activeSession;
      assert.equal(session?.trace?.T, 4);
      // other test files may have stepped this session already
      await vscode.commands.executeCommand('lstm.reset');
      assert.deepEqual(session?.cursor, { phase: 'forward', t: 0 });
    });

    it('registers every command of the command table (and so every contributed one)', async () => {
      const all = await vscode.commands.getCommands(true);
      for (const { id } of COMMAND_TABLE) assert.ok(all.includes(id), `${id} is not registered`);
    });
  });

  describe('commands, status bar and the States tree', () => {
    beforeEach(async () => {
      await openSpec(EXAMPLE);
      await vscode.commands.executeCommand('lstm.reset');
    });

    it('Step twice moves the cursor to forward t=2 and the status bar says so', async () => {
      const api = await extensionApi();
      await vscode.commands.executeCommand('lstm.step');
      await vscode.commands.executeCommand('lstm.step');
      assert.deepEqual(api.sessions.activeSession?.cursor, { phase: 'forward', t: 2 });
      assert.equal(api.statusBar.text, 'LSTM t=2/4 forward');
      assert.equal(api.statusBar.command, 'lstm.goToStep');
    });

    it('Step Back, Run to End, Step into the backward phase, Run Backward and Reset walk the 2T+1 positions', async () => {
      const api = await extensionApi();
      const cursor = () => api.sessions.activeSession?.cursor;
      await vscode.commands.executeCommand('lstm.step');
      await vscode.commands.executeCommand('lstm.stepBack');
      assert.deepEqual(cursor(), { phase: 'forward', t: 0 });
      await vscode.commands.executeCommand('lstm.stepBack');
      assert.deepEqual(cursor(), { phase: 'forward', t: 0 }, 'Step Back at the start stays at the start');
      await vscode.commands.executeCommand('lstm.runToEnd');
      assert.deepEqual(cursor(), { phase: 'forward', t: 4 });
      await vscode.commands.executeCommand('lstm.step');
      assert.deepEqual(cursor(), { phase: 'backward', t: 4 });
      assert.equal(api.statusBar.text, 'LSTM t=4/4 backward');
      await vscode.commands.executeCommand('lstm.runBackward');
      assert.deepEqual(cursor(), { phase: 'backward', t: 1 });
      await vscode.commands.executeCommand('lstm.step');
      assert.deepEqual(cursor(), { phase: 'backward', t: 1 }, 'Step at the end stays at the end');
      assert.equal(api.lastStatusMessage(), 'LSTM: already at the last step (backward t=1)', 'and says so in the status bar');
      await vscode.commands.executeCommand('lstm.reset');
      assert.deepEqual(cursor(), { phase: 'forward', t: 0 });
    });

    it('Go to Step moves to a given position, and its quick pick lists all 2T+1 positions', async () => {
      const api = await extensionApi();
      await vscode.commands.executeCommand('lstm.goToStep', { phase: 'backward', t: 3 });
      assert.deepEqual(api.sessions.activeSession?.cursor, { phase: 'backward', t: 3 });
      await vscode.commands.executeCommand('lstm.reset');
      // the quick pick: it opens on the current position (forward t=0); one row down is forward t=1
      const picking = vscode.commands.executeCommand('lstm.goToStep');
      await new Promise(resolve => setTimeout(resolve, 500));
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await picking;
      assert.deepEqual(api.sessions.activeSession?.cursor, { phase: 'forward', t: 1 });
    });

    it('the tree has one root per step, marks the current one, and shows the seed numbers', async () => {
      const api = await extensionApi();
      await vscode.commands.executeCommand('lstm.step');
      await vscode.commands.executeCommand('lstm.step');
      const roots = await treeRows(api);
      const labels = roots.map(r => r.label);
      for (const label of ['Model', 't=0 initial state', 't=1 "This"', 't=2 "movie"', 't=3 "is"', 't=4 "good"']) assert.ok(labels.includes(label), `${label} in ${JSON.stringify(labels)}`);
      const current = roots.filter(r => String(r.item.description ?? '').startsWith('← '));
      assert.deepEqual(current.map(r => r.label), ['t=2 "movie"']);
      assert.equal((current[0].item.iconPath as vscode.ThemeIcon).id, 'debug-stackframe');
      assert.match(String(current[0].item.description), /h=\[0\.258\d, 0\.258\d\]/, 'h_2 = 0.2585 (seed)');
      const future = roots.find(r => r.label === 't=3 "is"')!;
      assert.equal(future.item.collapsibleState, vscode.TreeItemCollapsibleState.None, 'a step ahead of the cursor has nothing to expand');

      const step1 = roots.find(r => r.label === 't=1 "This"')!;
      const vectors = await treeRows(api, step1.node);
      assert.deepEqual(vectors.map(v => v.label), ['f', 'i', 'g', 'o', 'c', 'h']);
      // seed: z_1 = [h_0, x_1] = [0, 0, 0.5, -0.1], every weight 0.5, so a_f = 0.2 and f = σ(0.2)
      const f = vectors[0];
      const expectedF = sigmoid(0.2).toFixed(4);
      assert.equal(f.item.description, `[${expectedF}, ${expectedF}]`);
      const units = await treeRows(api, f.node);
      assert.deepEqual(units.map(u => u.label), ['f[0]', 'f[1]']);
      assert.equal(units[0].item.tooltip, `f_1[0] = σ(0.2000) = ${expectedF}`);
      const c = vectors[4];
      assert.match(String(c.item.description), /^\[0\.108\d, 0\.108\d\]$/, 'c_1 = 0.1085 (seed)');

      const model = roots.find(r => r.label === 'Model')!;
      const info = await treeRows(api, model.node);
      const parameters = info.find(r => r.label === 'parameters');
      assert.equal(parameters?.item.description, `${4 * 2 * (2 + 2) + 4 * 2} = 4H(H+I)+4H`);
      assert.match(String(info.find(r => r.label === 'loss')?.item.description), /L = 0\.968\d/, 'L = sum h_4 = 2·0.4841 (seed)');
    });

    it('in the backward phase a reached step also shows dL/dh, dL/dc and ∏f', async () => {
      const api = await extensionApi();
      await vscode.commands.executeCommand('lstm.runToEnd');
      await vscode.commands.executeCommand('lstm.step');
      await vscode.commands.executeCommand('lstm.step');
      assert.deepEqual(api.sessions.activeSession?.cursor, { phase: 'backward', t: 3 });
      const roots = await treeRows(api);
      const step4 = await treeRows(api, roots.find(r => r.label === 't=4 "good"')!.node);
      assert.deepEqual(step4.map(v => v.label), ['f', 'i', 'g', 'o', 'c', 'h', 'dL/dh', 'dL/dc', '∏f']);
      assert.equal(step4[6].item.description, '[1.0000, 1.0000]', 'sum loss: dL/dh_T = ones');
      assert.equal(step4[8].item.description, '[1.0000, 1.0000]', '∏f at t=T is empty: ones');
      const step3 = await treeRows(api, roots.find(r => r.label === 't=3 "is"')!.node);
      assert.match(String(step3.find(v => v.label === '∏f')?.item.description), /^\[0\.72(79|80), 0\.72(79|80)\]$/, '∏f_3 = f_4 = 0.728 (seed)');
      const step2 = await treeRows(api, roots.find(r => r.label === 't=2 "movie"')!.node);
      assert.ok(!step2.some(v => v.label === 'dL/dh'), 'gradients have not reached t=2 yet');
    });

    it('Step keeps the tree nodes (ids stable) and refreshes only changed steps', async () => {
      const api = await extensionApi();
      const before = await api.statesTree.getChildren();
      const fired: (StatesNode | StatesNode[] | undefined)[] = [];
      const listener = api.statesTree.onDidChangeTreeData(node => fired.push(node));
      await vscode.commands.executeCommand('lstm.step');
      listener.dispose();
      const after = await api.statesTree.getChildren();
      assert.deepEqual(after.map(n => n.id), before.map(n => n.id));
      assert.ok(after.every((node, k) => node === before[k]), 'the same node objects are reused');
      // one event (VS Code shows the first event at once and batches the next ones for 200 ms)
      assert.equal(fired.length, 1);
      assert.ok(Array.isArray(fired[0]));
      assert.deepEqual((fired[0] as StatesNode[]).map(n => n.id).sort(), ['step/0', 'step/1']);
    });

    it('reveals the current step when the cursor moves, not on every edit', async () => {
      const { editor, api, session } = await openUntitledCopyWithTrace(EXAMPLE);
      await waitFor(() => api.sessions.activeSession === session, 'the untitled spec to be active');
      await vscode.commands.executeCommand('lstm.step');
      const afterStep = api.statesTree.revealRequests;
      // two edits that change the trace but not the cursor
      for (const value of ['0.25', '0.75']) {
        const at = offsetOf(editor.document, '"b_i": ') + '"b_i": '.length;
        const end = editor.document.getText().indexOf(',', at);
        const traceBefore = session.trace;
        await editor.edit(builder => builder.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(end)), value));
        await api.sessions.flush();
        await waitFor(() => session.trace !== traceBefore && session.freshness().fresh, 'the edited trace');
      }
      assert.equal(api.statesTree.revealRequests, afterStep, 'an edit does not re-reveal the cursor');
      await vscode.commands.executeCommand('lstm.step');
      assert.equal(api.statesTree.revealRequests, afterStep + 1, 'a step does');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('an edit redraws the tree with one event and leaves the view message alone (VS Code debounces both together)', async () => {
      const { editor, api, session } = await openUntitledCopyWithTrace(EXAMPLE);
      await waitFor(() => api.sessions.activeSession === session, 'the untitled spec to be active');
      await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 2 });
      await api.statesTree.getChildren(); // as the view does: the root's nodes exist
      await new Promise(resolve => setTimeout(resolve, 50)); // the opened trace's analytics lines (a task of their own) are in
      const fired: (StatesNode | StatesNode[] | undefined)[] = [];
      const listener = api.statesTree.onDidChangeTreeData(node => fired.push(node));
      const messagesBefore = api.statesTree.messageSets;
      const at = offsetOf(editor.document, '"b_i": ') + '"b_i": '.length;
      const end = editor.document.getText().indexOf(',', at);
      const traceBefore = session.trace;
      await editor.edit(builder => builder.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(end)), '0.125'));
      await api.sessions.flush();
      await waitFor(() => session.trace !== traceBefore && session.freshness().fresh, 'the edited trace');
      listener.dispose();
      // the stale mark went to the description only; a message or a Problems event fired first
      // would take the leading edge of the 200 ms debounce and hold this refresh to its trailing edge
      // (the Model node's analytics lines follow in a task of their own: that event may come after)
      assert.ok(fired.slice(1).every(node => !Array.isArray(node) && node?.id === 'model'), `one refresh, nothing before it (${JSON.stringify(fired.map(e => (Array.isArray(e) ? e.map(n => n.id) : e?.id ?? 'everything')))})`);
      // the root's rows are the same ones: refreshed in place (VS Code sends their items with the
      // refresh instead of asking for the root's children again), the steps ahead of the cursor not at all
      assert.ok(Array.isArray(fired[0]), `the rows in place, not a whole-tree refresh (${String(fired[0])})`);
      assert.deepEqual((fired[0] as StatesNode[]).map(node => node.id).sort(), ['model', 'step/0', 'step/1', 'step/2']);
      assert.equal(api.statesTree.messageSets, messagesBefore, 'no "being computed" message for a trace that came quickly');
      // an edit that changes which rows there are (a fifth input row and token) redraws the whole tree
      await new Promise(resolve => setTimeout(resolve, 50)); // that trace's analytics lines are in
      fired.length = 0;
      const listenerT5 = api.statesTree.onDidChangeTreeData(node => fired.push(node));
      const traceT4 = session.trace;
      const inputsEnd = offsetOf(editor.document, '[0.9, 0.7]') + '[0.9, 0.7]'.length;
      const tokensEnd = offsetOf(editor.document, '"good"') + '"good"'.length;
      await editor.edit(builder => {
        builder.insert(editor.document.positionAt(tokensEnd), ', "!"');
        builder.insert(editor.document.positionAt(inputsEnd), ', [0.1, 0.1]');
      });
      await api.sessions.flush();
      await waitFor(() => session.trace !== traceT4 && session.freshness().fresh, 'the trace with T = 5');
      listenerT5.dispose();
      assert.equal(session.trace?.T, 5);
      assert.deepEqual(fired, [undefined], 'T changed: one whole-tree refresh');
      const rows = (await api.statesTree.getChildren()).filter(node => node.kind === 'step');
      assert.equal(rows.length, 6, 't=0..5');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('tree items of two specs have different ids, so expansion does not leak from one spec to the other', async () => {
      const api = await extensionApi();
      const first = api.statesTree.getTreeItem(api.statesTree.stepNode(1)).id;
      const { session } = await openUntitledCopyWithTrace(EXAMPLE);
      await waitFor(() => api.sessions.activeSession === session, 'the untitled spec to be active');
      const second = api.statesTree.getTreeItem(api.statesTree.stepNode(1)).id;
      assert.ok(first && second);
      assert.notEqual(first, second);
      assert.ok(second.startsWith(session.uri.toString()), `${second} carries the spec's uri`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  describe('hover', () => {
    it('an input row shows that step’s gates and states', async () => {
      const { editor } = await openSpec(EXAMPLE);
      await vscode.commands.executeCommand('lstm.reset');
      const document = editor.document;
      const at = document.positionAt(offsetOf(document, '[0.3, 0.8]') + 2);
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at));
      assert.match(text, /x_2/);
      assert.match(text, /movie/);
      // seed table, t=2: f = 0.6478, c = 0.4225, h = 0.2585
      assert.match(text, /0\.647\d/);
      assert.match(text, /0\.422\d/);
      assert.match(text, /0\.258\d/);
    });

    it('in the backward phase an input row also shows its gradients', async () => {
      const { editor } = await openSpec(EXAMPLE);
      await vscode.commands.executeCommand('lstm.runToEnd');
      await vscode.commands.executeCommand('lstm.step');
      const document = editor.document;
      const at = document.positionAt(offsetOf(document, '[0.9, 0.7]') + 2);
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at));
      assert.match(text, /Backward/);
      assert.match(text, /dL\/dh/);
      await vscode.commands.executeCommand('lstm.reset');
    });

    it('a weight entry shows its gate, unit, column, value and a dL/dW that matches finite differences', async () => {
      const { editor, api } = await openSpec(EXAMPLE);
      const document = editor.document;
      // W_f row 1, column 2 (the third 0.5 of the second row) multiplies x_t[0]
      const rowStart = offsetOf(document, '[0.5, 0.5, 0.5, 0.5]', 1);
      const at = document.positionAt(rowStart + '[0.5, 0.5, '.length + 1);
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at));
      assert.match(text, /W_f\[1\]\[2\]/);
      assert.match(text, /forget gate/);
      assert.match(text, /unit 1/);
      assert.match(text, /x_t\[0\]/);
      const gradient = /dL\/dW_f\[1\]\[2\] = (-?[\d.e+-]+)/.exec(text);
      assert.ok(gradient, text);
      // central finite difference on the loss through an independent re-computation of the seed LSTM
      const spec = api.sessions.activeSession!.spec!;
      const loss = (delta: number) => seedLoss(spec.inputs, 2, 2, delta);
      const eps = 1e-6;
      const numeric = (loss(eps) - loss(-eps)) / (2 * eps);
      assert.ok(Math.abs(Number(gradient[1]) - numeric) < 1e-4, `hover ${gradient[1]} vs finite difference ${numeric}`);
    });

    it('h0 shows dL/dh0 and a token shows its step', async () => {
      const { editor } = await openSpec(EXAMPLE);
      const document = editor.document;
      const h0 = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offsetOf(document, '"h0": [0') + 7)));
      assert.match(h0, /dL\/dh_0/);
      const token = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offsetOf(document, '"is"') + 1)));
      assert.match(token, /step t=3/);
    });
  });

  describe('other cells and PyTorch names', () => {
    const cells: [string, string[], string[]][] = [
      ['gru-movie.lstm.json', ['r', 'z', 'n', 'h'], ['dL/dh', '∏z']],
      ['rnn-movie.lstm.json', ['h'], ['dL/dh']],
      ['peephole-movie.lstm.json', ['f', 'i', 'g', 'o', 'c', 'h'], ['dL/dh', 'dL/dc', '∏f']],
      ['long-sequence.lstm.json', ['f', 'i', 'g', 'o', 'c', 'h'], ['dL/dh', 'dL/dc', '∏f']],
    ];
    for (const [file, forward, backward] of cells) {
      it(`${file}: a step shows its cell's own fields forward, then its gradients`, async () => {
        const { api } = await openSpec(file);
        await vscode.commands.executeCommand('lstm.runBackward');
        const T = api.sessions.activeSession!.trace!.T;
        const roots = await treeRows(api);
        const last = roots.find(r => r.label.startsWith(`t=${T}`))!;
        assert.ok(last, JSON.stringify(roots.map(r => r.label)));
        assert.deepEqual((await treeRows(api, last.node)).map(v => v.label), [...forward, ...backward]);
        await vscode.commands.executeCommand('lstm.reset');
      });
    }

    it('a PyTorch weight_ih_l0 entry hovers as its textbook gate and column, with a dL/dW that matches finite differences', async () => {
      const example = await vscode.workspace.openTextDocument(await workspaceFile('pytorch-lstm.lstm.json'));
      const editor = await openUntitledSpec(example.getText());
      const api = await extensionApi();
      const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the PyTorch spec trace');
      // H = 2: rows 2..3 of weight_ih_l0 are the forget gate (PyTorch order i, f, g, o); row 2 col 1 is -0.39
      const entry = offsetOf(editor.document, '[0.37, -0.39, 0.0]') + '[0.37, '.length;
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.document.positionAt(entry + 1)));
      assert.match(text, /weight_ih_l0\[2\]\[1\]/);
      assert.match(text, /forget gate/);
      assert.match(text, /unit 0/);
      assert.match(text, /x_t\[1\]/);
      assert.match(text, /value -0\.3900/);
      const gradient = /dL\/dW_f\[0\]\[\d+\] = (-?[\d.e+-]+)/.exec(text);
      assert.ok(gradient, text);
      // central difference: edit the entry in the document and read the recomputed loss
      const lossWith = async (value: string) => {
        const start = offsetOf(editor.document, '[0.37, ') + '[0.37, '.length;
        const end = editor.document.getText().indexOf(',', start);
        await editor.edit(builder => builder.replace(new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(end)), value));
        await api.sessions.flush();
        return session.trace!.loss.L;
      };
      const eps = 1e-5;
      const numeric = ((await lossWith(String(-0.39 + eps))) - (await lossWith(String(-0.39 - eps)))) / (2 * eps);
      assert.ok(Math.abs(Number(gradient[1]) - numeric) < 1e-4 * Math.max(1, Math.abs(numeric)), `hover ${gradient[1]} vs finite difference ${numeric}`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  describe('model warnings', () => {
    it('the Model section warns about saturated gates', async () => {
      const example = await vscode.workspace.openTextDocument(await workspaceFile(EXAMPLE));
      // every weight 20 instead of 0.5: |a| is large at every step, so σ and tanh saturate
      const editor = await openUntitledSpec(example.getText().replace(/0\.5(?=[,\]\n])/g, '20'));
      const api = await extensionApi();
      await waitFor(() => api.sessions.getSession(editor.document.uri)?.trace, 'the saturated trace');
      const model = (await treeRows(api)).find(r => r.label === 'Model')!;
      const info = await treeRows(api, model.node);
      const saturated = info.find(r => r.label === 'saturated gates');
      assert.ok(saturated, JSON.stringify(info.map(r => r.label)));
      assert.match(String(model.item.description), /warning/);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  describe('diagnostics', () => {
    it('a broken spec gets its error in the Problems view at the exact range, and the fix clears it as the user types', async () => {
      const uri = await workspaceFile('fixtures/broken-row.lstm.json');
      const original = await vscode.workspace.openTextDocument(uri);
      const diagnostics = await waitFor(() => { const d = vscode.languages.getDiagnostics(uri).filter(x => x.source === 'lstm'); return d.length > 0 && d; }, 'diagnostics on broken-row');
      const badRow = offsetOf(original, '[0.5, 0.5, 0.5]]');
      const error = diagnostics.find(d => d.severity === vscode.DiagnosticSeverity.Error);
      assert.ok(error, JSON.stringify(diagnostics));
      assert.match(error.message, /W_f/);
      assert.equal(original.offsetAt(error.range.start), badRow, `error starts at the short row, not ${error.range.start.line}:${error.range.start.character}`);

      // the same text as an untitled document (the fixture file is never modified), then fixed by typing
      const editor = await openUntitledSpec(original.getText());
      const untitled = editor.document.uri;
      await waitFor(() => vscode.languages.getDiagnostics(untitled).some(d => d.source === 'lstm'), 'diagnostics on the untitled copy');
      const api = await extensionApi();
      assert.equal(api.sessions.activeSession?.trace, undefined);
      const insertAt = editor.document.positionAt(offsetOf(editor.document, '[0.5, 0.5, 0.5]]') + '[0.5, 0.5, 0.5'.length);
      await editor.edit(builder => builder.insert(insertAt, ', 0.5'));
      await waitFor(() => vscode.languages.getDiagnostics(untitled).filter(d => d.source === 'lstm').length === 0, 'the diagnostics to clear');
      await waitFor(() => api.sessions.activeSession?.trace, 'the fixed spec to get a trace');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('problems parsed from an older version are not positioned against a newer document', async () => {
      // what happens when a large text's parse in the worker ends after the user typed on: the
      // parse of version v arrives while the document is at v + 1, with an edit before the error
      const { editor, api, session } = await openUntitledCopyWithTrace(EXAMPLE);
      const document = editor.document;
      const published: string[] = [];
      const listener = vscode.languages.onDidChangeDiagnostics(event => {
        if (!event.uris.some(uri => uri.toString() === document.uri.toString())) return;
        // each time problems are published, each one must cover the bad value in the document as it is now
        for (const d of vscode.languages.getDiagnostics(document.uri).filter(x => x.source === 'lstm')) published.push(document.getText(d.range));
      });
      try {
        api.setEditDebounceMs(600000); // edits wait for flush()
        const at = offsetOf(document, '"b_i": 0') + '"b_i": '.length;
        await editor.edit(builder => builder.replace(new vscode.Range(document.positionAt(at), document.positionAt(at + 1)), '"x"'));
        const older = { text: document.getText(), version: document.version };
        await editor.edit(builder => builder.insert(document.positionAt(1), '/* shifted */ '));
        assert.equal(document.version, older.version + 1);
        // the older version's parse result comes in now
        await session.update(older.text, { version: older.version });
        assert.equal(session.issuesVersion, older.version);
        assert.ok(session.hasErrors);
        await new Promise(resolve => setTimeout(resolve, 300)); // VS Code debounces onDidChangeDiagnostics
        assert.deepEqual(published, [], 'problems of the older version were published against the newer document');
        await api.sessions.flush();
        await waitFor(() => vscode.languages.getDiagnostics(document.uri).some(d => d.source === 'lstm' && document.getText(d.range) === '"x"'), 'the problem at "x"');
        assert.ok(published.every(text => text === '"x"'), `problems positioned against another version: ${JSON.stringify(published)}`);
      } finally {
        api.setEditDebounceMs(undefined);
        listener.dispose();
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    });
  });

  describe('editing', () => {
    it('keeps the cursor across an edit, and clamps it when T shrinks', async () => {
      const { editor, api, session } = await openUntitledCopyWithTrace(EXAMPLE);
      assert.equal(api.sessions.activeSession, session);
      await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 4 });
      const lossBefore = session.trace!.loss.L;

      // change b_i from 0 to 0.3: the trace changes, the cursor stays
      const edit = new vscode.WorkspaceEdit();
      const biasAt = offsetOf(editor.document, '"b_i": 0') + '"b_i": '.length;
      edit.replace(editor.document.uri, new vscode.Range(editor.document.positionAt(biasAt), editor.document.positionAt(biasAt + 1)), '0.3');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await api.sessions.flush();
      await waitFor(() => session.trace!.loss.L !== lossBefore, 'the trace to be recomputed');
      assert.deepEqual(session.cursor, { phase: 'forward', t: 4 });
      assert.equal(api.statusBar.text, 'LSTM t=4/4 forward');

      // drop the last input row and token: T = 3 and the cursor is clamped to t = 3
      const shrink = new vscode.WorkspaceEdit();
      const rowAt = offsetOf(editor.document, ', [0.9, 0.7]');
      shrink.delete(editor.document.uri, new vscode.Range(editor.document.positionAt(rowAt), editor.document.positionAt(rowAt + ', [0.9, 0.7]'.length)));
      const tokenAt = offsetOf(editor.document, ', "good"');
      shrink.delete(editor.document.uri, new vscode.Range(editor.document.positionAt(tokenAt), editor.document.positionAt(tokenAt + ', "good"'.length)));
      assert.ok(await vscode.workspace.applyEdit(shrink));
      await api.sessions.flush();
      await waitFor(() => session.trace!.T === 3, 'T to shrink to 3');
      assert.deepEqual(session.cursor, { phase: 'forward', t: 3 });
      assert.equal(api.statusBar.text, 'LSTM t=3/3 forward');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('inline values show h_t after each input row up to the cursor, and the toggle hides them', async () => {
      const { editor, api } = await openSpec(EXAMPLE);
      await vscode.workspace.getConfiguration('lstmStepper').update('inlineValues', true, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('lstm.reset');
      await vscode.commands.executeCommand('lstm.step');
      await vscode.commands.executeCommand('lstm.step');
      const shown = await waitFor(() => { const s = api.inlineValues.rowsDecorated(editor); return s.length === 2 && s; }, 'two inline values');
      assert.match(shown[0], /^h_1 = \[0\.059\d, 0\.059\d\]$/);
      assert.match(shown[1], /^h_2 = \[0\.258\d, 0\.258\d\]$/);
      await vscode.commands.executeCommand('lstm.toggleInlineValues');
      assert.equal(vscode.workspace.getConfiguration('lstmStepper').get('inlineValues'), false);
      await waitFor(() => api.inlineValues.rowsDecorated(editor).length === 0, 'the inline values to disappear');
      await vscode.commands.executeCommand('lstm.toggleInlineValues');
      assert.equal(vscode.workspace.getConfiguration('lstmStepper').get('inlineValues'), true);
      await vscode.commands.executeCommand('lstm.reset');
    });
  });

  describe('a stale trace', () => {
    it('an invalid edit marks the trace stale in the status bar, hover and inline values, and the fix clears it', async () => {
      const { editor, api, session } = await openUntitledCopyWithTrace(EXAMPLE);
      await waitFor(() => api.sessions.activeSession === session, 'the untitled spec to be active');
      await vscode.workspace.getConfiguration('lstmStepper').update('inlineValues', true, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('lstm.goToStep', { phase: 'forward', t: 2 });
      const traceBefore = session.trace;
      assert.equal(session.stale, false);
      assert.equal(session.computeState, 'idle');
      assert.equal(api.statusBar.text, 'LSTM t=2/4 forward');
      assert.equal(api.statusBar.backgroundColor, undefined);

      // b_i: 0 -> "x" is a validation error: no spec, the old trace stays on screen, marked stale
      const replaceBias = async (value: string) => {
        const match = /"b_i": ("x"|0)/.exec(editor.document.getText());
        assert.ok(match);
        const start = match.index + '"b_i": '.length;
        await editor.edit(builder => builder.replace(new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + match[1].length)), value));
        await api.sessions.flush();
      };
      await replaceBias('"x"');
      await waitFor(() => session.stale, 'the session to become stale');
      assert.equal(session.spec, undefined);
      assert.equal(session.trace, traceBefore, 'the last valid trace is kept');
      await waitFor(() => api.statusBar.text === 'LSTM t=2/4 forward (stale)', `a stale status bar, got ${api.statusBar.text}`);
      assert.equal((api.statusBar.backgroundColor as vscode.ThemeColor | undefined)?.id, 'statusBarItem.warningBackground');
      assert.match(String(api.statusBar.tooltip), /errors/);
      const at = editor.document.positionAt(offsetOf(editor.document, '[0.3, 0.8]') + 2);
      const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
      assert.match(hover, /values from the last valid spec; fix the errors to update/);
      const shown = await waitFor(() => { const s = api.inlineValues.rowsDecorated(editor); return s.length === 2 && s.every(text => /\(stale\)$/.test(text)) && s; }, 'stale inline values');
      assert.match(shown[0], /^h_1 = /);

      // the fix: a current trace again, nothing stale anywhere
      await replaceBias('0');
      await waitFor(() => !session.stale && session.spec !== undefined, 'the fixed spec to get a current trace');
      assert.equal(session.computeState, 'idle');
      // the fixed text has the numbers of the trace shown: that trace is current again, not recomputed
      assert.equal(session.trace, traceBefore, 'the same numbers keep the trace shown');
      assert.equal(session.trace!.loss.L, traceBefore!.loss.L, 'the same text gives the same loss');
      await waitFor(() => api.statusBar.text === 'LSTM t=2/4 forward', `a current status bar, got ${api.statusBar.text}`);
      assert.equal(api.statusBar.backgroundColor, undefined);
      const hoverAfter = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
      assert.doesNotMatch(hoverAfter, /last valid spec/);
      await waitFor(() => { const s = api.inlineValues.rowsDecorated(editor); return s.length === 2 && s.every(text => !text.includes('stale')); }, 'current inline values');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('a cancelled worker computation is recorded, marks the trace stale, and Recompute Trace recovers', async () => {
      const api = await extensionApi();
      const source = await vscode.workspace.openTextDocument(await workspaceFile('fixtures/bench-64-32-100.lstm.json'));
      try {
        api.setWorkerThresholdMs(0);
        const editor = await openUntitledSpec(source.getText());
        const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the first worker trace', 30000);
        await waitFor(() => api.sessions.activeSession === session, 'the untitled spec to be active');
        const traceBefore = session.trace!;
        // cancel the next computation early: as soon as it is announced, before the worker started
        // (what the notification's Cancel button does when clicked at once)
        const cancelOnStart = session.onDidChange(() => { if (session.computeState === 'computing') session.cancel(); });
        const firstInput = offsetOf(editor.document, '-0.352');
        const end = editor.document.getText().indexOf(',', firstInput);
        await editor.edit(builder => builder.replace(new vscode.Range(editor.document.positionAt(firstInput), editor.document.positionAt(end)), '0.9'));
        try {
          await api.sessions.flush();
          await waitFor(() => session.computeState === 'cancelled', `a cancelled state, got ${session.computeState}`);
        } finally {
          cancelOnStart.dispose();
        }
        assert.equal(session.trace, traceBefore, 'the previous trace is kept');
        assert.equal(session.spec?.inputs[0], 0.9, 'the edit was parsed');
        assert.equal(session.stale, true);
        await waitFor(() => /\(stale\)$/.test(api.statusBar.text), `a stale status bar, got ${api.statusBar.text}`);
        assert.match(String(api.statusBar.tooltip), /cancelled.*Recompute/);
        assert.equal(api.statusBar.command && typeof api.statusBar.command === 'object' ? api.statusBar.command.command : api.statusBar.command, 'lstm.recompute');

        // not stuck: Recompute Trace computes the same text again
        await vscode.commands.executeCommand('lstm.recompute');
        await waitFor(() => session.computeState === 'idle' && !session.stale, 'the recomputed trace', 30000);
        assert.notEqual(session.trace, traceBefore);
        assert.doesNotMatch(api.statusBar.text, /stale/);
        // the recomputed trace is the edited text's: the same text computed inline in another document agrees
        api.setWorkerThresholdMs(undefined);
        const check = await openUntitledSpec(editor.document.getText());
        const inline = await waitFor(() => api.sessions.getSession(check.document.uri)?.trace, 'the inline trace', 30000);
        assert.equal(session.trace!.loss.L, inline.loss.L);
        assert.deepEqual([...session.trace!.forward.f.subarray(0, 64)], [...inline.forward.f.subarray(0, 64)], 'the lazy gates of a worker trace work');
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await vscode.window.showTextDocument(editor.document);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        api.setWorkerThresholdMs(undefined);
      }
    });
  });

  describe('New Spec from Example and the worker', () => {
    it('opens an example as an untitled spec with a session, whose text undo cannot empty', async () => {
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('lstm.newSpecFromExample', 'this-movie-is-good.lstm.json');
      assert.ok(editor);
      assert.equal(editor.document.uri.scheme, 'untitled');
      assert.equal(editor.document.languageId, 'lstm-spec');
      const example = (await vscode.workspace.openTextDocument(await workspaceFile(EXAMPLE))).getText();
      assert.equal(editor.document.getText(), example);
      const api = await extensionApi();
      await waitFor(() => api.sessions.getSession(editor.document.uri)?.trace?.T === 4, 'the example’s trace');
      await vscode.commands.executeCommand('lstm.step');
      assert.equal(api.statusBar.text, 'LSTM t=1/4 forward');
      // the example is the document's initial content, not an edit: undo has nothing to take back
      for (let k = 0; k < 3; k++) await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), example, 'undo emptied the example');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    it('computes a trace in a worker thread with the same result as inline', async () => {
      const { api } = await openSpec('fixtures/bench-64-32-100.lstm.json');
      const inline = api.sessions.activeSession!.trace!;
      const text = vscode.window.activeTextEditor!.document.getText();
      try {
        api.setWorkerThresholdMs(0);
        const editor = await openUntitledSpec(text);
        const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the worker trace', 30000);
        const worker = session.trace!;
        assert.equal(worker.T, inline.T);
        assert.ok(worker.forward.h instanceof Float64Array);
        assert.equal(worker.loss.L, inline.loss.L);
        assert.deepEqual([...worker.backward.perStep.dL_dc.subarray(0, 64)], [...inline.backward.perStep.dL_dc.subarray(0, 64)]);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        api.setWorkerThresholdMs(undefined);
      }
    });

    it('a newer edit cancels a running worker: the trace shown is the last text’s', async () => {
      const api = await extensionApi();
      const source = await vscode.workspace.openTextDocument(await workspaceFile('fixtures/bench-64-32-100.lstm.json'));
      try {
        api.setWorkerThresholdMs(0);
        const editor = await openUntitledSpec(source.getText());
        const session = await waitFor(() => { const s = api.sessions.getSession(editor.document.uri); return s?.trace && s; }, 'the first worker trace', 30000);
        // two edits in a row, each flushed at once: the first worker is superseded by the second
        const firstInput = offsetOf(editor.document, '-0.352');
        const replaceFirstInput = async (value: string) => {
          const start = editor.document.positionAt(firstInput);
          const end = editor.document.positionAt(editor.document.getText().indexOf(',', firstInput));
          await editor.edit(builder => builder.replace(new vscode.Range(start, end), value));
        };
        await replaceFirstInput('0.9');
        const first = api.sessions.flush();
        await replaceFirstInput('-0.7');
        const second = api.sessions.flush();
        await Promise.all([first, second]);
        await waitFor(() => session.spec?.inputs[0] === -0.7 && session.trace?.forward.h, 'the last edit to be parsed', 30000);
        const final = session.trace!;
        // the same text computed inline, in another document
        api.setWorkerThresholdMs(undefined);
        const check = await openUntitledSpec(editor.document.getText());
        const inline = await waitFor(() => api.sessions.getSession(check.document.uri)?.trace, 'the inline trace', 30000);
        assert.equal(final.loss.L, inline.loss.L);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
        await vscode.window.showTextDocument(editor.document);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      } finally {
        api.setWorkerThresholdMs(undefined);
      }
    });

    it('a large spec is computed off the extension host thread', async () => {
      const uri = await workspaceFile('fixtures/large-256-128-400.lstm.json');
      const api = await extensionApi();
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      // while the worker runs, this thread stays free: timers keep firing on time
      let maxGap = 0, last = Date.now();
      const ticker = setInterval(() => { const now = Date.now(); maxGap = Math.max(maxGap, now - last); last = now; }, 10);
      try {
        await waitFor(() => api.sessions.getSession(uri)?.trace, 'the large trace', 60000);
      } finally {
        clearInterval(ticker);
      }
      console.log(`    large spec (256,128,400): longest event-loop gap while computing ${maxGap} ms`);
      assert.equal(api.sessions.getSession(uri)?.trace?.T, 400);
      await closeAllEditors();
    });
  });

  after(closeAllEditors);
});

/**
 * The seed's LSTM (H = I = 2, every weight 0.5 except W_f[1][2] = 0.5 + delta, biases 0, zero
 * initial state, loss = sum of h_T), written out independently of the engine.
 */
function seedLoss(inputs: Float64Array, H: number, I: number, delta: number): number {
  let h = new Array(H).fill(0), c = new Array(H).fill(0);
  const T = inputs.length / I;
  for (let t = 0; t < T; t++) {
    const z = [...h, ...inputs.subarray(t * I, (t + 1) * I)];
    const sum = z.reduce((a, b) => a + b, 0);
    const nextH: number[] = [], nextC: number[] = [];
    for (let j = 0; j < H; j++) {
      const af = 0.5 * sum + (j === 1 ? delta * z[2] : 0);
      const f = sigmoid(af), i = sigmoid(0.5 * sum), g = Math.tanh(0.5 * sum), o = sigmoid(0.5 * sum);
      nextC.push(f * c[j] + i * g);
      nextH.push(o * Math.tanh(nextC[j]));
    }
    h = nextH; c = nextC;
  }
  return h.reduce((a, b) => a + b, 0);
}
