// An independent, deliberately naive reference for the engine tests: plain nested loops over
// number[] written straight from the equations of docs/spec-format.md, sharing no code with
// src/engine. It can add a perturbation to h_t or c_t right after it is computed, or to a
// pre-activation (a_f, a_r, a_n, hn, …) before its activation is applied, so central finite
// differences give the TOTAL dL/dh_t, dL/dc_t and dL/da_t the engine's BPTT claims, through
// every later path.

import type { CellKind, LossSpec, Spec } from '../../../src/engine/types';

/** What a perturbation can be added to: a state, or a pre-activation of the spec's cell. */
export type InjectionTarget = 'h' | 'c' | 'a_f' | 'a_i' | 'a_g' | 'a_o' | 'a_r' | 'a_z' | 'hn' | 'a_n' | 'a';

export interface Injection {
  /** 1-based step */
  t: number;
  state: InjectionTarget;
  unit: number;
  delta: number;
}

export interface ReferenceRun {
  L: number;
  /** forward fields by name, each [T][H] */
  steps: Record<string, number[][]>;
}

/** The logistic function straight from its definition (no engine kernel). */
export function referenceSigmoid(a: number): number {
  return 1 / (1 + Math.exp(-a));
}
const sig = referenceSigmoid;

/** row r of a flat (rows, cols) matrix as a number[] */
function row(m: Float64Array, r: number, cols: number): number[] {
  return Array.from(m.slice(r * cols, (r + 1) * cols));
}

function dot(w: number[], v: number[]): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * v[k];
  return s;
}

function lossOf(loss: LossSpec, h: number[]): number {
  let L = 0;
  for (let j = 0; j < h.length; j++) L += loss.kind === 'sum' ? h[j] : 0.5 * (h[j] - loss.target[j]) ** 2;
  return L;
}

export function referenceRun(spec: Spec, injection?: Injection, lossOverride?: LossSpec): ReferenceRun {
  const H = spec.hiddenSize, I = spec.inputSize, T = spec.T, P = spec.params;
  const steps: Record<string, number[][]> = {};
  const push = (name: string, v: number[]): void => {
    (steps[name] ??= []).push(v);
  };
  let h = Array.from(spec.h0);
  let c = Array.from(spec.c0);
  for (let t = 1; t <= T; t++) {
    const x = row(spec.inputs, t - 1, I);
    const inject = (state: InjectionTarget, v: number[]): void => {
      if (injection && injection.t === t && injection.state === state) v[injection.unit] += injection.delta;
    };
    const z = [...h, ...x];
    const cell: CellKind = spec.cell;
    if (cell === 'lstm' || cell === 'lstm_peephole') {
      const peep = cell === 'lstm_peephole';
      const aF: number[] = [], aI: number[] = [], aG: number[] = [], aO: number[] = [];
      const f: number[] = [], i: number[] = [], g: number[] = [], o: number[] = [], cNew: number[] = [], hNew: number[] = [];
      for (let j = 0; j < H; j++) {
        aF[j] = dot(row(P.W_f, j, H + I), z) + P.b_f[j] + (peep ? P.p_f[j] * c[j] : 0);
        aI[j] = dot(row(P.W_i, j, H + I), z) + P.b_i[j] + (peep ? P.p_i[j] * c[j] : 0);
        aG[j] = dot(row(P.W_c, j, H + I), z) + P.b_c[j];
      }
      inject('a_f', aF); inject('a_i', aI); inject('a_g', aG);
      for (let j = 0; j < H; j++) {
        f[j] = sig(aF[j]); i[j] = sig(aI[j]); g[j] = Math.tanh(aG[j]);
        cNew[j] = f[j] * c[j] + i[j] * g[j];
      }
      inject('c', cNew);
      for (let j = 0; j < H; j++) aO[j] = dot(row(P.W_o, j, H + I), z) + P.b_o[j] + (peep ? P.p_o[j] * cNew[j] : 0);
      inject('a_o', aO);
      for (let j = 0; j < H; j++) {
        o[j] = sig(aO[j]);
        hNew[j] = o[j] * Math.tanh(cNew[j]);
      }
      inject('h', hNew);
      push('a_f', aF); push('a_i', aI); push('a_g', aG); push('a_o', aO);
      push('f', f); push('i', i); push('g', g); push('o', o); push('c', [...cNew]); push('h', [...hNew]);
      h = hNew; c = cNew;
    } else if (cell === 'gru') {
      const aR: number[] = [], aZ: number[] = [], hn: number[] = [], aN: number[] = [];
      const r: number[] = [], zg: number[] = [], n: number[] = [], hNew: number[] = [];
      for (let j = 0; j < H; j++) {
        aR[j] = dot(row(P.W_ir, j, I), x) + P.b_ir[j] + dot(row(P.W_hr, j, H), h) + P.b_hr[j];
        aZ[j] = dot(row(P.W_iz, j, I), x) + P.b_iz[j] + dot(row(P.W_hz, j, H), h) + P.b_hz[j];
        hn[j] = dot(row(P.W_hn, j, H), h) + P.b_hn[j];
      }
      inject('a_r', aR); inject('a_z', aZ); inject('hn', hn);
      for (let j = 0; j < H; j++) {
        r[j] = sig(aR[j]); zg[j] = sig(aZ[j]);
        aN[j] = dot(row(P.W_in, j, I), x) + P.b_in[j] + r[j] * hn[j];
      }
      inject('a_n', aN);
      for (let j = 0; j < H; j++) {
        n[j] = Math.tanh(aN[j]);
        hNew[j] = (1 - zg[j]) * n[j] + zg[j] * h[j];
      }
      inject('h', hNew);
      push('a_r', aR); push('a_z', aZ); push('hn', hn); push('a_n', aN);
      push('r', r); push('z', zg); push('n', n); push('h', [...hNew]);
      h = hNew;
    } else {
      const a: number[] = [], hNew: number[] = [];
      for (let j = 0; j < H; j++) a[j] = dot(row(P.W, j, H + I), z) + P.b[j];
      inject('a', a);
      for (let j = 0; j < H; j++) hNew[j] = Math.tanh(a[j]);
      inject('h', hNew);
      push('a', a); push('h', [...hNew]);
      h = hNew;
    }
  }
  return { L: lossOf(lossOverride ?? spec.loss, h), steps };
}

/**
 * The comparison RNN of docs/spec-format.md as a plain rnn spec: lstm kinds use W_c/b_c, gru
 * uses [W_hn | W_in] with b_in + b_hn, rnn is itself; loss sum.
 */
export function comparisonRnnSpec(spec: Spec): Spec {
  const H = spec.hiddenSize, I = spec.inputSize, P = spec.params;
  let W: Float64Array, b: Float64Array;
  if (spec.cell === 'gru') {
    W = new Float64Array(H * (H + I));
    b = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < H; k++) W[j * (H + I) + k] = P.W_hn[j * H + k];
      for (let k = 0; k < I; k++) W[j * (H + I) + H + k] = P.W_in[j * I + k];
      b[j] = P.b_in[j] + P.b_hn[j];
    }
  } else if (spec.cell === 'rnn') {
    W = P.W; b = P.b;
  } else {
    W = P.W_c; b = P.b_c;
  }
  return { ...spec, cell: 'rnn', params: { W, b }, c0: new Float64Array(H), loss: { kind: 'sum' } };
}

/** A small seeded generator (mulberry32), so the random specs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parameter names and sizes of each cell, textbook layout. */
export function parameterShapes(cell: CellKind, H: number, I: number): Record<string, number> {
  const shapes: Record<string, number> = {};
  if (cell === 'lstm' || cell === 'lstm_peephole') {
    for (const n of ['W_f', 'W_i', 'W_c', 'W_o']) shapes[n] = H * (H + I);
    for (const n of ['b_f', 'b_i', 'b_c', 'b_o']) shapes[n] = H;
    if (cell === 'lstm_peephole') for (const n of ['p_f', 'p_i', 'p_o']) shapes[n] = H;
  } else if (cell === 'gru') {
    for (const n of ['W_ir', 'W_iz', 'W_in']) shapes[n] = H * I;
    for (const n of ['W_hr', 'W_hz', 'W_hn']) shapes[n] = H * H;
    for (const n of ['b_ir', 'b_iz', 'b_in', 'b_hr', 'b_hz', 'b_hn']) shapes[n] = H;
  } else {
    shapes.W = H * (H + I);
    shapes.b = H;
  }
  return shapes;
}

/** A random spec with entries uniform in [-scale, scale]. */
export function randomSpec(cell: CellKind, H: number, I: number, T: number, lossKind: 'sum' | 'mse', seed: number, scale = 1): Spec {
  const rand = seededRandom(seed);
  const vec = (n: number, s = scale): Float64Array => Float64Array.from({ length: n }, () => (2 * rand() - 1) * s);
  const params: Record<string, Float64Array> = {};
  for (const [name, size] of Object.entries(parameterShapes(cell, H, I))) params[name] = vec(size);
  const lstmKind = cell === 'lstm' || cell === 'lstm_peephole';
  return {
    cell, inputSize: I, hiddenSize: H, T, params,
    h0: vec(H, 0.5),
    c0: lstmKind ? vec(H, 0.5) : new Float64Array(H),
    inputs: vec(T * I),
    loss: lossKind === 'sum' ? { kind: 'sum' } : { kind: 'mse', target: vec(H) },
  };
}
