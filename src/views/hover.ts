// Hover in a spec file: what the number under the mouse means in the computation. An input row x_t
// shows that step's gates and states (and its gradients once BPTT has reached it); a weight or
// bias entry shows its role (gate, unit, the h or x column it multiplies), its value and its
// dL/dW; h0/c0 show dL/dh0 and dL/dc0; a token shows its step. The JSON path under the mouse
// comes from jsonc-parser, so comments and any formatting work. For a stack the values are the
// selected (layer, direction)'s, and the hover says which; the `model` key lists that layer's
// weight gradients under the model file's own names (`encoder.lstm.weight_ih_l1.grad`).

import { Node as JsonNode, findNodeAtOffset, getNodePath } from 'jsonc-parser';
import * as vscode from 'vscode';
import type { Spec, Trace } from '../engine/types';
import type { DocumentSessions, SpecSession as Session } from './documentSessions';
import { offsetRange, SPEC_SELECTOR } from './specDocument';
import { reportError } from '../errorReporter';
import { paramEntryRole, textbookColumns } from './paramRoles';
import { specTree } from './specTree';
import { frameworkGradsFor, gradEntryName } from './frameworkGrads';
import {
  FORWARD_FIELDS, backwardFields, backwardReached, fieldRow, formatNumber, formatVector, forwardReached, readPrecision,
} from './traceFields';

/** Added to every hover of a stale session (the trace shown is not the current text's). */
export const STALE_NOTE = 'values from the last valid spec; fix the errors to update';
/** The same, while the current text's trace is being computed, failed or was cancelled (followed by the session's reason). */
export const PENDING_NOTE = 'values from the previous version of the spec';

const MAX_TABLE_UNITS = 8;

type Segment = string | number;

export class SpecHoverProvider implements vscode.HoverProvider {
  constructor(private readonly sessions: DocumentSessions) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    try {
      return this.hover(document, position);
    } catch (error) {
      reportError('hover', error);
      return undefined;
    }
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const session = this.sessions.getSession(document.uri) ?? this.sessions.open(document);
    if (!session) return undefined;
    const root = specTree(document);
    if (!root) return undefined;
    const node = findNodeAtOffset(root, document.offsetAt(position), true);
    if (!node) return undefined;
    const path = getNodePath(node);
    const markdown = describePath(session, path, node);
    if (!markdown) return undefined;
    const range = offsetRange(document, node.offset, node.length);
    return new vscode.Hover(markdown, range);
  }
}

/** The hover text for a JSON path in a spec, or undefined when the path means nothing special. */
export function describePath(session: Session, path: Segment[], node?: JsonNode): vscode.MarkdownString | undefined {
  const spec = session.spec;
  const trace = session.view;
  const p = readPrecision(vscode.workspace.getConfiguration('lstmStepper'));
  if (!trace) {
    return session.issues.some(issue => issue.severity === 'error')
      ? new vscode.MarkdownString('LSTM: the spec has errors, so no values can be shown (see the Problems view).') : undefined;
  }
  const freshness = session.freshness();
  const stale = freshness.fresh ? '' : `\n\n⚠ *${freshness.reason === 'errors' ? STALE_NOTE : `${PENDING_NOTE}: ${freshness.message}`}*`;
  const [head, second, third, fourth] = path;
  let text: string | undefined;
  if (head === 'inputs' && typeof second === 'number') text = inputRowHover(session, trace, second + 1, p);
  else if (head === 'tokens' && typeof second === 'number') text = tokenHover(session, trace, second + 1, p);
  else if ((head === 'h0' || head === 'c0')) text = initialStateHover(trace, head, typeof second === 'number' ? second : undefined, p);
  else if (head === 'weights' && typeof second === 'string') {
    text = weightHover(session.modelOverride ? session.modelSpec : spec, trace, second, typeof third === 'number' ? third : undefined, typeof fourth === 'number' ? fourth : undefined, node, p);
  } else if (head === 'loss') text = lossHover(session.trace ?? trace, p);
  else if (head === 'model') text = modelHover(session, p);
  if (!text) return undefined;
  // a stack shows one (layer, direction): say which, and how to show another
  const layer = session.layerLabel ? `\n\n*${session.layerLabel}: layer ${session.layerLabel.replace(/^L(\d+) (.)$/, (_m, k, arrow) => `${k}, ${arrow === '←' ? 'reverse' : 'forward'}`)} is shown (LSTM: Select Layer…)*` : '';
  // a scrubbed training step (the session's model override): the values are that model's, not the text's numbers
  const override = session.modelOverride;
  const trained = override ? `\n\n*Values and gradients: ${override.label}; the numbers in the text are the spec's own weights.*` : '';
  const markdown = new vscode.MarkdownString(text + layer + trained + stale);
  markdown.supportThemeIcons = false;
  return markdown;
}

function stepHeading(trace: Trace, t: number): string {
  const token = trace.tokens?.[t - 1];
  return `step t=${t}${token !== undefined ? ` · token ${inlineCode(JSON.stringify(token))}` : ''}`;
}

function cursorNote(session: Session, t: number): string {
  const cursor = session.cursor;
  if (cursor.phase === 'forward') return t <= cursor.t ? `computed (cursor at forward t=${cursor.t})` : `not reached yet (cursor at forward t=${cursor.t})`;
  return `cursor at backward t=${cursor.t}`;
}

function table(trace: Trace, keys: { key: string; label: string }[], t: number, p: number): string {
  const H = trace.hiddenSize;
  const shown = Math.min(H, MAX_TABLE_UNITS);
  const rows = keys.map(k => ({ label: k.label, row: fieldRow(trace, k.key, t) })).filter(k => k.row);
  const lines = [`| unit | ${rows.map(r => r.label).join(' | ')} |`, `|---:|${rows.map(() => '---:').join('|')}|`];
  for (let j = 0; j < shown; j++) lines.push(`| ${j} | ${rows.map(r => formatNumber(r.row![j], p)).join(' | ')} |`);
  if (H > shown) lines.push(`\n*first ${shown} of ${H} units*`);
  return lines.join('\n');
}

function inputRowHover(session: Session, trace: Trace, t: number, p: number): string | undefined {
  if (t < 1 || t > trace.T) return undefined;
  const I = trace.inputSize;
  // the input the trace was computed from, not a newer spec's
  const x = trace.source.inputs.subarray((t - 1) * I, t * I);
  const parts = [`**x_${t}**${x ? ` = ${formatVector(x, p, 8)}` : ''} · ${stepHeading(trace, t)} · ${cursorNote(session, t)}`];
  parts.push(`**Forward** (${forwardReached(session.cursor, t) ? 'reached' : 'not reached yet'})\n\n${table(trace, FORWARD_FIELDS[trace.cell], t, p)}`);
  if (backwardReached(session.cursor, t)) {
    parts.push(`**Backward** (gradients have flowed back to t=${t})\n\n${table(trace, backwardFields(trace.cell), t, p)}`);
    const dx = trace.backward.perStep.dL_dx?.subarray((t - 1) * I, t * I);
    if (dx) parts.push(`dL/dx_${t} = ${formatVector(dx, p, 8)}`);
  } else if (session.cursor.phase === 'backward') {
    parts.push(`*Gradients reach t=${t} at backward step t=${t}.*`);
  } else {
    parts.push('*Gradients appear in the backward phase (LSTM: Run to End, then Step).*');
  }
  return parts.join('\n\n');
}

function tokenHover(session: Session, trace: Trace, t: number, p: number): string | undefined {
  if (t < 1 || t > trace.T) return undefined;
  const h = fieldRow(trace, 'h', t);
  return `Token of ${stepHeading(trace, t)} (input row ${t - 1}) · ${cursorNote(session, t)}${h ? `\n\nh_${t} = ${formatVector(h, p, 8)}` : ''}`;
}

function initialStateHover(trace: Trace, which: 'h0' | 'c0', j: number | undefined, p: number): string | undefined {
  const gradient = which === 'h0' ? trace.backward.dL_dh0 : trace.backward.dL_dc0;
  // the initial state the trace was computed from, not a newer spec's
  const value = which === 'h0' ? trace.source.h0 : trace.source.c0;
  const name = which === 'h0' ? 'h_0' : 'c_0';
  if (which === 'c0' && !gradient) return `**c_0** is not used by a ${trace.cell} cell.`;
  if (j !== undefined) {
    return `**${name}[${j}]** = ${value && j < value.length ? formatNumber(value[j], p) : '?'} (initial state, unit ${j})\n\n`
      + `dL/d${name}[${j}] = ${gradient && j < gradient.length ? formatNumber(gradient[j], p) : '?'}`;
  }
  return `**${name}** = ${value ? formatVector(value, p, 8) : '?'} (initial state)\n\n`
    + `dL/d${name} = ${gradient ? formatVector(gradient, p, 8) : '?'} (the gradient that reaches the start after BPTT)`;
}

function weightHover(spec: Spec | undefined, trace: Trace, name: string, row: number | undefined, col: number | undefined, node: JsonNode | undefined, p: number): string | undefined {
  const H = trace.hiddenSize, I = trace.inputSize;
  const role = paramEntryRole(trace.cell, H, I, name, row, col);
  if (!role) return undefined;
  const gradients = trace.backward[role.gradient] as Record<string, Float64Array> | undefined;
  const gradient = gradients?.[role.param];
  const columns = role.gradient === 'dL_dW' ? textbookColumns(trace.cell, role.param, H, I) : 1;
  const what = [role.gate];
  if (role.unit !== undefined) what.push(`unit ${role.unit}`);
  if (role.column) what.push(`multiplies ${inlineCode(role.column)}`);
  const pytorch = name !== role.param;
  const lines = [`**${name}${row !== undefined ? `[${row}]` : ''}${col !== undefined ? `[${col}]` : ''}** — ${what.join(', ')}${pytorch ? ` (textbook ${inlineCode(role.param)})` : ''}`];
  if (role.index !== undefined) {
    // one entry (or one bias entry): its value and its gradient
    const literal = node && node.type === 'number' ? Number(node.value) : undefined;
    const fromSpec = !pytorch ? spec?.params[role.param]?.[role.index] : undefined;
    const value = literal ?? fromSpec;
    if (value !== undefined) lines.push(`value ${formatNumber(value, p)}`);
    // with a scrubbed training step, `spec` is the override's: its value differs from the text's number
    if (literal !== undefined && fromSpec !== undefined && fromSpec !== literal) lines.push(`value in the model shown: ${formatNumber(fromSpec, p)}`);
    if (gradient && role.index < gradient.length) lines.push(`dL/d${role.param}${indexText(role.index, columns, role.gradient)} = ${formatNumber(gradient[role.index], p)} (summed over all ${trace.T} steps)`);
    if (role.note) lines.push(`*${role.note}*`);
  } else if (gradient && role.unit !== undefined && role.gradient === 'dL_dW' && !pytorch) {
    lines.push(`dL/d${role.param}[${role.unit}] = ${formatVector(gradient.subarray(role.unit * columns, (role.unit + 1) * columns), p, 8)}`);
  } else if (gradient) {
    let norm = 0;
    for (const g of gradient) norm += g * g;
    const shape = role.gradient === 'dL_dW' ? `${gradient.length / columns}×${columns}` : `${gradient.length}`;
    lines.push(`${node?.type === 'number' ? `this number fills the whole ${shape} ${role.gradient === 'dL_dW' ? 'matrix' : 'vector'}; ` : ''}‖dL/d${role.param}‖ = ${formatNumber(Math.sqrt(norm), p)} over ${shape} entries`);
  }
  return lines.join('\n\n');
}

function indexText(index: number, columns: number, kind: string): string {
  return kind === 'dL_dW' ? `[${Math.floor(index / columns)}][${index % columns}]` : `[${index}]`;
}

function lossHover(trace: Trace, p: number): string {
  const hT = fieldRow(trace, 'h', trace.T);
  const y = trace.stack ? trace.stack.output.subarray((trace.T - 1) * trace.stack.output.length / trace.T, trace.stack.output.length) : hT;
  const lines = [`**Loss** ${trace.loss.kind}: L = ${formatNumber(trace.loss.L, p)}`];
  if (y) lines.push(`${trace.stack ? `output[${trace.T}]` : `h_${trace.T}`} = ${formatVector(y, p, 8)}`);
  if (trace.loss.logits) lines.push(`logits = ${formatVector(trace.loss.logits, p, 8)}`);
  if (trace.loss.probs) lines.push(`softmax = ${formatVector(trace.loss.probs, p, 8)}`);
  return lines.join('\n\n');
}

/**
 * The `model` key of a spec: the module the weights come from, the layer shown, and the weight
 * gradients of that layer under the file's own names (what `param.grad` holds after
 * `loss.backward()`), with their textbook names in the States view's Gradients.
 */
function modelHover(session: Session, p: number): string | undefined {
  const full = session.trace;
  const spec = session.spec;
  if (!full || !spec) return undefined;
  const stack = full.stack;
  const lines = [`**Model** ${inlineCode(spec.framework?.prefix ?? '')}: ${full.cell}, ${stack ? `${stack.numLayers} layer${stack.numLayers === 1 ? '' : 's'}, ${stack.bidirectional ? 'bidirectional' : 'one direction'}, ` : ''}H=${full.hiddenSize}`];
  const entry = stack?.layers[session.layer];
  const grads = frameworkGradsFor(full, entry?.layer ?? 0, entry?.direction ?? 'forward', session.spec?.framework);
  if (grads.length > 0) {
    lines.push(`Gradients after BPTT${session.layerLabel ? ` (${session.layerLabel})` : ''}, as PyTorch's \`param.grad\`:`);
    const rows = ['| tensor | shape | ‖grad‖ |', '|---|---:|---:|'];
    for (const g of grads) {
      let norm = 0;
      for (const v of g.tensor.data) norm += v * v;
      rows.push(`| ${inlineCode(gradEntryName(g.name))} | (${g.tensor.shape.join(', ')}) | ${formatNumber(Math.sqrt(norm), p)} |`);
    }
    lines.push(rows.join('\n'));
    lines.push('*Each entry, with its textbook name, is under Gradients in the States view.*');
  }
  return lines.join('\n\n');
}

function inlineCode(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

export function registerHover(context: vscode.ExtensionContext, sessions: DocumentSessions): SpecHoverProvider {
  const provider = new SpecHoverProvider(sessions);
  context.subscriptions.push(vscode.languages.registerHoverProvider(SPEC_SELECTOR, provider));
  return provider;
}
