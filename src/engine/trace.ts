// computeTrace: the whole forward pass and BPTT for a validated Spec, as the Trace of types.ts
// (DESIGN.md section 3). It dispatches to the cell's forward/backward pair, adds the loss, the
// path-decay figure and the vanilla-RNN comparison, and reports the first non-finite value.
// Memory: per-step fields are subarrays of the cells' gate-major buffers. Fields that are a
// cheap elementwise function of stored ones (the gate activations f i g o / r z n, and the path
// products) are lazy, memoised getters, so the retained trace of (512, 256, 1000) stays under
// 80 MB; reading them gives exactly the numbers the forward pass used. No I/O here.

import { allocGruGrads, gruBackward, gruForward, GRU_HIDDEN_BIASES, GRU_HIDDEN_WEIGHTS, GRU_INPUT_BIASES, GRU_INPUT_WEIGHTS, packGru } from './gru';
import { allocLstmGrads, lstmBackward, lstmForward, LSTM_BIAS_NAMES, LSTM_WEIGHT_NAMES, packLstm, PEEPHOLE_NAMES } from './lstm';
import { packRnn, RnnParams, rnnBackward, rnnForward } from './rnn';
import { firstNonFinite, rowNorms, sigmoidArray, tanhArray } from './kernels';
import { forgetProduct } from './pathDecay';
import type { LossSpec, NonFiniteReport, Spec, Trace } from './types';

/** Field names per cell, in DESIGN.md section 3 order. */
export const FORWARD_FIELDS: Record<Spec['cell'], readonly string[]> = {
  lstm: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
  lstm_peephole: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
  gru: ['a_r', 'a_z', 'hn', 'a_n', 'r', 'z', 'n', 'h'],
  rnn: ['a', 'h'],
};
/** Per-step backward fields (all (T, H) except dL_dx (T, I)). */
export const BACKWARD_STEP_FIELDS: Record<Spec['cell'], readonly string[]> = {
  lstm: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx'],
  lstm_peephole: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx'],
  gru: ['dL_dh', 'dL_da_r', 'dL_da_z', 'dL_da_n', 'dL_dhn', 'dL_dx'],
  rnn: ['dL_dh', 'dL_da', 'dL_dx'],
};

export function computeTrace(spec: Spec): Trace {
  switch (spec.cell) {
    case 'lstm':
    case 'lstm_peephole':
      return lstmTrace(spec);
    case 'gru':
      return gruTrace(spec);
    case 'rnn':
      return rnnTrace(spec);
    default:
      throw new Error(`unknown cell kind ${String((spec as Spec).cell)}`);
  }
}

/** L and dL/dh_T for the spec's loss. */
export function lossAndGradient(
  loss: LossSpec,
  hT: Float64Array, hTOff: number, // h_T: (H)
  H: number,
): { L: number; dhT: Float64Array } {
  const dhT = new Float64Array(H); // (H)
  let L = 0;
  for (let k = 0; k < H; k++) {
    const v = hT[hTOff + k];
    if (loss.kind === 'sum') {
      L += v;
      dhT[k] = 1;
    } else {
      const diff = v - loss.target[k];
      L += 0.5 * diff * diff;
      dhT[k] = diff;
    }
  }
  return { L, dhT };
}

/** (T, H) view of slot `slot` of a gate-major (slots, T, H) buffer. */
function slotView(
  buffer: Float64Array, // (slots, T, H)
  slot: number, T: number, H: number,
): Float64Array {
  return buffer.subarray(slot * T * H, (slot + 1) * T * H);
}

/** Defines an enumerable getter that computes the field on first read and then keeps it. */
export function defineLazy(
  target: object, // holds (T, H) fields: Trace.forward, Trace.pathDecay
  name: string, compute: () => Float64Array,
): void {
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      const value = compute();
      Object.defineProperty(target, name, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
}

/** out[k] = activation(inp[k]) for k < n; out, inp: (n) (sigmoidArray, tanhArray). */
type Activation = (out: Float64Array, inp: Float64Array, n: number) => void;

/**
 * The forward record of a gated cell: the pre-activation slots of the gate-major buffer
 * (slots, T, H) as views, each gate's activation as a lazy field computed from its slot with the
 * same function the forward pass used, and the states. Built in its own function so that the
 * lazy getters close over these views only, not over the cell's cache (whose activation buffers
 * must be freed when computeTrace returns). `order` gives the key order of the record.
 */
function gatedForward(
  preactNames: readonly string[], activationNames: readonly string[], activations: readonly Activation[],
  preact: Float64Array, // (slots, T, H)
  T: number, H: number,
  states: Record<string, Float64Array>, // c, h, …: each (T, H)
  order: readonly string[] = [...preactNames, ...activationNames, ...Object.keys(states)],
): Record<string, Float64Array> {
  const views: Record<string, Float64Array> = {};
  preactNames.forEach((name, slot) => {
    views[name] = slotView(preact, slot, T, H);
  });
  const forward = {} as Record<string, Float64Array>;
  for (const name of order) {
    const gate = activationNames.indexOf(name);
    if (gate >= 0) {
      const source = views[preactNames[gate]], activation = activations[gate];
      defineLazy(forward, name, () => {
        const out = new Float64Array(source.length);
        activation(out, source, source.length);
        return out;
      });
    } else {
      forward[name] = views[name] ?? states[name];
    }
  }
  return forward;
}

/** The path-decay record with its product as a lazy field over forward[gate] (f or z). */
function lazyPathDecay<K extends 'cellPathDecay' | 'updateGatePathDecay', P extends 'forgetProduct' | 'zProduct'>(
  kind: K, productName: P,
  forward: Record<string, Float64Array>, // fields of (T, H)
  gate: string, T: number, H: number,
): { kind: K } & Record<P, Float64Array> {
  const decay = { kind } as { kind: K } & Record<P, Float64Array>;
  defineLazy(decay as unknown as Record<P, Float64Array>, productName, () => forgetProduct(forward[gate], T, H));
  return decay;
}

/** h_T as (array, offset): the last row of h (T, H), or h0 (H) when there are no steps. */
function lastRow(
  h: Float64Array, // (T, H)
  h0: Float64Array, // (H)
  T: number, H: number,
): [Float64Array, number] {
  return T === 0 ? [h0, 0] : [h, (T - 1) * H];
}

function lstmTrace(spec: Spec): Trace {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const peephole = spec.cell === 'lstm_peephole';
  const params = packLstm(spec.params, H, I, peephole);
  const cache = lstmForward(params, spec.inputs, spec.h0, spec.c0, T);
  const [hT, hTOff] = lastRow(cache.h, spec.h0, T, H);
  const { L, dhT } = lossAndGradient(spec.loss, hT, hTOff, H);
  const grads = allocLstmGrads(H, I, T);
  lstmBackward(dhT, cache, params, grads);

  const forward = gatedForward(
    ['a_f', 'a_i', 'a_g', 'a_o'], ['f', 'i', 'g', 'o'], [sigmoidArray, sigmoidArray, tanhArray, sigmoidArray],
    cache.preact, T, H, { c: cache.c, h: cache.h },
  );
  const perStep: Record<string, Float64Array> = {
    dL_dh: grads.dh, dL_dc: grads.dc,
    dL_da_f: slotView(grads.dPreact, 0, T, H), dL_da_i: slotView(grads.dPreact, 1, T, H),
    dL_da_g: slotView(grads.dPreact, 2, T, H), dL_da_o: slotView(grads.dPreact, 3, T, H),
    dL_dx: grads.dx,
  };
  const dL_dW: Record<string, Float64Array> = {}, dL_db: Record<string, Float64Array> = {};
  for (let gate = 0; gate < 4; gate++) {
    dL_dW[LSTM_WEIGHT_NAMES[gate]] = grads.dW.subarray(gate * H * (H + I), (gate + 1) * H * (H + I));
    dL_db[LSTM_BIAS_NAMES[gate]] = grads.db.subarray(gate * H, (gate + 1) * H);
  }
  let dL_dp: Record<string, Float64Array> | undefined;
  if (peephole) {
    dL_dp = {};
    for (let k = 0; k < 3; k++) dL_dp[PEEPHOLE_NAMES[k]] = grads.dPeepholes.subarray(k * H, (k + 1) * H);
  }

  const pathDecay = lazyPathDecay('cellPathDecay', 'forgetProduct', forward, 'f', T, H);

  // the comparison RNN is the candidate path without gates: tanh(W_c [h, x] + b_c)
  const vanilla = vanillaRnn(
    { H, I, wh: params.wh.subarray(2 * H * H, 3 * H * H), wx: params.wx.subarray(2 * H * I, 3 * H * I), b: params.b.subarray(2 * H, 3 * H) },
    spec,
  );

  const trace: Trace = {
    cell: spec.cell, inputSize: I, hiddenSize: H, T,
    forward,
    loss: { kind: spec.loss.kind, L },
    backward: { perStep, dL_dh0: grads.dh0, dL_dc0: grads.dc0, dL_dW, dL_db, ...(dL_dp ? { dL_dp } : {}) },
    pathDecay,
    vanillaRNN: vanilla,
  };
  if (spec.tokens) trace.tokens = spec.tokens;
  const nonFinite = findNonFinite(trace, ['a_f', 'a_i', 'a_g', 'a_o', 'c', 'h']);
  if (nonFinite) trace.nonFinite = nonFinite;
  return trace;
}

function gruTrace(spec: Spec): Trace {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const params = packGru(spec.params, H, I);
  const cache = gruForward(params, spec.inputs, spec.h0, T);
  const [hT, hTOff] = lastRow(cache.h, spec.h0, T, H);
  const { L, dhT } = lossAndGradient(spec.loss, hT, hTOff, H);
  const grads = allocGruGrads(H, I, T);
  gruBackward(dhT, cache, params, grads);

  // slots of the gate-major buffer are a_r a_z a_n hn; DESIGN.md orders them a_r a_z hn a_n
  const forward = gatedForward(
    ['a_r', 'a_z', 'a_n', 'hn'], ['r', 'z', 'n'], [sigmoidArray, sigmoidArray, tanhArray],
    cache.preact, T, H, { h: cache.h }, ['a_r', 'a_z', 'hn', 'a_n', 'r', 'z', 'n', 'h'],
  );
  const perStep: Record<string, Float64Array> = {
    dL_dh: grads.dh,
    dL_da_r: slotView(grads.dPreact, 0, T, H), dL_da_z: slotView(grads.dPreact, 1, T, H),
    dL_da_n: slotView(grads.dPreact, 2, T, H), dL_dhn: slotView(grads.dPreact, 3, T, H),
    dL_dx: grads.dx,
  };
  const dL_dW: Record<string, Float64Array> = {}, dL_db: Record<string, Float64Array> = {};
  for (let gate = 0; gate < 3; gate++) {
    dL_dW[GRU_INPUT_WEIGHTS[gate]] = grads.dWx.subarray(gate * H * I, (gate + 1) * H * I);
  }
  for (let gate = 0; gate < 3; gate++) {
    dL_dW[GRU_HIDDEN_WEIGHTS[gate]] = grads.dWh.subarray(gate * H * H, (gate + 1) * H * H);
  }
  for (let gate = 0; gate < 3; gate++) dL_db[GRU_INPUT_BIASES[gate]] = grads.dbx.subarray(gate * H, (gate + 1) * H);
  for (let gate = 0; gate < 3; gate++) dL_db[GRU_HIDDEN_BIASES[gate]] = grads.dbh.subarray(gate * H, (gate + 1) * H);

  const pathDecay = lazyPathDecay('updateGatePathDecay', 'zProduct', forward, 'z', T, H);

  // the comparison RNN: h_t = tanh(W_in x + b_in + W_hn h + b_hn)
  const b = new Float64Array(H);
  for (let k = 0; k < H; k++) b[k] = params.bx[2 * H + k] + params.bh[2 * H + k];
  const vanilla = vanillaRnn(
    { H, I, wh: params.wh.subarray(2 * H * H, 3 * H * H), wx: params.wx.subarray(2 * H * I, 3 * H * I), b },
    spec,
  );

  const trace: Trace = {
    cell: 'gru', inputSize: I, hiddenSize: H, T,
    forward,
    loss: { kind: spec.loss.kind, L },
    backward: { perStep, dL_dh0: grads.dh0, dL_dW, dL_db },
    pathDecay,
    vanillaRNN: vanilla,
  };
  if (spec.tokens) trace.tokens = spec.tokens;
  const nonFinite = findNonFinite(trace, ['a_r', 'a_z', 'hn', 'a_n', 'h']);
  if (nonFinite) trace.nonFinite = nonFinite;
  return trace;
}

function rnnTrace(spec: Spec): Trace {
  const { hiddenSize: H, inputSize: I, T } = spec;
  const params = packRnn(spec.params.W, spec.params.b, H, I);
  const cache = rnnForward(params, spec.inputs, spec.h0, T);
  const [hT, hTOff] = lastRow(cache.h, spec.h0, T, H);
  const { L, dhT } = lossAndGradient(spec.loss, hT, hTOff, H);
  const grads = {
    dh: new Float64Array(T * H), dPreact: new Float64Array(T * H), dh0: new Float64Array(H),
    dx: new Float64Array(T * I), dW: new Float64Array(H * (H + I)), db: new Float64Array(H),
  };
  rnnBackward(dhT, cache, params, grads);
  const trace: Trace = {
    cell: 'rnn', inputSize: I, hiddenSize: H, T,
    forward: { a: cache.preact, h: cache.h },
    loss: { kind: spec.loss.kind, L },
    backward: {
      perStep: { dL_dh: grads.dh, dL_da: grads.dPreact, dL_dx: grads.dx },
      dL_dh0: grads.dh0, dL_dW: { W: grads.dW }, dL_db: { b: grads.db },
    },
    // the rnn is its own comparison, with the loss `sum` whatever the spec's loss is
    vanillaRNN: spec.loss.kind === 'sum'
      ? { h: cache.h, dL_dh: grads.dh, dL_dh_norm: rowNorms(grads.dh, T, H) }
      : vanillaRnn(params, spec),
  };
  if (spec.tokens) trace.tokens = spec.tokens;
  const nonFinite = findNonFinite(trace, ['a', 'h']);
  if (nonFinite) trace.nonFinite = nonFinite;
  return trace;
}

/** The ungated comparison run of DESIGN.md section 2: same h0 and inputs, loss sum. */
function vanillaRnn(params: RnnParams, spec: Spec): Trace['vanillaRNN'] {
  const { hiddenSize: H, T } = spec;
  const cache = rnnForward(params, spec.inputs, spec.h0, T);
  const grads = { dh: new Float64Array(T * H), dPreact: new Float64Array(T * H), dh0: new Float64Array(H) };
  rnnBackward(new Float64Array(H).fill(1), cache, params, grads);
  return { h: cache.h, dL_dh: grads.dh, dL_dh_norm: rowNorms(grads.dh, T, H) };
}


/**
 * The first NaN/±Inf in the order the cursor meets values: forward t = 1..T (fields in the
 * given order), then backward t = T..1, then the summed gradients (reported at t = 1).
 */
function findNonFinite(trace: Trace, forwardFields: readonly string[]): NonFiniteReport | undefined {
  const { T, hiddenSize: H, inputSize: I } = trace;
  for (let t = 1; t <= T; t++) {
    for (const field of forwardFields) {
      if (firstNonFinite(trace.forward[field], (t - 1) * H, t * H) >= 0) return { phase: 'forward', t, field };
    }
  }
  if (!Number.isFinite(trace.loss.L)) return { phase: 'backward', t: Math.max(T, 1), field: 'loss' };
  const perStep = trace.backward.perStep;
  for (let t = T; t >= 1; t--) {
    for (const field of BACKWARD_STEP_FIELDS[trace.cell]) {
      const width = field === 'dL_dx' ? I : H;
      if (firstNonFinite(perStep[field], (t - 1) * width, t * width) >= 0) return { phase: 'backward', t, field };
    }
  }
  const { dL_dh0, dL_dc0, dL_dW, dL_db, dL_dp } = trace.backward;
  const summed: [string, Float64Array | undefined][] = [['dL_dh0', dL_dh0], ['dL_dc0', dL_dc0]];
  for (const [name, value] of Object.entries(dL_dW)) summed.push([`dL_dW.${name}`, value]);
  for (const [name, value] of Object.entries(dL_db)) summed.push([`dL_db.${name}`, value]);
  for (const [name, value] of Object.entries(dL_dp ?? {})) summed.push([`dL_dp.${name}`, value]);
  for (const [field, value] of summed) {
    if (value && firstNonFinite(value, 0, value.length) >= 0) return { phase: 'backward', t: 1, field };
  }
  return undefined;
}
