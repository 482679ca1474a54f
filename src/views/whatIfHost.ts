// The chart panel's what-if intents on the VS Code side (docs/panel.md#what-if). A preview asks
// the session to recompute with an overriding spec (Session.previewWhatIf: one computation in
// flight, the latest value wins; the text is untouched); a commit writes the value into the spec
// document as ONE WorkspaceEdit built by whatIfEdits (jsonc-parser's modify), so one Ctrl+Z in the
// editor undoes exactly that change; Escape ends the preview. The equation view's operands get
// their JSON location (or why they cannot be edited) from the document's cached JSON tree.

import * as vscode from 'vscode';
import type { EquationOperand, StepDetail, WhatIfTarget } from '../protocol/messages';
import type { SpecSession } from './documentSessions';
import { specTree, specTypes } from './specTree';
import { locateWhatIf, whatIfEdits, whatIfShapeOf, whatIfSpec } from './whatIf';
import { offsetRange } from './specDocument';

/** Where a target's name is shown to the user: W_f[0][2], b_f[1], x_3[0]. */
export function targetLabel(target: WhatIfTarget): string {
  if (target.kind === 'input') return `x_${target.t}[${target.col}]`;
  return `${target.name}[${target.row}]${target.col > 0 || target.name.startsWith('W') ? `[${target.col}]` : ''}`;
}

/** Gives each operand of `step` its JSON path in the document (or the reason it cannot be edited). */
export function locateOperands(step: StepDetail, session: SpecSession, document: vscode.TextDocument | undefined): void {
  const operands = step.operands;
  if (!operands || operands.length === 0) return;
  const spec = session.spec;
  // the worker's text shape when it parsed this version: no second parse of a large text here
  const types = document ? specTypes(document) : undefined;
  for (const operand of operands) {
    const location = spec ? locateWhatIf(types, operand.target, whatIfShapeOf(spec)) : { refused: 'the spec has errors' };
    delete (operand as Partial<EquationOperand>).path;
    if (location.refused !== undefined) operand.refused = location.refused;
    else {
      operand.path = location.path;
      if (location.fill) operand.fill = true;
    }
  }
}

/** Recompute with `target` = `value` (no edit); ignored when the value cannot be edited in the text. */
export function previewWhatIf(session: SpecSession, document: vscode.TextDocument | undefined, target: WhatIfTarget, value: number): void {
  const spec = session.spec;
  if (!spec || !document) return;
  if (locateWhatIf(specTypes(document), target, whatIfShapeOf(spec)).refused !== undefined) return;
  const overriding = whatIfSpec(spec, target, value);
  if (overriding) void session.previewWhatIf(overriding);
}

/**
 * Writes `target` = `value` into the spec document as one undoable edit. Refused values (init,
 * model files, PyTorch names, inputs from a file) get a warning that says why. Resolves true when
 * the document was edited.
 */
export async function commitWhatIf(session: SpecSession, document: vscode.TextDocument | undefined, target: WhatIfTarget, value: number): Promise<boolean> {
  const spec = session.spec;
  const label = targetLabel(target);
  if (!spec || !document) {
    session.endWhatIf();
    void vscode.window.showWarningMessage(`LSTM: cannot change ${label}: ${spec ? 'the spec is not open in an editor' : 'the spec has errors'}.`);
    return false;
  }
  const text = document.getText();
  const built = whatIfEdits(text, specTree(document), target, value, whatIfShapeOf(spec), spec.params);
  if ('error' in built) {
    session.endWhatIf();
    void vscode.window.showWarningMessage(`LSTM: cannot change ${label}: ${built.error} (see docs/panel.md, What-if).`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const change of built.edits) {
    edit.replace(document.uri, offsetRange(document, change.offset, change.length), change.content);
  }
  const unchanged = built.edits.every(change => text.slice(change.offset, change.offset + change.length) === change.content);
  if (unchanged) {
    // the same text: no new trace will come to end the preview
    session.endWhatIf();
    return false;
  }
  // the last preview stays on screen until the edited text's trace (the same values) arrives
  session.endWhatIf(true);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    session.endWhatIf();
    void vscode.window.showWarningMessage(`LSTM: could not edit the spec to change ${label}.`);
  }
  return applied;
}
