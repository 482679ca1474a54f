// Inline values, like the debugger's: after each input row x_t of a visible spec editor, h_t is
// drawn as after-text up to the cursor's step (and, in the backward phase, dL/dh_t for the steps
// the gradients have reached). Only the rows in the editor's visible ranges (and a margin of
// VIEW_MARGIN_LINES around them) are formatted and decorated, again when the editor scrolls, and
// an editor whose shown values did not change is not sent them again: a Step costs the same at
// T = 1000 as at T = 4. Theme colours are the debugger's inline-value colours. Toggled by
// `lstmStepper.inlineValues` (command "LSTM: Toggle Inline Values"). While the session is stale
// (the text has errors, or its trace is not computed yet) every value is marked "(stale)".

import * as vscode from 'vscode';
import type { DocumentSessions } from './documentSessions';
import { reportError } from '../errorReporter';
import { lstmDebugging } from './debugger';
import { inputRowEnds, latestInputRowEnds } from './specTree';
import { backwardReached, fieldRow, formatVector, forwardReached, readPrecision } from './traceFields';
import { OffsetRange, rowsInView } from './visibleRows';

/** Appended to every inline value of a stale session. */
export const STALE_MARK = '  (stale)';

/** Lines above and below the visible ranges that are decorated too, so a short scroll shows values at once. */
export const VIEW_MARGIN_LINES = 20;

/** The editor's visible ranges widened by VIEW_MARGIN_LINES, as offsets. */
function visibleOffsets(editor: vscode.TextEditor): OffsetRange[] {
  const document = editor.document;
  return editor.visibleRanges.map(range => ({
    start: document.offsetAt(new vscode.Position(Math.max(0, range.start.line - VIEW_MARGIN_LINES), 0)),
    // offsetAt clamps a line past the end to the document's end
    end: document.offsetAt(new vscode.Position(range.end.line + VIEW_MARGIN_LINES + 1, 0)),
  }));
}

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
  /** what each editor was last sent (offsets and texts): the same decorations are not sent again */
  const sent = new WeakMap<vscode.TextEditor, string>();
  const apply = (editor: vscode.TextEditor, options: vscode.DecorationOptions[], texts: string[], key: string) => {
    shown.set(editor, texts);
    if (sent.get(editor) === key) return;
    sent.set(editor, key);
    editor.setDecorations(decoration, options);
  };
  let enabled = readEnabled();
  const decorate = (editor: vscode.TextEditor) => {
    try {
      const session = sessions.getSession(editor.document.uri);
      const trace = session?.view;
      // during an lstm debug session the debugger's InlineValuesProvider shows these values instead
      if (!enabled || !session || !trace || lstmDebugging()) { apply(editor, [], [], ''); return; }
      const p = readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
      const fresh = session.freshness().fresh;
      // stale values of a large text keep the last known row positions: no scan of the text per keystroke
      const rows = fresh || session.textLength <= 256 * 1024 ? inputRowEnds(editor.document) : latestInputRowEnds(editor.document);
      const mark = fresh ? '' : STALE_MARK;
      const options: vscode.DecorationOptions[] = [];
      const texts: string[] = [];
      const keys: string[] = [];
      // a stack shows the selected (layer, direction): say which
      const layer = session.layerLabel ? `${session.layerLabel}  ` : '';
      for (const k of rowsInView(rows, visibleOffsets(editor), Math.min(rows.length, trace.T))) {
        const t = k + 1;
        if (!forwardReached(session.cursor, t)) break;
        const h = fieldRow(trace, 'h', t);
        if (!h) continue;
        let text = `${layer}h_${t} = ${formatVector(h, p, 4)}`;
        const dh = backwardReached(session.cursor, t) ? fieldRow(trace, 'dL_dh', t) : undefined;
        if (dh) text += `   dL/dh_${t} = ${formatVector(dh, p, 4)}`;
        text += mark;
        const at = editor.document.positionAt(rows[k]);
        options.push({ range: new vscode.Range(at, at), renderOptions: { after: { contentText: text } } });
        texts.push(text);
        keys.push(`${rows[k]}:${text}`);
      }
      // the document version too: an edit moves the decorations even where the texts stay
      apply(editor, options, texts, `${editor.document.version}\u0000${keys.join('\u0000')}`);
    } catch (error) {
      sent.delete(editor);
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
    // scrolling brings other rows into view
    vscode.window.onDidChangeTextEditorVisibleRanges(event => { if (sessions.getSession(event.textEditor.document.uri)) decorate(event.textEditor); }),
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
