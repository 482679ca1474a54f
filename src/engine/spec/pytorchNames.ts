// PyTorch tensor names in a spec's `weights` (weight_ih_l0, weight_hh_l0, bias_ih_l0,
// bias_hh_l0) and their mapping to the textbook parameters, both read from the cell table
// (cells.ts: each cell's gate blocks in PyTorch's order, and each parameter's side):
//   nn.LSTM: row blocks i, f, g, o. W_k = [weight_hh[rows_k] | weight_ih[rows_k]] (H, H+I),
//            b_k = bias_ih[rows_k] + bias_hh[rows_k].
//   nn.GRU:  row blocks r, z, n; W_ir = weight_ih rows r, W_hr = weight_hh rows r, b_ir = bias_ih
//            rows r, b_hr = bias_hh rows r (both biases kept apart: b_hn sits inside r*(…)).
//   nn.RNN:  one block; W = [weight_hh | weight_ih], b = bias_ih + bias_hh.

import { CELLS, PYTORCH_TENSOR_NAMES, pytorchTensorNames } from '../cells';
import { CELL_KINDS, type CellKind } from '../types';
import type { Shape } from './shapes';

/** The single-layer PyTorch tensor names a spec may use. */
export const PYTORCH_NAMES: readonly string[] = PYTORCH_TENSOR_NAMES;

/** Any layer's or direction's PyTorch name (weight_hh_l1_reverse): only _l0 is supported. */
export const PYTORCH_NAME_PATTERN = /^(weight|bias)_(ih|hh)_l\d+(_reverse)?$/;

/** The cells whose weights may be given with PyTorch names. */
export function pytorchCells(): CellKind[] {
  return CELL_KINDS.filter(kind => CELLS[kind].pytorch !== undefined);
}

/** The PyTorch tensors' shapes for `cell`, or undefined when it has no PyTorch layout. */
export function pytorchParameterShapes(cell: CellKind, H: number, I: number): Record<string, Shape> | undefined {
  const layout = CELLS[cell].pytorch;
  if (!layout) return undefined;
  const blocks = layout.blocks.length;
  const role = `${blocks > 1 ? `${blocks}·` : ''}hiddenSize`;
  const names = pytorchTensorNames(0);
  return {
    [names.weightIh]: { kind: 'matrix', rows: blocks * H, cols: I },
    [names.weightHh]: { kind: 'matrix', rows: blocks * H, cols: H },
    [names.biasIh]: { kind: 'vector', length: blocks * H, role },
    [names.biasHh]: { kind: 'vector', length: blocks * H, role },
  };
}

/** PyTorch tensors → textbook parameters (see the opening comment), in the table's order. */
export function mapPyTorch(
  cell: CellKind, H: number, I: number,
  tensors: Record<string, Float64Array>, // weight_ih_l0: (blocks*H, I), weight_hh_l0: (blocks*H, H), bias_*_l0: (blocks*H)
): Record<string, Float64Array> {
  const info = CELLS[cell];
  const layout = info.pytorch;
  if (!layout) throw new Error(`${cell} has no PyTorch layout`);
  const names = pytorchTensorNames(0);
  const weightIh = tensors[names.weightIh];
  const weightHh = tensors[names.weightHh];
  const biasIh = tensors[names.biasIh];
  const biasHh = tensors[names.biasHh];
  const concatBlock = (block: number): Float64Array => {
    // out: (H, H+I), columns h first, then x
    const out = new Float64Array(H * (H + I));
    for (let r = 0; r < H; r++) {
      const source = block * H + r;
      out.set(weightHh.subarray(source * H, (source + 1) * H), r * (H + I));
      out.set(weightIh.subarray(source * I, (source + 1) * I), r * (H + I) + H);
    }
    return out;
  };
  const summedBias = (block: number): Float64Array => {
    const out = new Float64Array(H);
    for (let r = 0; r < H; r++) out[r] = biasIh[block * H + r] + biasHh[block * H + r];
    return out;
  };
  // matrix: (blocks*H, cols) -> block's (H, cols)
  const rowsOf = (matrix: Float64Array, block: number, cols: number): Float64Array =>
    matrix.slice(block * H * cols, (block + 1) * H * cols);
  const out: Record<string, Float64Array> = {};
  for (const parameter of info.parameters) {
    const block = layout.blocks.indexOf(parameter.gate);
    const isMatrix = parameter.group === 'dL_dW';
    if (block < 0 || parameter.side === 'none') throw new Error(`${parameter.name} has no PyTorch tensor`);
    if (parameter.side === 'hx') out[parameter.name] = isMatrix ? concatBlock(block) : summedBias(block);
    else if (parameter.side === 'x') out[parameter.name] = isMatrix ? rowsOf(weightIh, block, I) : rowsOf(biasIh, block, 1);
    else out[parameter.name] = isMatrix ? rowsOf(weightHh, block, H) : rowsOf(biasHh, block, 1);
  }
  return out;
}

/**
 * Every PyTorch tensor of a stack (numLayers L, D directions) with its shape, in PyTorch's order:
 * weight_ih_l{k}[_reverse] (blocks·H, I_k) with I_0 = I and I_k = D·H above, weight_hh (blocks·H, H),
 * bias_ih, bias_hh (blocks·H). Undefined when the cell has no PyTorch layout.
 */
export function stackPytorchShapes(cell: CellKind, H: number, I: number, L: number, D: number): Record<string, Shape> | undefined {
  const layout = CELLS[cell].pytorch;
  if (!layout) return undefined;
  const blocks = layout.blocks.length;
  const role = `${blocks > 1 ? `${blocks}·` : ''}hiddenSize`;
  const out: Record<string, Shape> = {};
  for (let layer = 0; layer < L; layer++) {
    for (let d = 0; d < D; d++) {
      const names = pytorchTensorNames(layer, d === 1);
      out[names.weightIh] = { kind: 'matrix', rows: blocks * H, cols: layer === 0 ? I : D * H };
      out[names.weightHh] = { kind: 'matrix', rows: blocks * H, cols: H };
      out[names.biasIh] = { kind: 'vector', length: blocks * H, role };
      out[names.biasHh] = { kind: 'vector', length: blocks * H, role };
    }
  }
  return out;
}
