// PyTorch's names and layout for a stack's parameters (docs/models.md), both ways:
// pytorchToStackParams turns a state_dict's tensors (nn.LSTM / nn.GRU / nn.RNN) into the stack's
// textbook per-entry parameters, and frameworkGrads turns the stack's textbook gradients into
// what autograd leaves in `param.grad` under the same names, so a user can compare directly.
// Layout per entry, suffix `_l{k}` and `_reverse` for the reverse direction:
//   weight_ih (G·H, I_k), weight_hh (G·H, H), bias_ih (G·H), bias_hh (G·H); gate blocks of H rows
//   lstm i, f, g, o (G = 4); gru r, z, n (G = 3); rnn (G = 1, tanh).
// PyTorch adds both biases, so for lstm and rnn the textbook b = bias_ih + bias_hh and both get
// the same gradient. The GRU keeps them apart: b_in sits outside r*(…), b_hn inside, so their
// gradients differ (b_ir/b_hr and b_iz/b_hz agree). resetAfter = false uses the same names
// (ONNX/Keras files are mapped to them in src/models).

import type { StackConfig, StackGrads, StackParams } from './stack';
import { directionCount, layerInputSize } from './stack';

/** A tensor under its framework name: row-major data and its shape. */
export interface NamedTensor {
  shape: number[];
  data: Float64Array;
}

/** textbook weight/bias name of each PyTorch gate block, in PyTorch's row order */
export const LSTM_BLOCKS = [['W_i', 'b_i'], ['W_f', 'b_f'], ['W_c', 'b_c'], ['W_o', 'b_o']] as const;
export const GRU_BLOCKS = [['W_ir', 'W_hr', 'b_ir', 'b_hr'], ['W_iz', 'W_hz', 'b_iz', 'b_hz'], ['W_in', 'W_hn', 'b_in', 'b_hn']] as const;

/** `prefix.weight_ih_l1_reverse` and friends of one entry. */
export function pytorchEntryNames(prefix: string, layer: number, reversed: boolean): { wIh: string; wHh: string; bIh: string; bHh: string } {
  const p = prefix === '' ? '' : `${prefix}.`, s = `_l${layer}${reversed ? '_reverse' : ''}`;
  return { wIh: `${p}weight_ih${s}`, wHh: `${p}weight_hh${s}`, bIh: `${p}bias_ih${s}`, bHh: `${p}bias_hh${s}` };
}

function refusePeephole(config: StackConfig): void {
  if (config.cell === 'lstm_peephole') throw new Error('lstm_peephole has no PyTorch layout (nn.LSTM has no peepholes)');
}

/**
 * The stack's parameters from PyTorch state_dict tensors (flat row-major, by full name). Missing
 * tensors or wrong sizes throw, naming the tensor. A missing bias counts as zeros only when
 * `allowMissingBias` (nn.LSTM(bias=False) saves none).
 */
export function pytorchToStackParams(
  config: StackConfig,
  tensors: Record<string, Float64Array>,
  prefix = '',
  allowMissingBias = false,
): StackParams {
  refusePeephole(config);
  const H = config.hiddenSize, D = directionCount(config);
  const G = config.cell === 'gru' ? 3 : config.cell === 'rnn' ? 1 : 4;
  const entries: Record<string, Float64Array>[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const I = layerInputSize(config, layer);
    for (let d = 0; d < D; d++) {
      const names = pytorchEntryNames(prefix, layer, d === 1);
      const get = (name: string, rows: number, cols: number, bias: boolean): Float64Array => {
        const t = tensors[name], shape = bias ? `[${rows}]` : `[${rows}, ${cols}]`;
        if (!t) {
          if (bias && allowMissingBias) return new Float64Array(rows * cols);
          throw new Error(`${name}: tensor missing (expected shape ${shape})`);
        }
        if (t.length !== rows * cols) throw new Error(`${name}: expected ${rows * cols} numbers (shape ${shape}), found ${t.length}`);
        return t;
      };
      const wIh = get(names.wIh, G * H, I, false), wHh = get(names.wHh, G * H, H, false);
      const bIh = get(names.bIh, G * H, 1, true), bHh = get(names.bHh, G * H, 1, true);
      const entry: Record<string, Float64Array> = {};
      if (config.cell === 'gru') {
        GRU_BLOCKS.forEach(([wi, wh, bi, bh], g) => {
          entry[wi] = wIh.slice(g * H * I, (g + 1) * H * I);
          entry[wh] = wHh.slice(g * H * H, (g + 1) * H * H);
          entry[bi] = bIh.slice(g * H, (g + 1) * H);
          entry[bh] = bHh.slice(g * H, (g + 1) * H);
        });
      } else {
        const blocks = config.cell === 'rnn' ? [['W', 'b']] as const : LSTM_BLOCKS;
        blocks.forEach(([wName, bName], g) => {
          const w = new Float64Array(H * (H + I)), b = new Float64Array(H); // (H, H+I) [h | x], (H)
          for (let r = 0; r < H; r++) {
            const row = g * H + r;
            w.set(wHh.subarray(row * H, (row + 1) * H), r * (H + I));
            w.set(wIh.subarray(row * I, (row + 1) * I), r * (H + I) + H);
            b[r] = bIh[row] + bHh[row];
          }
          entry[wName] = w;
          entry[bName] = b;
        });
      }
      entries.push(entry);
    }
  }
  return { ...config, entries };
}

/**
 * The stack's weight gradients under PyTorch's names and layout, as autograd would leave them
 * in `.grad`; with a head, also `${headPrefix}.weight` (C, W) and `${headPrefix}.bias` (C).
 */
export function frameworkGrads(
  config: StackConfig,
  grads: Pick<StackGrads, 'entries'>,
  prefix = '',
  head?: { prefix: string; dWeight: Float64Array; dBias: Float64Array; classes: number },
): Record<string, NamedTensor> {
  refusePeephole(config);
  const H = config.hiddenSize, D = directionCount(config);
  const G = config.cell === 'gru' ? 3 : config.cell === 'rnn' ? 1 : 4;
  const out: Record<string, NamedTensor> = {};
  for (let layer = 0; layer < config.numLayers; layer++) {
    const I = layerInputSize(config, layer);
    for (let d = 0; d < D; d++) {
      const { dL_dW, dL_db } = grads.entries[layer * D + d];
      const names = pytorchEntryNames(prefix, layer, d === 1);
      const wIh = new Float64Array(G * H * I), wHh = new Float64Array(G * H * H); // (G·H, I_k), (G·H, H)
      const bIh = new Float64Array(G * H), bHh = new Float64Array(G * H); // (G·H)
      if (config.cell === 'gru') {
        GRU_BLOCKS.forEach(([wi, wh, bi, bh], g) => {
          wIh.set(dL_dW[wi], g * H * I);
          wHh.set(dL_dW[wh], g * H * H);
          bIh.set(dL_db[bi], g * H);
          bHh.set(dL_db[bh], g * H);
        });
      } else {
        const blocks = config.cell === 'rnn' ? [['W', 'b']] as const : LSTM_BLOCKS;
        blocks.forEach(([wName, bName], g) => {
          const dw = dL_dW[wName], db = dL_db[bName]; // (H, H+I), (H)
          for (let r = 0; r < H; r++) {
            const row = g * H + r;
            wHh.set(dw.subarray(r * (H + I), r * (H + I) + H), row * H);
            wIh.set(dw.subarray(r * (H + I) + H, (r + 1) * (H + I)), row * I);
          }
          // b = bias_ih + bias_hh: both receive dL/db
          bIh.set(db, g * H);
          bHh.set(db, g * H);
        });
      }
      out[names.wIh] = { shape: [G * H, I], data: wIh };
      out[names.wHh] = { shape: [G * H, H], data: wHh };
      out[names.bIh] = { shape: [G * H], data: bIh };
      out[names.bHh] = { shape: [G * H], data: bHh };
    }
  }
  if (head) {
    const p = head.prefix === '' ? '' : `${head.prefix}.`;
    out[`${p}weight`] = { shape: [head.classes, head.dWeight.length / head.classes], data: head.dWeight };
    out[`${p}bias`] = { shape: [head.classes], data: head.dBias };
  }
  return out;
}
