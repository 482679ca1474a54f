// Deterministic random weights for a spec's `"init": {"seed", "scale", "forgetBias"}`: the same
// numbers on every machine and in every JavaScript engine, because the generator uses only
// 32-bit integer operations (Math.imul, >>>, ^) and one float64 multiply per value.
//
// The generator (mulberry32), with `state` a uint32 starting at `seed`:
//   state = (state + 0x6D2B79F5) mod 2^32
//   t = imul(state ^ (state >>> 15), state | 1)
//   t = (t + imul(t ^ (t >>> 7), t | 61)) ^ t          (+ is mod 2^32)
//   u = (t ^ (t >>> 14)) as uint32                    in 0 .. 2^32-1
//   value = scale * (2 * (u / 2^32) - 1)              uniform in [-scale, scale)
// Draw order: the cell's weight matrices (and peepholes) in the cell table's order (cells.ts,
// `drawn` parameters), each row-major, one draw per entry, one generator for the whole spec:
//   lstm:          W_f, W_i, W_c, W_o                 each (H, H+I)
//   lstm_peephole: W_f, W_i, W_c, W_o, then p_f, p_i, p_o (H)
//   gru:           W_ir, W_iz, W_in (H, I), then W_hr, W_hz, W_hn (H, H)
//   rnn:           W (H, H+I)
// Biases are not drawn: they are zero, except `forgetBias` (default 0), which fills the table's
// forgetBiasParameter: b_f for the lstm kinds and b_iz for gru (z is the GRU's keep gate:
// h_t = (1-z)*n + z*h_{t-1}, so a positive bias there keeps memory, like a positive forget bias).
// An rnn has no gate; forgetBias is ignored.
// Defaults: seed 0, scale 0.1, forgetBias 0.

import { CELLS } from './cells';
import type { CellKind } from './types';

export interface InitOptions {
  seed: number;
  scale: number;
  forgetBias: number;
}

/** mulberry32: returns the next uint32 of the stream on each call. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = ((t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t) >>> 0;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The textbook parameters of `cell` (same names and shapes as Spec.params), generated from `options`. */
export function initWeights(cell: CellKind, H: number, I: number, options: InitOptions): Record<string, Float64Array> {
  const next = mulberry32(options.seed);
  const info = CELLS[cell];
  const params: Record<string, Float64Array> = {};
  for (const parameter of info.parameters) {
    if (!parameter.drawn) continue;
    const count = parameter.shape(H, I).reduce((a, b) => a * b, 1);
    const values = new Float64Array(count);
    for (let k = 0; k < count; k++) values[k] = options.scale * (2 * (next() / 4294967296) - 1);
    params[parameter.name] = values;
  }
  for (const parameter of info.parameters) {
    if (!parameter.drawn) params[parameter.name] = new Float64Array(parameter.shape(H, I)[0]);
  }
  if (info.forgetBiasParameter) params[info.forgetBiasParameter].fill(options.forgetBias);
  return params;
}
