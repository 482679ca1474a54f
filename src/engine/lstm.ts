// The LSTM cell over a whole sequence, textbook layout (z_t = [h_{t-1}, x_t], h first), with
// optional diagonal peepholes (lstm_peephole: p_f, p_i see c_{t-1}, p_o sees the new c_t).
// lstmForward runs all T steps on any input sequence (T, I) (x_t, or the layer below's output in
// a stack) and returns the cache lstmBackward needs; lstmBackward runs BPTT from an upstream
// gradient on the final state (dhFinal) and/or at every step (dOut, (T, H)), and
// fills the total per-step gradients, dL/dinput and the weight gradients.
// Speed: the x_t part of every pre-activation is one GEMM over all steps before the recurrence,
// each step adds its h_{t-1} part with one GEMV, and the weight and input gradients are GEMMs
// after the recurrence. Per-step buffers are gate-major (4, T, H) so a gate's (T, H) field is a
// subarray. The per-step loops allocate nothing.

import { gemmNT, gemv, gemvT, seedFinalStep, sigmoid, tanh, transpose } from './kernels';

/** The per-unit cell-state update, the seeds' "conveyor belt": c_t = f*c_{t-1} + i*g. */
export function cellStateUpdate(f: number, cPrev: number, i: number, g: number): number {
  return f * cPrev + i * g;
}

/** Textbook weight names in the packed buffers' gate order f, i, g (the candidate, weight W_c), o. */
export const LSTM_WEIGHT_NAMES = ['W_f', 'W_i', 'W_c', 'W_o'] as const;
export const LSTM_BIAS_NAMES = ['b_f', 'b_i', 'b_c', 'b_o'] as const;
export const PEEPHOLE_NAMES = ['p_f', 'p_i', 'p_o'] as const;

export interface LstmParams {
  H: number;
  I: number;
  peephole: boolean;
  wh: Float64Array; // (4H, H) rows f,i,g,o: the h_{t-1} columns of W_f W_i W_c W_o
  wx: Float64Array; // (4H, I) rows f,i,g,o: the x_t columns
  b: Float64Array; // (4H) b_f b_i b_c b_o
  peepholes: Float64Array; // (3H) p_f p_i p_o, zeros when not peephole
}

/** Splits the textbook (H, H+I) matrices into the packed recurrent and input parts. */
export function packLstm(
  params: Record<string, Float64Array>, // W_f W_i W_c W_o: (H, H+I); b_*: (H); p_f p_i p_o: (H) when peephole
  H: number, I: number, peephole: boolean,
): LstmParams {
  const wh = new Float64Array(4 * H * H), wx = new Float64Array(4 * H * I), b = new Float64Array(4 * H);
  const peepholes = new Float64Array(3 * H);
  for (let gate = 0; gate < 4; gate++) {
    const w = params[LSTM_WEIGHT_NAMES[gate]]; // (H, H+I)
    for (let r = 0; r < H; r++) {
      const row = gate * H + r, from = r * (H + I);
      wh.set(w.subarray(from, from + H), row * H);
      wx.set(w.subarray(from + H, from + H + I), row * I);
    }
    b.set(params[LSTM_BIAS_NAMES[gate]], gate * H);
  }
  if (peephole) for (let k = 0; k < 3; k++) peepholes.set(params[PEEPHOLE_NAMES[k]], k * H);
  return { H, I, peephole, wh, wx, b, peepholes };
}

export interface LstmGrads {
  dh: Float64Array; // (T, H) total dL/dh_t
  dc: Float64Array; // (T, H) total dL/dc_t
  dPreact: Float64Array; // (4, T, H) dL/da_f dL/da_i dL/da_g dL/da_o
  dx: Float64Array; // (T, I)
  dh0: Float64Array; // (H)
  dc0: Float64Array; // (H)
  dW: Float64Array; // (4, H, H+I) textbook dL/dW_f dL/dW_i dL/dW_c dL/dW_o
  db: Float64Array; // (4H)
  dPeepholes: Float64Array; // (3H) dL/dp_f dL/dp_i dL/dp_o (zeros unless peephole)
}

export function allocLstmGrads(H: number, I: number, T: number): LstmGrads {
  return {
    dh: new Float64Array(T * H), dc: new Float64Array(T * H), dPreact: new Float64Array(4 * T * H),
    dx: new Float64Array(T * I), dh0: new Float64Array(H), dc0: new Float64Array(H),
    dW: new Float64Array(4 * H * (H + I)), db: new Float64Array(4 * H), dPeepholes: new Float64Array(3 * H),
  };
}

export interface LstmCache {
  T: number;
  x: Float64Array; // (T, I)
  h0: Float64Array; // (H)
  c0: Float64Array; // (H)
  preact: Float64Array; // (4, T, H) a_f a_i a_g a_o
  act: Float64Array; // (4, T, H) f i g o
  tanhC: Float64Array; // (T, H) tanh(c_t)
  c: Float64Array; // (T, H)
  h: Float64Array; // (T, H)
}

export function lstmForward(
  params: LstmParams,
  x: Float64Array, // (T, I)
  h0: Float64Array, // (H)
  c0: Float64Array, // (H)
  T: number,
): LstmCache {
  const { H, I, wh, wx, b, peepholes, peephole } = params;
  const TH = T * H;
  const preact = new Float64Array(4 * TH), act = new Float64Array(4 * TH);
  const c = new Float64Array(TH), h = new Float64Array(TH), tanhC = new Float64Array(TH);
  const recurrent = new Float64Array(4 * H); // (4H) W_h h_{t-1} of one step

  // x_t part of every pre-activation, all steps at once: preact_gate (T, H) = X (T, I) · Wx_gate^T + b_gate
  for (let gate = 0; gate < 4; gate++) {
    gemmNT(preact, gate * TH, H, x, 0, I, wx, gate * H * I, I, T, H, I, 0);
    for (let t = 0; t < T; t++) {
      const row = gate * TH + t * H;
      for (let r = 0; r < H; r++) preact[row + r] += b[gate * H + r];
    }
  }

  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : h, hPrevOff = t === 0 ? 0 : (t - 1) * H;
    const cPrev = t === 0 ? c0 : c, cPrevOff = t === 0 ? 0 : (t - 1) * H;
    gemv(recurrent, 0, wh, 0, H, hPrev, hPrevOff, 4 * H, H, 0);
    const row = t * H;
    for (let r = 0; r < H; r++) {
      const fIdx = row + r, iIdx = TH + row + r, gIdx = 2 * TH + row + r, oIdx = 3 * TH + row + r;
      const cPrevUnit = cPrev[cPrevOff + r];
      let aF = preact[fIdx] + recurrent[r];
      let aI = preact[iIdx] + recurrent[H + r];
      const aG = preact[gIdx] + recurrent[2 * H + r];
      let aO = preact[oIdx] + recurrent[3 * H + r];
      if (peephole) {
        aF += peepholes[r] * cPrevUnit;
        aI += peepholes[H + r] * cPrevUnit;
      }
      const f = sigmoid(aF), i = sigmoid(aI), g = tanh(aG);
      const cNew = cellStateUpdate(f, cPrevUnit, i, g);
      if (peephole) aO += peepholes[2 * H + r] * cNew;
      const o = sigmoid(aO);
      const tanhCUnit = tanh(cNew);
      preact[fIdx] = aF; preact[iIdx] = aI; preact[gIdx] = aG; preact[oIdx] = aO;
      act[fIdx] = f; act[iIdx] = i; act[gIdx] = g; act[oIdx] = o;
      c[fIdx] = cNew;
      tanhC[fIdx] = tanhCUnit;
      h[fIdx] = o * tanhCUnit;
    }
  }
  return { T, x, h0, c0, preact, act, tanhC, c, h };
}

/**
 * BPTT through all steps; overwrites every field of grads. The loss reaches h_T through dhFinal
 * (the gradient on the final state, PyTorch's h_n; with T = 0 it is dL/dh0; null = none) and,
 * in a stack or with a loss at every step, h_t directly through dOut[t] (the gradient on the
 * cell's output at step t). A loss on h_T alone is lstmBackward(dL/dh_T, cache, params, grads).
 */
export function lstmBackward(
  dhFinal: Float64Array | null, // (H) dL/dh_T from a loss on the final state (h_T, PyTorch's h_n)
  cache: LstmCache,
  params: LstmParams,
  grads: LstmGrads,
  dOut: Float64Array | null = null, // (T, H) dL/dh_t from a loss at each step (a stack's output)
): void {
  const { H, I, wh, wx, peepholes, peephole } = params;
  const { T, x, h0, c0, act, tanhC, c, h } = cache;
  const { dh, dc, dPreact, dx, dh0, dc0, dW, db, dPeepholes } = grads;
  const TH = T * H;
  const dPreactStep = new Float64Array(4 * H); // (4H) one step's deltas, packed like wh's rows
  const dcCarry = new Float64Array(H); // (H) dL/dc_t through step t+1 only
  dPeepholes.fill(0);
  if (T === 0) {
    if (dhFinal) dh0.set(dhFinal);
    else dh0.fill(0);
    dc0.fill(0);
    dW.fill(0); db.fill(0); dx.fill(0);
    return;
  }
  seedFinalStep(dh, dOut, dhFinal, T, H);

  for (let t = T - 1; t >= 0; t--) {
    const row = t * H;
    const cPrev = t === 0 ? c0 : c, cPrevOff = t === 0 ? 0 : (t - 1) * H;
    // dh[t] so far holds the paths through step t+1; add the loss's own gradient at step t
    if (dOut && t < T - 1) for (let r = 0; r < H; r++) dh[row + r] += dOut[row + r];
    for (let r = 0; r < H; r++) {
      const fIdx = row + r, iIdx = TH + row + r, gIdx = 2 * TH + row + r, oIdx = 3 * TH + row + r;
      const f = act[fIdx], i = act[iIdx], g = act[gIdx], o = act[oIdx];
      const tanhCUnit = tanhC[fIdx], cPrevUnit = cPrev[cPrevOff + r];
      const dhVal = dh[fIdx];
      const dA_o = dhVal * tanhCUnit * o * (1 - o);
      let dcVal = dcCarry[r] + dhVal * o * (1 - tanhCUnit * tanhCUnit);
      if (peephole) dcVal += dA_o * peepholes[2 * H + r];
      const dA_f = dcVal * cPrevUnit * f * (1 - f);
      const dA_i = dcVal * g * i * (1 - i);
      const dA_g = dcVal * i * (1 - g * g);
      dc[fIdx] = dcVal;
      dPreact[fIdx] = dA_f; dPreact[iIdx] = dA_i; dPreact[gIdx] = dA_g; dPreact[oIdx] = dA_o;
      dPreactStep[r] = dA_f; dPreactStep[H + r] = dA_i; dPreactStep[2 * H + r] = dA_g; dPreactStep[3 * H + r] = dA_o;
      let carry = dcVal * f;
      if (peephole) {
        carry += dA_f * peepholes[r] + dA_i * peepholes[H + r];
        dPeepholes[r] += dA_f * cPrevUnit;
        dPeepholes[H + r] += dA_i * cPrevUnit;
        dPeepholes[2 * H + r] += dA_o * c[fIdx];
      }
      dcCarry[r] = carry;
    }
    // dL/dh_{t-1} = Wh^T · dPreact_t (h_{t-1} reaches the loss only through step t)
    if (t === 0) gemvT(dh0, 0, wh, 0, H, dPreactStep, 0, 4 * H, H);
    else gemvT(dh, (t - 1) * H, wh, 0, H, dPreactStep, 0, 4 * H, H);
  }
  dc0.set(dcCarry);

  // weight gradients, one GEMM per gate: dW_gate (H, H+I) = dPreact_gate^T (H, T) · Z (T, H+I)
  const zT = new Float64Array((H + I) * T); // (H+I, T): rows 0..H-1 are h_0..h_{T-1}, then x_1..x_T
  transpose(zT, 0, T, h0, 0, H, 1, H);
  if (T > 1) transpose(zT, 1, T, h, 0, H, T - 1, H);
  transpose(zT, H * T, T, x, 0, I, T, I);
  const dPreactT = new Float64Array(H * T); // (H, T) one gate's deltas, transposed
  for (let gate = 0; gate < 4; gate++) {
    transpose(dPreactT, 0, T, dPreact, gate * TH, H, T, H);
    gemmNT(dW, gate * H * (H + I), H + I, dPreactT, 0, T, zT, 0, T, H, H + I, T, 0);
    for (let r = 0; r < H; r++) {
      let s = 0;
      for (let k = 0; k < T; k++) s += dPreactT[r * T + k];
      db[gate * H + r] = s;
    }
  }

  // input gradients: dx (T, I) = sum over gates of dPreact_gate (T, H) · Wx_gate (H, I)
  const wxT = new Float64Array(I * 4 * H); // (I, 4H)
  transpose(wxT, 0, 4 * H, wx, 0, I, 4 * H, I);
  for (let gate = 0; gate < 4; gate++) {
    gemmNT(dx, 0, I, dPreact, gate * TH, H, wxT, gate * H, 4 * H, T, I, H, gate === 0 ? 0 : 1);
  }
}
