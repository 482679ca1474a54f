// The plain (Elman) RNN cell over a whole sequence: h_t = tanh(W [h_{t-1}, x_t] + b). It is the
// `rnn` cell kind and also the ungated comparison run next to every trace (docs/trace-format.md),
// for which only dL/dh_t is needed, so the weight and input gradients are optional. The input may
// be any sequence (T, I) (x_t, or the layer below's output in a stack); the backward pass takes
// the loss's gradient on the final state (dhFinal) and/or at every step (dOut).

import { gemmNT, gemv, gemvT, seedFinalStep, tanh, transpose } from './kernels';

export interface RnnParams {
  H: number;
  I: number;
  wh: Float64Array; // (H, H) the h_{t-1} columns of W
  wx: Float64Array; // (H, I) the x_t columns of W
  b: Float64Array; // (H)
}

/** Splits the textbook W (H, H+I) into its recurrent and input parts. */
export function packRnn(
  w: Float64Array, // (H, H+I)
  b: Float64Array, // (H)
  H: number, I: number,
): RnnParams {
  const wh = new Float64Array(H * H), wx = new Float64Array(H * I);
  for (let r = 0; r < H; r++) {
    wh.set(w.subarray(r * (H + I), r * (H + I) + H), r * H);
    wx.set(w.subarray(r * (H + I) + H, (r + 1) * (H + I)), r * I);
  }
  return { H, I, wh, wx, b };
}

export interface RnnGrads {
  dh: Float64Array; // (T, H) total dL/dh_t
  dPreact: Float64Array; // (T, H) dL/da_t
  dh0: Float64Array; // (H)
  /** the rest is filled only when present */
  dx?: Float64Array; // (T, I)
  dW?: Float64Array; // (H, H+I) textbook layout
  db?: Float64Array; // (H)
}

export interface RnnCache {
  T: number;
  x: Float64Array; // (T, I)
  h0: Float64Array; // (H)
  preact: Float64Array; // (T, H) a_t
  h: Float64Array; // (T, H)
}

export function rnnForward(
  params: RnnParams,
  x: Float64Array, // (T, I)
  h0: Float64Array, // (H)
  T: number,
): RnnCache {
  const { H, I, wh, wx, b } = params;
  const preact = new Float64Array(T * H), h = new Float64Array(T * H);
  const recurrent = new Float64Array(H); // (H) W_h h_{t-1}
  gemmNT(preact, 0, H, x, 0, I, wx, 0, I, T, H, I, 0);
  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : h, hPrevOff = t === 0 ? 0 : (t - 1) * H;
    gemv(recurrent, 0, wh, 0, H, hPrev, hPrevOff, H, H, 0);
    const row = t * H;
    for (let k = 0; k < H; k++) {
      const a = preact[row + k] + b[k] + recurrent[k];
      preact[row + k] = a;
      h[row + k] = tanh(a);
    }
  }
  return { T, x, h0, preact, h };
}

/**
 * BPTT through all steps. The loss reaches h_T through dhFinal (PyTorch's h_n; with T = 0 it is
 * dL/dh0; null = none) and h_t through dOut[t] (optional).
 */
export function rnnBackward(
  dhFinal: Float64Array | null, // (H) dL/dh_T from a loss on the final state (h_T, PyTorch's h_n)
  cache: RnnCache,
  params: RnnParams,
  grads: RnnGrads,
  dOut: Float64Array | null = null, // (T, H) dL/dh_t from a loss at each step (a stack's output)
): void {
  const { H, I, wh, wx } = params;
  const { T, x, h0, h } = cache;
  const { dh, dPreact, dh0, dx, dW, db } = grads;
  if (T === 0) {
    if (dhFinal) dh0.set(dhFinal);
    else dh0.fill(0);
    dW?.fill(0); db?.fill(0); dx?.fill(0);
    return;
  }
  seedFinalStep(dh, dOut, dhFinal, T, H);
  for (let t = T - 1; t >= 0; t--) {
    const row = t * H;
    // dh[t] so far holds the path through step t+1; add the loss's own gradient at step t
    if (dOut && t < T - 1) for (let k = 0; k < H; k++) dh[row + k] += dOut[row + k];
    for (let k = 0; k < H; k++) {
      const hv = h[row + k];
      dPreact[row + k] = dh[row + k] * (1 - hv * hv);
    }
    if (t === 0) gemvT(dh0, 0, wh, 0, H, dPreact, row, H, H);
    else gemvT(dh, (t - 1) * H, wh, 0, H, dPreact, row, H, H);
  }
  if (dW || db) {
    const dPreactT = new Float64Array(H * T); // (H, T)
    transpose(dPreactT, 0, T, dPreact, 0, H, T, H);
    if (dW) {
      const zT = new Float64Array((H + I) * T); // (H+I, T) columns [h_{t-1}; x_t]
      transpose(zT, 0, T, h0, 0, H, 1, H);
      if (T > 1) transpose(zT, 1, T, h, 0, H, T - 1, H);
      transpose(zT, H * T, T, x, 0, I, T, I);
      gemmNT(dW, 0, H + I, dPreactT, 0, T, zT, 0, T, H, H + I, T, 0);
    }
    if (db) {
      for (let k = 0; k < H; k++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += dPreactT[k * T + t];
        db[k] = s;
      }
    }
  }
  if (dx) {
    // dx (T, I) = dPreact (T, H) · Wx (H, I)
    const wxT = new Float64Array(I * H); // (I, H)
    transpose(wxT, 0, H, wx, 0, I, H, I);
    gemmNT(dx, 0, I, dPreact, 0, H, wxT, 0, H, T, I, H, 0);
  }
}
