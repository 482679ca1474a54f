// In-host bench of opening and editing a large spec (figures only, no assertion on speed): it
// writes a deterministic (H, I, T) spec into the workspace, opens it, waits for its trace, and
// prints the time to the trace plus, when the host runs with LSTM_TIMING=1, the extension's own
// timeline (src/runtime/timing.ts: parse, worker start and answer, unpack, each slow listener).
// Sizes: LSTM_OPEN_BENCH_SIZES="256x128x400,512x256x1000" (default both).
import * as vscode from 'vscode';
import { extensionApi, waitFor, workspaceFile } from './helpers';

interface Timeline { enabled: boolean; marks: { at: number; label: string }[] }

function specText(H: number, I: number, T: number): string {
  let state = 12345;
  const draw = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return Math.round((state / 2 ** 31 - 1) * 1000) / 1000; };
  const rows: string[] = [];
  for (let t = 0; t < T; t++) rows.push(`[${Array.from({ length: I }, draw).join(', ')}]`);
  return `{"name": "Open H=${H} I=${I} T=${T}", "cell": "lstm", "inputSize": ${I}, "hiddenSize": ${H},\n`
    + ` "init": {"seed": 5, "scale": 0.1, "forgetBias": 1},\n "inputs": [\n  ${rows.join(',\n  ')}\n ]}\n`;
}

function printTimeline(origin: number): void {
  const timeline = (globalThis as { __lstmTiming?: Timeline }).__lstmTiming;
  if (!timeline) { console.log('    (no timeline: run the host with LSTM_TIMING=1)'); return; }
  for (const mark of timeline.marks) console.log(`    ${(mark.at - origin).toFixed(0).padStart(6)} ms  ${mark.label}`);
  timeline.marks.length = 0;
}

describe('bench: opening a large spec in the real extension host', function () {
  this.timeout(600000);
  const sizes = (process.env.LSTM_OPEN_BENCH_SIZES ?? '256x128x400,512x256x1000').split(',').map(s => s.split('x').map(Number));
  for (const [H, I, T] of sizes) {
    it(`open (H,I,T) = (${H},${I},${T})`, async () => {
      const api = await extensionApi();
      const uri = await workspaceFile(`open-${H}-${I}-${T}.lstm.json`);
      const text = specText(H, I, T);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      await new Promise(resolve => setTimeout(resolve, 500));
      const timeline = (globalThis as { __lstmTiming?: Timeline }).__lstmTiming;
      if (timeline) timeline.marks.length = 0;
      const started = performance.now();
      const document = await vscode.workspace.openTextDocument(uri);
      const opened = performance.now();
      await vscode.window.showTextDocument(document);
      const shown = performance.now();
      const session = await waitFor(() => api.sessions.getSession(uri)?.trace && api.sessions.getSession(uri), 'the trace', 120000);
      const traced = performance.now();
      console.log(`    OPEN (${H},${I},${T}) text ${(text.length / 1e6).toFixed(2)} MB: openTextDocument ${(opened - started).toFixed(0)} ms, shown ${(shown - started).toFixed(0)} ms, trace ${(traced - started).toFixed(0)} ms`);
      printTimeline(started);
      if (process.env.LSTM_OPEN_BENCH_PANEL === '1') {
        const panelStart = performance.now();
        await vscode.commands.executeCommand('lstm.openChartPanel');
        await new Promise(resolve => setTimeout(resolve, 3000));
        console.log(`    chart panel command ${(performance.now() - panelStart).toFixed(0)} ms (incl. 3 s wait)`);
        printTimeline(panelStart);
      }
      // an edit: one space before the last brace
      const editStart = performance.now();
      const before = session.trace;
      const editor = vscode.window.activeTextEditor!;
      await editor.edit(builder => builder.insert(document.positionAt(document.getText().lastIndexOf('}')), ' '));
      await waitFor(() => session.trace !== before && session.trace, 'the edited trace', 120000);
      console.log(`    EDIT (${H},${I},${T}): new trace ${(performance.now() - editStart).toFixed(0)} ms after the edit`);
      printTimeline(editStart);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  }
});
