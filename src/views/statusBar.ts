// The status bar item `LSTM t=2/4 forward`: where the active session's cursor is, and for a stack
// which (layer, direction) the views show: `LSTM L2 ← t=3/20 backward` (← reverse, → forward;
// nothing for a single layer). Clicking it opens Go to Step. Shown only while there is an active session. A stale trace (the text has
// errors, or its computation is running, failed or was cancelled) reads `LSTM t=2/4 forward (stale)`
// on the warning background, and the tooltip gives the session's freshness message. A scrubbed
// training step adds `· training step 3 of 50 (not applied)`.

import * as vscode from 'vscode';
import { describeCursor } from '../runtime/cursor';
import type { DocumentSessions } from './documentSessions';

export function registerStatusBar(context: vscode.ExtensionContext, sessions: DocumentSessions): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('lstm.cursor', vscode.StatusBarAlignment.Left, 10);
  item.name = 'LSTM Stepper cursor';
  const update = () => {
    const session = sessions.activeSession;
    if (!session) { item.hide(); return; }
    const trace = session.view;
    const name = session.spec?.name ?? session.uri.path.split('/').pop() ?? '';
    const freshness = session.freshness();
    const reason = freshness.fresh ? undefined : freshness.reason;
    const recoverable = reason === 'failed' || reason === 'cancelled';
    item.command = recoverable ? 'lstm.recompute' : 'lstm.goToStep';
    if (trace) {
      const layer = session.layerLabel;
      // a scrubbed training step (the session's model override): "· training step 3 of 50 (not applied)"
      const override = session.modelOverride;
      item.text = `LSTM ${layer ? `${layer} ` : ''}${describeCursor(session.cursor, trace.T)}${freshness.fresh ? '' : ' (stale)'}${override ? ` · ${override.label}` : ''}`;
      const shown = layer ? ` Showing layer ${layer.replace('→', 'forward').replace('←', 'reverse')} ("LSTM: Select Layer…" shows another).` : '';
      const where = `${name}: ${session.cursor.phase === 'forward' ? 'forward pass' : 'backward pass (BPTT)'} at t=${session.cursor.t}.${shown}`;
      const trained = override ? ` Showing the model after ${override.step} of ${override.steps} training updates, not written into the spec ("LSTM: Apply Trained Weights" writes them).` : '';
      item.tooltip = freshness.fresh
        ? `${where}${trained} Click to go to a step.`
        : `${where} Stale: ${freshness.message}.${recoverable ? ' Click to recompute.' : ''}`;
      item.backgroundColor = freshness.fresh ? undefined : new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      item.text = reason === 'errors' ? '$(error) LSTM spec has errors'
        : reason === 'failed' ? '$(error) LSTM trace failed'
          : reason === 'cancelled' ? '$(debug-pause) LSTM cancelled' : '$(sync~spin) LSTM computing…';
      item.tooltip = `${name}: ${freshness.fresh ? 'computing the trace' : freshness.message}${recoverable ? '. Click to recompute.' : ''}`;
      item.backgroundColor = reason === 'errors' || reason === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    item.show();
  };
  context.subscriptions.push(item, sessions.onDidChangeActive(update));
  update();
  return item;
}
