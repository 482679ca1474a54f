// A naive stacked/bidirectional network and naive losses for finite-difference tests, sharing no
// code with src/engine: each (layer, direction) is run by the independent single-cell reference
// of referenceCells.ts (the reverse direction on the reversed sequence), except the GRU with
// resetAfter = false, written out here from its equation n = tanh(W_in x + b_in + W_hn (r*h) + b_hn).
// An injection adds a small number to one entry's h_t or c_t (t in time order), so central
// differences give that entry's TOTAL dL/dh_t and dL/dc_t.
import type { LinearHead, StackLoss } from '../../../src/engine/loss';
import type { StackConfig } from '../../../src/engine/stack';
import type { Spec } from '../../../src/engine/types';
import { referenceRun, type Injection } from './referenceCells';

export interface StackInjection {
  entry: number;
  /** 1-based, time order */
  t: number;
  state: 'h' | 'c';
  unit: number;
  delta: number;
}

export interface NaiveStackRun {
  output: number[][]; // [T][D·H]
  topFinal: number[]; // [D·H]
  hN: number[][]; // [L·D][H]
  /** every entry's h_t in time order, [L·D][T][H] */
  entryH: number[][][];
}

const sig = (a: number): number => 1 / (1 + Math.exp(-a));

/** GRU with the reset gate before the recurrent product, one direction; returns h per step. */
function gruResetBefore(P: Record<string, Float64Array>, H: number, I: number, xs: number[][], h0: number[], injection?: Injection): number[][] {
  let h = [...h0];
  const out: number[][] = [];
  const mv = (w: Float64Array, cols: number, j: number, v: number[]): number => {
    let s = 0;
    for (let k = 0; k < cols; k++) s += w[j * cols + k] * v[k];
    return s;
  };
  xs.forEach((x, step) => {
    const r: number[] = [], zg: number[] = [], hNew: number[] = [];
    for (let j = 0; j < H; j++) {
      r[j] = sig(mv(P.W_ir, I, j, x) + P.b_ir[j] + mv(P.W_hr, H, j, h) + P.b_hr[j]);
      zg[j] = sig(mv(P.W_iz, I, j, x) + P.b_iz[j] + mv(P.W_hz, H, j, h) + P.b_hz[j]);
    }
    const rh = h.map((v, j) => r[j] * v);
    for (let j = 0; j < H; j++) {
      const n = Math.tanh(mv(P.W_in, I, j, x) + P.b_in[j] + mv(P.W_hn, H, j, rh) + P.b_hn[j]);
      hNew[j] = (1 - zg[j]) * n + zg[j] * h[j];
    }
    if (injection && injection.t === step + 1 && injection.state === 'h') hNew[injection.unit] += injection.delta;
    out.push([...hNew]);
    h = hNew;
  });
  return out;
}

export function naiveStack(
  config: StackConfig,
  entries: Record<string, Float64Array>[],
  x: Float64Array, // (T, I)
  h0: Float64Array, c0: Float64Array, // (L·D, H)
  T: number,
  injection?: StackInjection,
): NaiveStackRun {
  const { hiddenSize: H, numLayers: L } = config;
  const D = config.bidirectional ? 2 : 1;
  let input: number[][] = Array.from({ length: T }, (_, t) => Array.from(x.slice(t * config.inputSize, (t + 1) * config.inputSize)));
  const hN: number[][] = [], entryH: number[][][] = [];
  for (let layer = 0; layer < L; layer++) {
    const I = layer === 0 ? config.inputSize : D * H;
    const next: number[][] = Array.from({ length: T }, () => []);
    for (let d = 0; d < D; d++) {
      const e = layer * D + d;
      const seq = d === 1 ? [...input].reverse() : input;
      const inj: Injection | undefined = injection && injection.entry === e
        ? { t: d === 1 ? T + 1 - injection.t : injection.t, state: injection.state, unit: injection.unit, delta: injection.delta }
        : undefined;
      const e0 = Array.from(h0.slice(e * H, (e + 1) * H)), c = Array.from(c0.slice(e * H, (e + 1) * H));
      let hs: number[][];
      if (config.cell === 'gru' && config.resetAfter === false) {
        hs = gruResetBefore(entries[e], H, I, seq, e0, inj);
      } else {
        const spec: Spec = {
          cell: config.cell, inputSize: I, hiddenSize: H, T, params: entries[e],
          h0: Float64Array.from(e0), c0: Float64Array.from(c), inputs: Float64Array.from(seq.flat()), loss: { kind: 'sum' },
        };
        hs = T === 0 ? [] : referenceRun(spec, inj).steps.h;
      }
      hN.push(T === 0 ? e0 : hs[T - 1]);
      const timeOrder = d === 1 ? [...hs].reverse() : hs;
      entryH.push(timeOrder);
      timeOrder.forEach((h, t) => next[t].push(...h));
    }
    input = next;
  }
  const topFinal = hN.slice((L - 1) * D).flat();
  return { output: input, topFinal, hN, entryH };
}

function headLogits(head: LinearHead, y: number[]): number[] {
  const W = y.length;
  return Array.from({ length: head.classes }, (_, c) => y.reduce((s, v, j) => s + head.weight[c * W + j] * v, head.bias[c]));
}

/** The loss, written from its table in docs/spec-format.md. */
export function naiveLoss(loss: StackLoss, run: NaiveStackRun, T: number): number {
  const ys = loss.on === 'h_n' || T === 0 ? [run.topFinal] : loss.at === 'every' ? run.output : [run.output[T - 1]];
  let L = 0;
  ys.forEach((y, k) => {
    const W = y.length;
    if (loss.kind === 'sum') L += y.reduce((a, b) => a + b, 0);
    else if (loss.kind === 'mse') y.forEach((v, j) => { L += 0.5 * (v - loss.target[k * W + j]) ** 2; });
    else if (loss.kind === 'given') y.forEach((v, j) => { L += loss.dL_dy[k * W + j] * v; });
    else {
      const z = headLogits(loss.head, y);
      const target = typeof loss.target === 'number' ? loss.target : loss.target[k];
      L += Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[target];
    }
  });
  return L;
}
