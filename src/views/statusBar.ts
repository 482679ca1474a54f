// The status bar item `LSTM t=2/4 forward`: where the active session's cursor is. Clicking it
// opens Go to Step. Shown only while there is an active session.

import * as vscode from 'vscode';
import { describeCursor } from '../session/cursor';
import type { SessionManager } from '../session/sessionManager';

export function registerStatusBar(context: vscode.ExtensionContext, sessions: SessionManager): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('lstm.cursor', vscode.StatusBarAlignment.Left, 10);
  item.name = 'LSTM Stepper cursor';
  item.command = 'lstm.goToStep';
  const update = () => {
    const session = sessions.activeSession;
    if (!session) { item.hide(); return; }
    const trace = session.trace;
    const name = session.spec?.name ?? session.uri.path.split('/').pop() ?? '';
    if (trace) {
      item.text = `LSTM ${describeCursor(session.cursor, trace.T)}`;
      item.tooltip = `${name}: ${session.cursor.phase === 'forward' ? 'forward pass' : 'backward pass (BPTT)'} at t=${session.cursor.t}. Click to go to a step.`;
      item.backgroundColor = undefined;
    } else {
      const errors = session.issues.some(issue => issue.severity === 'error');
      item.text = errors ? '$(error) LSTM spec has errors' : '$(sync~spin) LSTM computing…';
      item.tooltip = errors ? `${name}: see the Problems view` : `${name}: computing the trace`;
    }
    item.show();
  };
  context.subscriptions.push(item, sessions.onDidChangeActive(update));
  update();
  return item;
}
