// The framework's names for a trace's gradients: which of `trace.frameworkGrads` (the weight
// gradients under the model file's own tensor names, e.g. `encoder.lstm.weight_ih_l1_reverse`,
// `fc.weight`; an inline head's shown as `head.weight`, as training names it) belong to the (layer, direction) a view shows, and which textbook gradient an
// entry of a PyTorch-named one is (`…weight_ih_l1_reverse.grad[7][2]` = dL/dW_i[3][H+2] of that
// layer's view), so the States view and the hovers can give both names. Pure (no vscode).

import type { NamedTensor } from '../engine/framework';
import type { Trace } from '../engine/types';
import { paramEntryRole } from './paramRoles';

/** PyTorch's per-layer tensor names: weight_ih_l1, bias_hh_l0_reverse, … (after an optional module prefix). */
const PYTORCH_LAYER_NAME = /(?:^|\.)((?:weight|bias)_(?:ih|hh))_l(\d+)(_reverse)?$/;

export interface FrameworkGrad {
  /** the name under which the framework reports it: `encoder.lstm.weight_ih_l1` */
  name: string;
  tensor: NamedTensor;
  /** for PyTorch's per-layer names: the l0 form the cell table knows (`weight_ih_l0`), to map entries to the textbook */
  layerName?: string;
}

/**
 * The name the views give a head gradient: an inline head (`loss.head` with numbers: the spec's
 * framework has no headPrefix) is `head.weight` / `head.bias`, the names training gives its
 * parameters (docs/training.md); the trace JSON keeps `fc.*` for it (docs/trace-format.md).
 */
function shownName(name: string, framework: { headPrefix?: string } | undefined): string {
  if (!framework || framework.headPrefix !== undefined) return name;
  return name === 'fc.weight' ? 'head.weight' : name === 'fc.bias' ? 'head.bias' : name;
}

/**
 * The framework-named gradients to show with stack entry (layer, direction): that entry's
 * PyTorch-named tensors, plus every tensor that is not per-layer (a head's fc.weight, ONNX's
 * W/R/B, a Keras kernel, which hold every direction). With the spec's `framework`, an inline
 * head's gradients are named as training names them (head.weight, head.bias).
 */
export function frameworkGradsFor(trace: Trace, layer: number, direction: 'forward' | 'reverse', framework?: { headPrefix?: string }): FrameworkGrad[] {
  const grads = trace.frameworkGrads;
  if (!grads) return [];
  const shown: FrameworkGrad[] = [];
  for (const [traceName, tensor] of Object.entries(grads)) {
    const name = shownName(traceName, framework);
    const match = PYTORCH_LAYER_NAME.exec(name);
    if (!match) { shown.push({ name, tensor }); continue; }
    const [, base, k, reverse] = match;
    if (Number(k) !== layer || (reverse !== undefined) !== (direction === 'reverse')) continue;
    shown.push({ name, tensor, layerName: `${base}_l0` });
  }
  return shown;
}

/**
 * The textbook gradient of entry [row][col] (col omitted for a bias) of a PyTorch-named gradient,
 * in `view` (the entry's single-layer trace): "dL/dW_i[3][6]" and its value, or undefined when
 * the tensor has no textbook counterpart.
 */
export function textbookGradient(view: Trace, grad: FrameworkGrad, row: number, col?: number): { label: string; value: number; role: string } | undefined {
  if (!grad.layerName) return undefined;
  const role = paramEntryRole(view.cell, view.hiddenSize, view.inputSize, grad.layerName, row, col);
  if (!role || role.index === undefined) return undefined;
  const values = view.backward[role.gradient]?.[role.param];
  if (!values || values[role.index] === undefined) return undefined;
  const value = values[role.index];
  const info = `${role.gate}, unit ${role.unit}${role.column ? `, × ${role.column}` : ''}`;
  if (role.gradient === 'dL_db') return { label: `dL/d${role.param}[${role.unit}]`, value, role: info };
  const columns = values.length / view.hiddenSize;
  const r = Math.floor(role.index / columns), c = role.index % columns;
  return { label: `dL/d${role.param}[${r}][${c}]`, value, role: info };
}

/** "encoder.lstm.weight_ih_l1.grad[7][2]": the name a PyTorch user types to read the same number. */
export function gradEntryName(name: string, row?: number, col?: number): string {
  return `${name}.grad${row === undefined ? '' : `[${row}]`}${col === undefined ? '' : `[${col}]`}`;
}
