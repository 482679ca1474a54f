// Benchmarks in the real extension host, not timed tests: they print figures and assert nothing
// about speed. Bundled only in bench mode (`node test/runIntegration.mjs --bench`, part of
// `npm run bench`), never in `npm test`.
// Figures: activate() time; the inline trace of (H,I,T) = (64,32,100); one Step's update of the
// status bar and the States tree (the command, then the getTreeItem/getChildren calls VS Code makes
// for the refreshed nodes, expanded); a full tree refresh after an edit.
import * as vscode from 'vscode';
import type { StatesNode } from '../../src/views/statesTree';
import { extensionApi, openSpec, waitFor } from './helpers';

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${median.toFixed(2)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)].toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms (n=${samples.length})`;
}

describe('bench in the real extension host', function () {
  this.timeout(120000);

  it('activation, trace and Step update at (H,I,T) = (64,32,100)', async () => {
    const { api } = await openSpec('fixtures/bench-64-32-100.lstm.json');
    const figures: Record<string, string> = {};
    figures.activation = `${api.activationMs.toFixed(2)} ms (activate() of this host)`;

    // an edit's re-parse + inline trace (what typing costs), on an untitled copy of the spec
    const text = vscode.window.activeTextEditor!.document.getText();
    const copy = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'lstm-spec', content: text }));
    const copySession = await waitFor(() => { const s = api.sessions.getSession(copy.document.uri); return s?.trace && s; }, 'the copy\'s trace', 30000);
    const traceSamples: number[] = [];
    for (let run = 0; run < 10; run++) {
      const before = copySession.trace;
      await copy.edit(builder => builder.insert(copy.document.positionAt(copy.document.getText().lastIndexOf('}')), ' '));
      const started = performance.now();
      await api.sessions.flush();
      traceSamples.push(performance.now() - started);
      if (copySession.trace === before) throw new Error('the edit did not produce a new trace');
    }
    figures['edit: re-parse + inline trace'] = summary(traceSamples);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await openSpec('fixtures/bench-64-32-100.lstm.json');

    // expand every step like a user who opened them all: VS Code then re-reads their children on refresh
    const tree = api.statesTree;
    const stepUpdate = async (command: string): Promise<number> => {
      const fired: (StatesNode | StatesNode[] | undefined)[] = [];
      const listener = tree.onDidChangeTreeData(node => fired.push(node));
      const started = performance.now();
      await vscode.commands.executeCommand(command);
      for (const node of fired) {
        const refreshed = node === undefined ? tree.getChildren() : Array.isArray(node) ? node : [node];
        for (const element of refreshed) {
          tree.getTreeItem(element);
          for (const child of tree.getChildren(element)) tree.getTreeItem(child);
        }
      }
      void api.statusBar.text;
      const elapsed = performance.now() - started;
      listener.dispose();
      return elapsed;
    };
    await vscode.commands.executeCommand('lstm.reset');
    const forward: number[] = [];
    for (let k = 0; k < 100; k++) forward.push(await stepUpdate('lstm.step'));
    const backward: number[] = [];
    for (let k = 0; k < 100; k++) backward.push(await stepUpdate('lstm.step'));
    const back: number[] = [];
    for (let k = 0; k < 50; k++) back.push(await stepUpdate('lstm.stepBack'));
    figures['Step, forward phase (command + status bar + tree items)'] = summary(forward);
    figures['Step, backward phase'] = summary(backward);
    figures['Step Back'] = summary(back);

    const full: number[] = [];
    for (let k = 0; k < 10; k++) {
      const started = performance.now();
      for (const root of tree.getChildren()) tree.getTreeItem(root);
      full.push(performance.now() - started);
    }
    figures['full tree refresh (101 step roots)'] = summary(full);
    await vscode.commands.executeCommand('lstm.reset');
    console.log('    BENCH ' + JSON.stringify(figures, null, 2).replace(/\n/g, '\n    '));
    await extensionApi();
  });
});
