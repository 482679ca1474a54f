// The adapters between each cell's forward/backward pair (lstm.ts, gru.ts, rnn.ts) and
// computeTrace: pack the spec's textbook parameters, run forward, take dL/dh_T from the loss, run
// BPTT, and hand back the buffers under the names of the cell table (cells.ts). Everything
// generic (the trace's field records, lazy gates, path decay, non-finite check) is in trace.ts.
// The ungated comparison RNN of docs/trace-format.md (`vanillaRNN`) is run here too, because
// which weights it borrows is the cell's business: the candidate path of the gated cells.

import type { CellRun, CellRunner } from './cells';
import { allocGruGrads, gruBackward, gruForward, GRU_HIDDEN_BIASES, GRU_HIDDEN_WEIGHTS, GRU_INPUT_BIASES, GRU_INPUT_WEIGHTS, packGru } from './gru';
import { rowNorms } from './kernels';
import { allocLstmGrads, lstmBackward, lstmForward, LSTM_BIAS_NAMES, LSTM_WEIGHT_NAMES, packLstm, PEEPHOLE_NAMES } from './lstm';
import { packRnn, RnnParams, rnnBackward, rnnForward } from './rnn';
import type { Spec } from './types';

/** h_T: the last row of h (T, H), or h0 (H) when there are no steps. */
function lastRow(
  h: Float64Array, // (T, H)
  h0: Float64Array, // (H)
  T: number, H: number,
): Float64Array { // (H)
  return T === 0 ? h0 : h.subarray((T - 1) * H, T * H);
}

/** The ungated comparison run: same h0 and inputs, loss sum. */
export function comparisonRnn(params: RnnParams, spec: Spec): CellRun['vanillaRNN'] {
  const { hiddenSize: H, T } = spec;
  const cache = rnnForward(params, spec.inputs, spec.h0, T);
  const grads = { dh: new Float64Array(T * H), dPreact: new Float64Array(T * H), dh0: new Float64Array(H) };
  rnnBackward(new Float64Array(H).fill(1), cache, params, grads);
  return { h: cache.h, dL_dh: grads.dh, dL_dh_norm: rowNorms(grads.dh, T, H) };
}

export const runLstm: CellRunner = (spec, lossGradient) => {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const peephole = spec.cell === 'lstm_peephole';
  const params = packLstm(spec.params, H, I, peephole);
  const cache = lstmForward(params, spec.inputs, spec.h0, spec.c0, T);
  const { L, dhT } = lossGradient(lastRow(cache.h, spec.h0, T, H));
  const grads = allocLstmGrads(H, I, T);
  lstmBackward(dhT, cache, params, grads);
  const parameterGradients: Record<string, Float64Array> = {};
  for (let gate = 0; gate < 4; gate++) {
    parameterGradients[LSTM_WEIGHT_NAMES[gate]] = grads.dW.subarray(gate * H * (H + I), (gate + 1) * H * (H + I));
    parameterGradients[LSTM_BIAS_NAMES[gate]] = grads.db.subarray(gate * H, (gate + 1) * H);
  }
  if (peephole) for (let k = 0; k < 3; k++) parameterGradients[PEEPHOLE_NAMES[k]] = grads.dPeepholes.subarray(k * H, (k + 1) * H);
  // the comparison RNN is the candidate path without gates: tanh(W_c [h, x] + b_c)
  const vanillaRNN = comparisonRnn(
    { H, I, wh: params.wh.subarray(2 * H * H, 3 * H * H), wx: params.wx.subarray(2 * H * I, 3 * H * I), b: params.b.subarray(2 * H, 3 * H) },
    spec,
  );
  return {
    preact: cache.preact, states: { c: cache.c, h: cache.h }, L,
    dPreact: grads.dPreact, stateGradients: { dL_dh: grads.dh, dL_dc: grads.dc }, dx: grads.dx,
    dh0: grads.dh0, dc0: grads.dc0, parameterGradients, vanillaRNN,
  };
};

export const runGru: CellRunner = (spec, lossGradient) => {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const params = packGru(spec.params, H, I);
  const cache = gruForward(params, spec.inputs, spec.h0, T);
  const { L, dhT } = lossGradient(lastRow(cache.h, spec.h0, T, H));
  const grads = allocGruGrads(H, I, T);
  gruBackward(dhT, cache, params, grads);
  const parameterGradients: Record<string, Float64Array> = {};
  for (let gate = 0; gate < 3; gate++) {
    parameterGradients[GRU_INPUT_WEIGHTS[gate]] = grads.dWx.subarray(gate * H * I, (gate + 1) * H * I);
    parameterGradients[GRU_HIDDEN_WEIGHTS[gate]] = grads.dWh.subarray(gate * H * H, (gate + 1) * H * H);
    parameterGradients[GRU_INPUT_BIASES[gate]] = grads.dbx.subarray(gate * H, (gate + 1) * H);
    parameterGradients[GRU_HIDDEN_BIASES[gate]] = grads.dbh.subarray(gate * H, (gate + 1) * H);
  }
  // the comparison RNN: h_t = tanh(W_in x + b_in + W_hn h + b_hn)
  const b = new Float64Array(H); // (H)
  for (let k = 0; k < H; k++) b[k] = params.bx[2 * H + k] + params.bh[2 * H + k];
  const vanillaRNN = comparisonRnn(
    { H, I, wh: params.wh.subarray(2 * H * H, 3 * H * H), wx: params.wx.subarray(2 * H * I, 3 * H * I), b },
    spec,
  );
  return {
    preact: cache.preact, states: { h: cache.h }, L,
    dPreact: grads.dPreact, stateGradients: { dL_dh: grads.dh }, dx: grads.dx,
    dh0: grads.dh0, parameterGradients, vanillaRNN,
  };
};

export const runRnn: CellRunner = (spec, lossGradient) => {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const params = packRnn(spec.params.W, spec.params.b, H, I);
  const cache = rnnForward(params, spec.inputs, spec.h0, T);
  const { L, dhT } = lossGradient(lastRow(cache.h, spec.h0, T, H));
  const grads = {
    dh: new Float64Array(T * H), dPreact: new Float64Array(T * H), dh0: new Float64Array(H),
    dx: new Float64Array(T * I), dW: new Float64Array(H * (H + I)), db: new Float64Array(H),
  };
  rnnBackward(dhT, cache, params, grads);
  return {
    preact: cache.preact, states: { h: cache.h }, L,
    dPreact: grads.dPreact, stateGradients: { dL_dh: grads.dh }, dx: grads.dx,
    dh0: grads.dh0, parameterGradients: { W: grads.dW, b: grads.db },
    // the rnn is its own comparison, with the loss `sum` whatever the spec's loss is
    vanillaRNN: spec.loss.kind === 'sum'
      ? { h: cache.h, dL_dh: grads.dh, dL_dh_norm: rowNorms(grads.dh, T, H) }
      : comparisonRnn(params, spec),
  };
};
