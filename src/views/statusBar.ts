// The status bar item `LSTM t=2/4 forward`: where the active session's cursor is. Clicking it
// opens Go to Step. Shown only while there is an active session. A stale trace (the text has
// errors, or its computation is running, failed or was cancelled) reads `LSTM t=2/4 forward (stale)`
// on the warning background, and the tooltip says why and how to update it.

import * as vscode from 'vscode';
import { describeCursor } from '../session/cursor';
import type { Session } from '../session/session';
import type { SessionManager } from '../session/sessionManager';

/** Why the session is stale or has no trace, and what to do: for the status bar tooltip and the States view message. */
export function staleReason(session: Session): string | undefined {
  const errors = session.issues.some(issue => issue.severity === 'error');
  if (errors) return 'the spec has errors (see the Problems view); the values shown are from the last valid spec';
  switch (session.computeState) {
    case 'computing': return 'the trace of the current text is being computed';
    case 'failed': return `the trace could not be computed${session.computeError ? ` (${session.computeError})` : ''}; run "LSTM: Recompute Trace" to try again`;
    case 'cancelled': return 'the computation was cancelled; run "LSTM: Recompute Trace" to compute it';
    default: return undefined;
  }
}

export function registerStatusBar(context: vscode.ExtensionContext, sessions: SessionManager): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('lstm.cursor', vscode.StatusBarAlignment.Left, 10);
  item.name = 'LSTM Stepper cursor';
  const update = () => {
    const session = sessions.activeSession;
    if (!session) { item.hide(); return; }
    const trace = session.trace;
    const name = session.spec?.name ?? session.uri.path.split('/').pop() ?? '';
    const reason = staleReason(session);
    const recoverable = session.computeState === 'failed' || session.computeState === 'cancelled';
    item.command = recoverable ? 'lstm.recompute' : 'lstm.goToStep';
    if (trace) {
      const stale = session.stale;
      item.text = `LSTM ${describeCursor(session.cursor, trace.T)}${stale ? ' (stale)' : ''}`;
      const where = `${name}: ${session.cursor.phase === 'forward' ? 'forward pass' : 'backward pass (BPTT)'} at t=${session.cursor.t}.`;
      item.tooltip = stale
        ? `${where} Stale: ${reason ?? 'the values are not from the current text'}.${recoverable ? ' Click to recompute.' : ''}`
        : `${where} Click to go to a step.`;
      item.backgroundColor = stale ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    } else {
      const errors = session.issues.some(issue => issue.severity === 'error');
      item.text = errors ? '$(error) LSTM spec has errors'
        : session.computeState === 'failed' ? '$(error) LSTM trace failed'
          : session.computeState === 'cancelled' ? '$(debug-pause) LSTM cancelled' : '$(sync~spin) LSTM computing…';
      item.tooltip = `${name}: ${reason ?? 'computing the trace'}${recoverable ? '. Click to recompute.' : ''}`;
      item.backgroundColor = errors || session.computeState === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    item.show();
  };
  context.subscriptions.push(item, sessions.onDidChangeActive(update));
  update();
  return item;
}
