// "Seeing why" in the real extension host: "LSTM: Compare Cells" on the seed example runs lstm,
// gru and rnn and posts one `compare` message with three overlaid cells to the chart panel; the
// Analytics section's payload arrives once per trace (a Step posts none); the States view's Model
// node shows the analytics' finding on the exploding example and none on the seed example. The
// panel's payloads are read through the hidden `lstm._panelSectionsState` and
// `lstm._chartPanelState` commands (src/views/panelSections.ts, chartPanel.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnalyticsPayload, ComparePayload } from '../../src/protocol/messages';
import type { StatesNode } from '../../src/views/statesTree';
import { extensionApi, offsetOf, openSpec, openUntitledCopyWithTrace, waitFor as waitUntil } from './helpers';

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

interface SectionsState { analytics?: AnalyticsPayload; compare?: ComparePayload; compareStatus?: string }
interface PanelState { posted: { type: string }[] }

const sections = async (): Promise<SectionsState> => (await vscode.commands.executeCommand('lstm._panelSectionsState')) as SectionsState;
const panel = async (): Promise<PanelState> => (await vscode.commands.executeCommand('lstm._chartPanelState')) as PanelState;

async function modelLines(): Promise<{ label: string; description: string; warning: boolean; tooltip: string }[]> {
  const api = await extensionApi();
  const roots = await api.statesTree.getChildren();
  const model = roots.find((node: StatesNode) => node.kind === 'model');
  assert.ok(model, 'a Model root');
  const children = await api.statesTree.getChildren(model);
  return children.map((node: StatesNode) => {
    const item = api.statesTree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    const icon = item.iconPath as vscode.ThemeIcon | undefined;
    return { label, description: String(item.description ?? ''), warning: icon?.id === 'warning', tooltip: String(item.tooltip ?? '') };
  });
}

describe('seeing why: compare cells and analytics', function () {
  this.timeout(90000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Compare Cells on the seed example overlays lstm, gru and rnn in the panel', async () => {
    await openSpec('this-movie-is-good.lstm.json');
    await vscode.commands.executeCommand('lstm.reset');
    const result = (await vscode.commands.executeCommand('lstm.compareCells')) as ComparePayload | undefined;
    assert.ok(result, 'the command resolved a payload');
    assert.deepEqual(result.cells.map(c => c.cell), ['lstm', 'gru', 'rnn']);
    const posted = await waitFor(async () => (await sections()).compare, 'the compare payload');
    assert.deepEqual([...new Set(posted.states.lines.map(l => l.field))], ['lstm', 'gru', 'rnn']);
    assert.ok(posted.decay.lines.length >= 3);
    const traffic = await panel();
    assert.ok(traffic.posted.some(p => p.type === 'compare'), JSON.stringify(traffic.posted.map(p => p.type)));
    assert.ok(traffic.posted.some(p => p.type === 'analytics'), 'the analytics payload was posted with the snapshot');
    const analytics = (await sections()).analytics;
    assert.ok(analytics);
    assert.deepEqual(analytics.findings, []);
  });

  it('the Analytics payload is posted once per trace: a Step posts none', async () => {
    await openSpec('this-movie-is-good.lstm.json');
    const before = (await panel()).posted.length;
    await vscode.commands.executeCommand('lstm.step');
    await vscode.commands.executeCommand('lstm.step');
    const after = await waitFor(async () => { const s = await panel(); return s.posted.length >= before + 2 && s; }, 'two cursor updates');
    const since = after.posted.slice(before).map(p => p.type);
    assert.ok(since.includes('cursor'), JSON.stringify(since));
    assert.ok(!since.includes('analytics'), JSON.stringify(since));
  });

  it('the Model node: a finding (steps, units, equation) on exploding-rnn, none on the seed example', async () => {
    await openSpec('exploding-rnn.lstm.json');
    const line = await waitFor(async () => (await modelLines()).find(l => l.label === 'exploding gradient'), 'an exploding-gradient line');
    assert.ok(line.warning);
    assert.match(line.description, /‖dL\/dh_t‖ reaches/);
    assert.match(line.tooltip, /steps t = 1–\d+/);
    assert.match(line.tooltip, /units 0, 1, 2, 3, 4, 5, 6, 7/);
    assert.match(line.tooltip, /equation: dL\/dh_\{t−1\} = W_hᵀ/);

    await openSpec('this-movie-is-good.lstm.json');
    const seed = await waitFor(async () => { const all = await modelLines(); return all.some(l => l.label === 'analytics') && all; }, 'the seed example\'s Model lines');
    assert.ok(seed.some(l => l.label === 'saturation f'), JSON.stringify(seed));
    assert.equal(seed.filter(l => /gradient|growth|saturated gate/.test(l.label)).length, 0, JSON.stringify(seed));
  });
});

describe('the States view after an edit of a spec with findings', () => {
  it('draws the Model node\'s warnings with the new rows, in one tree event (no follow-up at VS Code\'s debounce\'s trailing edge)', async () => {
    const { editor, api, session } = await openUntitledCopyWithTrace('exploding-rnn.lstm.json');
    await waitUntil(() => api.sessions.activeSession === session, 'the untitled spec to be active');
    await api.statesTree.getChildren(); // as the view does: the root's nodes exist
    await new Promise(resolve => setTimeout(resolve, 50));
    const fired: (StatesNode | StatesNode[] | undefined)[] = [];
    const listener = api.statesTree.onDidChangeTreeData(node => fired.push(node));
    try {
      // x_1 = 4.50441e-7 becomes ten times that
      const at = offsetOf(editor.document, '4.50441e-7');
      const traceBefore = session.trace;
      await editor.edit(builder => builder.replace(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + '4.50441e-7'.length)), '4.50441e-6'));
      await api.sessions.flush();
      await waitUntil(() => session.trace !== traceBefore && session.freshness().fresh, 'the edited trace');
      // a later event would come within VS Code's 200 ms tree debounce and be drawn at its trailing edge
      await new Promise(resolve => setTimeout(resolve, 100));
    } finally {
      listener.dispose();
    }
    assert.equal(fired.length, 1, `one tree event (${JSON.stringify(fired.map(e => (Array.isArray(e) ? e.map(n => n.id) : e?.id ?? 'everything')))})`);
    const model = (await api.statesTree.getChildren()).find(node => node.kind === 'model')!;
    assert.match(String(api.statesTree.getTreeItem(model).description), /rnn H=8 I=1 T=\d+, \d+ warnings?$/, 'its count of warnings is in the first drawing');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
