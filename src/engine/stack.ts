// Stacked and bidirectional recurrent networks with PyTorch's semantics (docs/spec-format.md,
// "Stacks"): numLayers L ≥ 1 and D = 2 directions when bidirectional. Layer 0 reads x_t; layer
// k > 0 reads layer k−1's output at t, [h_t^fwd, h_t^rev]; the reverse direction runs t = T..1
// from its own initial state. Entries (one cell run per layer and direction) are in PyTorch's
// order l0 fwd, l0 rev, l1 fwd, …, and so are the rows of h0/c0 (L·D, H). output[t] is the top
// layer's [h_t^fwd, h_t^rev] (T, D·H); hN/cN are PyTorch's h_n/c_n (L·D, H).
// The cells themselves are the single-layer forward/backward pairs of lstm.ts, gru.ts, rnn.ts:
// the reverse direction is the same cell run on the time-reversed sequence, and everything this
// file reports per step is put back in time order t = 1..T. stackBackward is exact BPTT through
// every layer and direction: the gradient on layer k's output is the sum over both directions of
// layer k+1's dL/dinput, plus the loss's own gradient for the top layer.

import { allocGruGrads, gruBackward, gruForward, GRU_HIDDEN_BIASES, GRU_HIDDEN_WEIGHTS, GRU_INPUT_BIASES, GRU_INPUT_WEIGHTS, packGru } from './gru';
import { sigmoidArray, tanhArray } from './kernels';
import { allocLstmGrads, lstmBackward, lstmForward, LSTM_BIAS_NAMES, LSTM_WEIGHT_NAMES, packLstm, PEEPHOLE_NAMES } from './lstm';
import { forgetProduct } from './pathDecay';
import { packRnn, rnnBackward, rnnForward } from './rnn';
import type { CellKind } from './types';

/** The shape of a stack: what a model file or a spec's `numLayers`/`bidirectional` says. */
export interface StackConfig {
  cell: CellKind;
  /** gru only: false is the reset-before-product variant (ONNX linear_before_reset = 0); default true */
  resetAfter?: boolean;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
}

/**
 * The parameters of every entry, textbook names as in Spec.params (types.ts), with the entry's
 * own input size: I for layer 0, D·H above. entries.length = L·D, PyTorch order.
 */
export interface StackParams extends StackConfig {
  entries: Record<string, Float64Array>[];
}

export type Direction = 'forward' | 'reverse';

/** Number of directions D. */
export function directionCount(config: StackConfig): 1 | 2 {
  return config.bidirectional ? 2 : 1;
}

/** Input size of layer k's cells: I for k = 0, D·H above. */
export function layerInputSize(config: StackConfig, layer: number): number {
  return layer === 0 ? config.inputSize : directionCount(config) * config.hiddenSize;
}

/** Index of (layer, direction) in PyTorch's order, the row of h0/c0/h_n it owns. */
export function entryIndex(config: StackConfig, layer: number, direction: Direction): number {
  return layer * directionCount(config) + (direction === 'reverse' ? 1 : 0);
}

/** Everything the stack reports about one entry, per-step rows in time order t = 1..T. */
export interface StackEntryRecord {
  layer: number;
  direction: Direction;
  inputSize: number;
  /** forward fields of the cell (trace.ts FORWARD_FIELDS names), each (T, H) */
  forward: Record<string, Float64Array>;
  /** the path-decay product in processing order (for reverse: row t = f_{t-1}*…*f_1), (T, H) */
  pathDecay?: { kind: 'cellPathDecay'; forgetProduct: Float64Array } | { kind: 'updateGatePathDecay'; zProduct: Float64Array };
}

/** What one cell kind's forward run leaves for its backward pass (closures over its cache). */
interface CellRun {
  h: Float64Array; // (T, H) in processing order
  cFinal?: Float64Array; // (H) lstm kinds: the last cell state
  /** forward fields in processing order, (T, H) each */
  forwardFields(): Record<string, Float64Array>;
  /** the gated path's product in processing order, (T, H) */
  pathDecay(): StackEntryRecord['pathDecay'];
  backward(
    dOut: Float64Array, // (T, H) processing order
    dhFinal: Float64Array | undefined, // (H)
  ): CellBackward;
}

/** One entry's gradients; per-step fields in processing order. */
interface CellBackward {
  perStep: Record<string, Float64Array>; // (T, H) each
  dInput: Float64Array; // (T, I_k)
  dh0: Float64Array; // (H)
  dc0?: Float64Array; // (H)
  dL_dW: Record<string, Float64Array>;
  dL_db: Record<string, Float64Array>;
  dL_dp?: Record<string, Float64Array>;
}

function slot(buffer: Float64Array, index: number, T: number, H: number): Float64Array {
  return buffer.subarray(index * T * H, (index + 1) * T * H);
}

function activated(
  preact: Float64Array, // (T, H) one gate's pre-activation
  activation: (out: Float64Array, inp: Float64Array, n: number) => void,
): Float64Array {
  const out = new Float64Array(preact.length);
  activation(out, preact, preact.length);
  return out;
}

/** One table row per cell kind: how to run it on a sequence. */
const CELL_RUNNERS: Record<CellKind, (
  params: Record<string, Float64Array>, config: StackConfig, I: number,
  x: Float64Array, h0: Float64Array, c0: Float64Array, T: number,
) => CellRun> = {
  lstm: lstmRun,
  lstm_peephole: lstmRun,
  gru: gruRun,
  rnn: rnnRun,
};

function lstmRun(
  params: Record<string, Float64Array>, config: StackConfig, I: number,
  x: Float64Array, // (T, I)
  h0: Float64Array, c0: Float64Array, // (H)
  T: number,
): CellRun {
  const H = config.hiddenSize, peephole = config.cell === 'lstm_peephole';
  const packed = packLstm(params, H, I, peephole);
  const cache = lstmForward(packed, x, h0, c0, T);
  const names = ['a_f', 'a_i', 'a_g', 'a_o'];
  return {
    h: cache.h,
    cFinal: T === 0 ? c0 : cache.c.subarray((T - 1) * H, T * H),
    forwardFields: () => {
      const fields: Record<string, Float64Array> = {};
      names.forEach((name, k) => { fields[name] = slot(cache.preact, k, T, H); });
      ['f', 'i', 'g', 'o'].forEach((name, k) => { fields[name] = slot(cache.act, k, T, H).slice(); });
      fields.c = cache.c; fields.h = cache.h;
      return fields;
    },
    pathDecay: () => ({ kind: 'cellPathDecay', forgetProduct: forgetProduct(slot(cache.act, 0, T, H), T, H) }),
    backward: (dOut, dhFinal) => {
      const grads = allocLstmGrads(H, I, T);
      lstmBackward(dhFinal ?? null, cache, packed, grads, dOut);
      const dL_dW: Record<string, Float64Array> = {}, dL_db: Record<string, Float64Array> = {};
      for (let gate = 0; gate < 4; gate++) {
        dL_dW[LSTM_WEIGHT_NAMES[gate]] = grads.dW.subarray(gate * H * (H + I), (gate + 1) * H * (H + I));
        dL_db[LSTM_BIAS_NAMES[gate]] = grads.db.subarray(gate * H, (gate + 1) * H);
      }
      const perStep: Record<string, Float64Array> = { dL_dh: grads.dh, dL_dc: grads.dc };
      names.forEach((name, k) => { perStep[`dL_d${name}`] = slot(grads.dPreact, k, T, H); });
      const result: CellBackward = { perStep, dInput: grads.dx, dh0: grads.dh0, dc0: grads.dc0, dL_dW, dL_db };
      if (peephole) {
        result.dL_dp = {};
        for (let k = 0; k < 3; k++) result.dL_dp[PEEPHOLE_NAMES[k]] = grads.dPeepholes.subarray(k * H, (k + 1) * H);
      }
      return result;
    },
  };
}

function gruRun(
  params: Record<string, Float64Array>, config: StackConfig, I: number,
  x: Float64Array, // (T, I)
  h0: Float64Array, _c0: Float64Array, // (H)
  T: number,
): CellRun {
  const H = config.hiddenSize;
  const packed = packGru(params, H, I, config.resetAfter ?? true);
  const cache = gruForward(packed, x, h0, T);
  return {
    h: cache.h,
    forwardFields: () => ({
      a_r: slot(cache.preact, 0, T, H), a_z: slot(cache.preact, 1, T, H),
      hn: slot(cache.preact, 3, T, H), a_n: slot(cache.preact, 2, T, H),
      r: activated(slot(cache.preact, 0, T, H), sigmoidArray), z: activated(slot(cache.preact, 1, T, H), sigmoidArray),
      n: activated(slot(cache.preact, 2, T, H), tanhArray), h: cache.h,
    }),
    pathDecay: () => ({ kind: 'updateGatePathDecay', zProduct: forgetProduct(slot(cache.act, 1, T, H), T, H) }),
    backward: (dOut, dhFinal) => {
      const grads = allocGruGrads(H, I, T);
      gruBackward(dhFinal ?? null, cache, packed, grads, dOut);
      const dL_dW: Record<string, Float64Array> = {}, dL_db: Record<string, Float64Array> = {};
      for (let gate = 0; gate < 3; gate++) dL_dW[GRU_INPUT_WEIGHTS[gate]] = grads.dWx.subarray(gate * H * I, (gate + 1) * H * I);
      for (let gate = 0; gate < 3; gate++) dL_dW[GRU_HIDDEN_WEIGHTS[gate]] = grads.dWh.subarray(gate * H * H, (gate + 1) * H * H);
      for (let gate = 0; gate < 3; gate++) dL_db[GRU_INPUT_BIASES[gate]] = grads.dbx.subarray(gate * H, (gate + 1) * H);
      for (let gate = 0; gate < 3; gate++) dL_db[GRU_HIDDEN_BIASES[gate]] = grads.dbh.subarray(gate * H, (gate + 1) * H);
      const perStep: Record<string, Float64Array> = {
        dL_dh: grads.dh,
        dL_da_r: slot(grads.dPreact, 0, T, H), dL_da_z: slot(grads.dPreact, 1, T, H),
        dL_da_n: slot(grads.dPreact, 2, T, H), dL_dhn: slot(grads.dPreact, 3, T, H),
      };
      return { perStep, dInput: grads.dx, dh0: grads.dh0, dL_dW, dL_db };
    },
  };
}

function rnnRun(
  params: Record<string, Float64Array>, config: StackConfig, I: number,
  x: Float64Array, // (T, I)
  h0: Float64Array, _c0: Float64Array, // (H)
  T: number,
): CellRun {
  const H = config.hiddenSize;
  const packed = packRnn(params.W, params.b, H, I);
  const cache = rnnForward(packed, x, h0, T);
  return {
    h: cache.h,
    forwardFields: () => ({ a: cache.preact, h: cache.h }),
    pathDecay: () => undefined,
    backward: (dOut, dhFinal) => {
      const grads = {
        dh: new Float64Array(T * H), dPreact: new Float64Array(T * H), dh0: new Float64Array(H),
        dx: new Float64Array(T * I), dW: new Float64Array(H * (H + I)), db: new Float64Array(H),
      };
      rnnBackward(dhFinal ?? null, cache, packed, grads, dOut);
      return {
        perStep: { dL_dh: grads.dh, dL_da: grads.dPreact }, dInput: grads.dx, dh0: grads.dh0,
        dL_dW: { W: grads.dW }, dL_db: { b: grads.db },
      };
    },
  };
}

/** Rows of a (T, width) field in reverse order (a new array). */
export function reverseRows(
  field: Float64Array, // (T, width)
  T: number, width: number,
): Float64Array {
  const out = new Float64Array(T * width); // (T, width)
  for (let t = 0; t < T; t++) out.set(field.subarray(t * width, (t + 1) * width), (T - 1 - t) * width);
  return out;
}

/** Columns [from, from+width) of a (T, ld) field as a (T, width) array, rows optionally reversed. */
function columns(
  field: Float64Array, // (T, ld)
  T: number, ld: number, from: number, width: number, reversed: boolean,
): Float64Array {
  const out = new Float64Array(T * width); // (T, width)
  for (let t = 0; t < T; t++) {
    const src = (reversed ? T - 1 - t : t) * ld + from;
    out.set(field.subarray(src, src + width), t * width);
  }
  return out;
}

export interface StackCache {
  T: number;
  config: StackConfig;
  output: Float64Array; // (T, D·H) the top layer's [h_t^fwd, h_t^rev]
  hN: Float64Array; // (L·D, H) PyTorch's h_n: h_T^fwd, h_1^rev of every layer
  cN: Float64Array; // (L·D, H) PyTorch's c_n (zeros for gru and rnn)
  /** the top layer's [h_T^fwd, h_1^rev], the `on: "h_n"` loss input, (D·H) */
  topFinal: Float64Array;
  runs: CellRun[]; // (L·D) PyTorch order
}

/** Checks that every array has the size the config implies; throws naming the first bad one. */
export function checkStackShapes(
  params: StackParams,
  x: Float64Array, // (T, I)
  h0: Float64Array, c0: Float64Array, // (L·D, H)
  T: number,
): void {
  const { numLayers: L, hiddenSize: H, inputSize: I } = params;
  const D = directionCount(params);
  if (!(L >= 1) || !Number.isInteger(L)) throw new Error(`numLayers: expected an integer ≥ 1, found ${L}`);
  if (params.entries.length !== L * D) throw new Error(`stack: expected ${L * D} entries (layers × directions), found ${params.entries.length}`);
  if (x.length !== T * I) throw new Error(`inputs: expected ${T} × ${I} numbers, found ${x.length}`);
  if (h0.length !== L * D * H) throw new Error(`h0: expected ${L * D} × ${H} numbers, found ${h0.length}`);
  if (c0.length !== L * D * H) throw new Error(`c0: expected ${L * D} × ${H} numbers, found ${c0.length}`);
}

/** The whole stack forward; h0, c0: (L·D, H) PyTorch order (c0 is ignored by gru and rnn). */
export function stackForward(
  params: StackParams,
  x: Float64Array, // (T, I)
  h0: Float64Array, // (L·D, H)
  c0: Float64Array, // (L·D, H)
  T: number,
): StackCache {
  checkStackShapes(params, x, h0, c0, T);
  const { numLayers: L, hiddenSize: H } = params;
  const D = directionCount(params), W = D * H;
  const hN = new Float64Array(L * D * H), cN = new Float64Array(L * D * H);
  const runs: CellRun[] = [];
  let input = x, inputWidth = params.inputSize;
  for (let layer = 0; layer < L; layer++) {
    const output = new Float64Array(T * W); // (T, D·H) this layer's [h_t^fwd, h_t^rev]
    for (let d = 0; d < D; d++) {
      const e = layer * D + d, reversed = d === 1;
      const seq = reversed ? reverseRows(input, T, inputWidth) : input;
      const run = CELL_RUNNERS[params.cell](
        params.entries[e], params, inputWidth, seq,
        h0.subarray(e * H, (e + 1) * H), c0.subarray(e * H, (e + 1) * H), T,
      );
      runs.push(run);
      for (let t = 0; t < T; t++) {
        const src = (reversed ? T - 1 - t : t) * H;
        output.set(run.h.subarray(src, src + H), t * W + d * H);
      }
      hN.set(T === 0 ? h0.subarray(e * H, (e + 1) * H) : run.h.subarray((T - 1) * H, T * H), e * H);
      if (run.cFinal) cN.set(run.cFinal, e * H);
    }
    input = output;
    inputWidth = W;
  }
  const topFinal = hN.slice((L - 1) * D * H, L * D * H);
  return { T, config: params, output: input, hN, cN, topFinal, runs };
}

/** One entry's gradients, per-step rows in time order t = 1..T. */
export interface StackEntryGrads {
  /** dL_dh, dL_dc, dL_da_* …, (T, H) each, and dL_dinput (T, I_k) */
  perStep: Record<string, Float64Array>;
  dL_dh0: Float64Array; // (H)
  dL_dc0?: Float64Array; // (H) lstm kinds
  dL_dW: Record<string, Float64Array>; // textbook names, shapes of the entry's params
  dL_db: Record<string, Float64Array>;
  dL_dp?: Record<string, Float64Array>; // lstm_peephole
}

export interface StackGrads {
  entries: StackEntryGrads[]; // (L·D) PyTorch order
  dL_dx: Float64Array; // (T, I)
  dL_dh0: Float64Array; // (L·D, H)
  dL_dc0: Float64Array; // (L·D, H) zeros for gru and rnn
}

/**
 * Exact BPTT through all layers and directions. dOutput is the loss's gradient on output (T, D·H)
 * (null = none), dTopFinal its gradient on the top layer's [h_T^fwd, h_1^rev] (the `on: "h_n"`
 * loss input; undefined = none).
 */
export function stackBackward(
  dOutput: Float64Array | null, // (T, D·H)
  dTopFinal: Float64Array | undefined, // (D·H)
  cache: StackCache,
): StackGrads {
  const { T, config, runs } = cache;
  const { numLayers: L, hiddenSize: H } = config;
  const D = directionCount(config), W = D * H;
  const entries: StackEntryGrads[] = new Array(L * D);
  const dL_dh0 = new Float64Array(L * D * H), dL_dc0 = new Float64Array(L * D * H);
  let dLayerOut = dOutput ?? new Float64Array(T * W); // (T, D·H) gradient on this layer's output
  for (let layer = L - 1; layer >= 0; layer--) {
    const I = layerInputSize(config, layer);
    const dLayerIn = new Float64Array(T * I); // (T, I_k) summed over directions
    for (let d = 0; d < D; d++) {
      const e = layer * D + d, reversed = d === 1;
      const dOut = columns(dLayerOut, T, W, d * H, H, reversed); // (T, H) processing order
      const dhFinal = layer === L - 1 && dTopFinal ? dTopFinal.subarray(d * H, (d + 1) * H) : undefined;
      const back = runs[e].backward(dOut, dhFinal);
      const dInput = reversed ? reverseRows(back.dInput, T, I) : back.dInput; // (T, I_k) time order
      for (let k = 0; k < T * I; k++) dLayerIn[k] += dInput[k];
      const perStep: Record<string, Float64Array> = {};
      for (const [name, field] of Object.entries(back.perStep)) perStep[name] = reversed ? reverseRows(field, T, H) : field;
      perStep.dL_dinput = dInput;
      const entry: StackEntryGrads = { perStep, dL_dh0: back.dh0, dL_dW: back.dL_dW, dL_db: back.dL_db };
      if (back.dc0) {
        entry.dL_dc0 = back.dc0;
        dL_dc0.set(back.dc0, e * H);
      }
      if (back.dL_dp) entry.dL_dp = back.dL_dp;
      dL_dh0.set(back.dh0, e * H);
      entries[e] = entry;
    }
    dLayerOut = dLayerIn;
  }
  return { entries, dL_dx: dLayerOut, dL_dh0, dL_dc0 };
}

/** The per-entry forward records in time order (computed on demand: it copies for reverse). */
export function stackRecords(cache: StackCache): StackEntryRecord[] {
  const { T, config, runs } = cache;
  const H = config.hiddenSize, D = directionCount(config);
  return runs.map((run, e) => {
    const layer = Math.floor(e / D), reversed = e % D === 1;
    const forward: Record<string, Float64Array> = {};
    for (const [name, field] of Object.entries(run.forwardFields())) forward[name] = reversed ? reverseRows(field, T, H) : field;
    const record: StackEntryRecord = {
      layer, direction: reversed ? 'reverse' : 'forward', inputSize: layerInputSize(config, layer), forward,
    };
    const decay = run.pathDecay();
    if (decay) {
      record.pathDecay = decay.kind === 'cellPathDecay'
        ? { kind: decay.kind, forgetProduct: reversed ? reverseRows(decay.forgetProduct, T, H) : decay.forgetProduct }
        : { kind: decay.kind, zProduct: reversed ? reverseRows(decay.zProduct, T, H) : decay.zProduct };
    }
    return record;
  });
}
