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
// Draw order: the cell's weight matrices (and peepholes) in this fixed order, each row-major,
// one draw per entry, one generator for the whole spec:
//   lstm:          W_f, W_i, W_c, W_o                 each (H, H+I)
//   lstm_peephole: W_f, W_i, W_c, W_o, then p_f, p_i, p_o (H)
//   gru:           W_ir, W_iz, W_in (H, I), then W_hr, W_hz, W_hn (H, H)
//   rnn:           W (H, H+I)
// Biases are not drawn: they are zero, except `forgetBias` (default 0), which fills b_f for the
// lstm kinds and b_iz for gru (z is the GRU's keep gate: h_t = (1-z)*n + z*h_{t-1}, so a positive
// bias there keeps memory, like a positive forget bias). An rnn has no gate; forgetBias is ignored.
// Defaults: seed 0, scale 0.1, forgetBias 0.

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

/** Drawn parameters in draw order, with their entry counts. */
function drawnParameters(cell: CellKind, H: number, I: number): [string, number][] {
  const full = H * (H + I);
  switch (cell) {
    case 'lstm': return [['W_f', full], ['W_i', full], ['W_c', full], ['W_o', full]];
    case 'lstm_peephole': return [['W_f', full], ['W_i', full], ['W_c', full], ['W_o', full], ['p_f', H], ['p_i', H], ['p_o', H]];
    case 'gru': return [['W_ir', H * I], ['W_iz', H * I], ['W_in', H * I], ['W_hr', H * H], ['W_hz', H * H], ['W_hn', H * H]];
    case 'rnn': return [['W', full]];
  }
}

function biasNames(cell: CellKind): string[] {
  switch (cell) {
    case 'lstm':
    case 'lstm_peephole': return ['b_f', 'b_i', 'b_c', 'b_o'];
    case 'gru': return ['b_ir', 'b_iz', 'b_in', 'b_hr', 'b_hz', 'b_hn'];
    case 'rnn': return ['b'];
  }
}

/** The textbook parameters of `cell` (same names and shapes as Spec.params), generated from `options`. */
export function initWeights(cell: CellKind, H: number, I: number, options: InitOptions): Record<string, Float64Array> {
  const next = mulberry32(options.seed);
  const params: Record<string, Float64Array> = {};
  for (const [name, count] of drawnParameters(cell, H, I)) {
    const values = new Float64Array(count);
    for (let k = 0; k < count; k++) values[k] = options.scale * (2 * (next() / 4294967296) - 1);
    params[name] = values;
  }
  for (const name of biasNames(cell)) params[name] = new Float64Array(H);
  if (cell === 'lstm' || cell === 'lstm_peephole') params.b_f.fill(options.forgetBias);
  else if (cell === 'gru') params.b_iz.fill(options.forgetBias);
  return params;
}
