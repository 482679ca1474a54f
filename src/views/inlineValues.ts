// Inline values, like the debugger's: after each input row x_t of a visible spec editor, h_t is
// drawn as after-text up to the cursor's step (and, in the backward phase, dL/dh_t for the steps
// the gradients have reached). Theme colours are the debugger's inline-value colours. Toggled by
// `lstmStepper.inlineValues` (command "LSTM: Toggle Inline Values"). While the session is stale
// (the text has errors, or its trace is not computed yet) every value is marked "(stale)".

import * as vscode from 'vscode';
import type { DocumentSessions } from './documentSessions';
import { reportError } from '../errorReporter';
import { lstmDebugging } from './debugger';
import { inputRowEnds, latestInputRowEnds } from './specTree';
import { backwardReached, fieldRow, formatVector, forwardReached, readPrecision } from './traceFields';

/** Appended to every inline value of a stale session. */
export const STALE_MARK = '  (stale)';

export function registerInlineValues(context: vscode.ExtensionContext, sessions: DocumentSessions): { rowsDecorated: (editor: vscode.TextEditor) => string[] } {
  const decoration = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editor.inlineValuesForeground'),
      backgroundColor: new vscode.ThemeColor('editor.inlineValuesBackground'),
      margin: '0 0 0 1.5em',
      fontStyle: 'italic',
    },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  /** what each editor shows, for tests */
  const shown = new WeakMap<vscode.TextEditor, string[]>();
  let enabled = readEnabled();
  const decorate = (editor: vscode.TextEditor) => {
    try {
      const session = sessions.getSession(editor.document.uri);
      const trace = session?.view;
      // during an lstm debug session the debugger's InlineValuesProvider shows these values instead
      if (!enabled || !session || !trace || lstmDebugging()) { editor.setDecorations(decoration, []); shown.set(editor, []); return; }
      const p = readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
      const fresh = session.freshness().fresh;
      // stale values of a large text keep the last known row positions: no scan of the text per keystroke
      const rows = fresh || session.textLength <= 256 * 1024 ? inputRowEnds(editor.document) : latestInputRowEnds(editor.document);
      const mark = fresh ? '' : STALE_MARK;
      const options: vscode.DecorationOptions[] = [];
      const texts: string[] = [];
      for (let t = 1; t <= Math.min(rows.length, trace.T); t++) {
        if (!forwardReached(session.cursor, t)) break;
        const h = fieldRow(trace, 'h', t);
        if (!h) continue;
        // a stack shows the selected (layer, direction): say which
        let text = `${session.layerLabel ? `${session.layerLabel}  ` : ''}h_${t} = ${formatVector(h, p, 4)}`;
        const dh = backwardReached(session.cursor, t) ? fieldRow(trace, 'dL_dh', t) : undefined;
        if (dh) text += `   dL/dh_${t} = ${formatVector(dh, p, 4)}`;
        text += mark;
        const at = editor.document.positionAt(rows[t - 1]);
        options.push({ range: new vscode.Range(at, at), renderOptions: { after: { contentText: text } } });
        texts.push(text);
      }
      editor.setDecorations(decoration, options);
      shown.set(editor, texts);
    } catch (error) {
      editor.setDecorations(decoration, []);
      shown.set(editor, []);
      reportError('inline values', error);
    }
  };

  const decorateAll = () => vscode.window.visibleTextEditors.forEach(decorate);

  context.subscriptions.push(
    decoration,
    sessions.onDidChangeSession(({ session }) => {
      const key = session.uri.toString();
      vscode.window.visibleTextEditors.filter(e => e.document.uri.toString() === key).forEach(decorate);
    }),
    vscode.window.onDidChangeVisibleTextEditors(decorateAll),
    vscode.debug.onDidChangeActiveDebugSession(decorateAll),
    vscode.workspace.onDidChangeConfiguration(event => {
      if (!event.affectsConfiguration('lstmStepper')) return;
      enabled = readEnabled();
      decorateAll();
    }),
  );
  decorateAll();
  return { rowsDecorated: editor => shown.get(editor) ?? [] };
}

function readEnabled(): boolean {
  return vscode.workspace.getConfiguration('lstmStepper').get<boolean>('inlineValues', true);
}
