// The GRU cell over a whole sequence, exactly PyTorch nn.GRU:
//   a_r = W_ir x + b_ir + W_hr h + b_hr,  r = σ(a_r);   a_z likewise, z = σ(a_z)
//   hn  = W_hn h + b_hn;  a_n = W_in x + b_in + r*hn,  n = tanh(a_n);  h_t = (1-z)*n + z*h_{t-1}
// or, with resetAfter = false (ONNX linear_before_reset = 0, Keras reset_after = false), the reset
// gate applied before the recurrent product: hn = W_hn (r*h) + b_hn;  a_n = W_in x + b_in + hn.
// The input may be any sequence (T, I) (x_t, or the layer below's output in a stack); the backward
// pass takes the loss's gradient on the final state (dhFinal) and/or at every step (dOut).
// Same plan as the LSTM: one GEMM for every step's x part, one GEMV per step for the h part,
// weight and input gradients as GEMMs after the recurrence. Per-step buffers are gate-major
// (4, T, H) with slots a_r, a_z, a_n, hn (and their deltas), so each field is a subarray.

import { gemmNT, gemv, gemvT, seedFinalStep, sigmoid, tanh, transpose } from './kernels';

export const GRU_INPUT_WEIGHTS = ['W_ir', 'W_iz', 'W_in'] as const;
export const GRU_HIDDEN_WEIGHTS = ['W_hr', 'W_hz', 'W_hn'] as const;
export const GRU_INPUT_BIASES = ['b_ir', 'b_iz', 'b_in'] as const;
export const GRU_HIDDEN_BIASES = ['b_hr', 'b_hz', 'b_hn'] as const;

export interface GruParams {
  H: number;
  I: number;
  wx: Float64Array; // (3H, I) rows r, z, n: W_ir W_iz W_in
  wh: Float64Array; // (3H, H) rows r, z, n: W_hr W_hz W_hn
  bx: Float64Array; // (3H) b_ir b_iz b_in
  bh: Float64Array; // (3H) b_hr b_hz b_hn
  /** true: PyTorch's n = tanh(W_in x + b_in + r*(W_hn h + b_hn)); false: tanh(W_in x + b_in + W_hn (r*h) + b_hn) */
  resetAfter: boolean;
}

export function packGru(
  params: Record<string, Float64Array>, // W_i*: (H, I); W_h*: (H, H); b_*: (H)
  H: number, I: number,
  resetAfter = true,
): GruParams {
  const wx = new Float64Array(3 * H * I), wh = new Float64Array(3 * H * H);
  const bx = new Float64Array(3 * H), bh = new Float64Array(3 * H);
  for (let gate = 0; gate < 3; gate++) {
    wx.set(params[GRU_INPUT_WEIGHTS[gate]], gate * H * I);
    wh.set(params[GRU_HIDDEN_WEIGHTS[gate]], gate * H * H);
    bx.set(params[GRU_INPUT_BIASES[gate]], gate * H);
    bh.set(params[GRU_HIDDEN_BIASES[gate]], gate * H);
  }
  return { H, I, wx, wh, bx, bh, resetAfter };
}

export interface GruGrads {
  dh: Float64Array; // (T, H) total dL/dh_t
  dPreact: Float64Array; // (4, T, H) dL/da_r dL/da_z dL/da_n dL/dhn
  dx: Float64Array; // (T, I)
  dh0: Float64Array; // (H)
  dWx: Float64Array; // (3, H, I) dL/dW_ir dL/dW_iz dL/dW_in
  dWh: Float64Array; // (3, H, H) dL/dW_hr dL/dW_hz dL/dW_hn
  dbx: Float64Array; // (3H)
  dbh: Float64Array; // (3H)
}

export function allocGruGrads(H: number, I: number, T: number): GruGrads {
  return {
    dh: new Float64Array(T * H), dPreact: new Float64Array(4 * T * H), dx: new Float64Array(T * I),
    dh0: new Float64Array(H), dWx: new Float64Array(3 * H * I), dWh: new Float64Array(3 * H * H),
    dbx: new Float64Array(3 * H), dbh: new Float64Array(3 * H),
  };
}

export interface GruCache {
  T: number;
  x: Float64Array; // (T, I)
  h0: Float64Array; // (H)
  preact: Float64Array; // (4, T, H) a_r a_z a_n hn
  act: Float64Array; // (3, T, H) r z n
  h: Float64Array; // (T, H)
  /** resetAfter = false only: r_t * h_{t-1}, the vector W_hn multiplies */
  rh?: Float64Array; // (T, H)
}

export function gruForward(
  params: GruParams,
  x: Float64Array, // (T, I)
  h0: Float64Array, // (H)
  T: number,
): GruCache {
  const { H, I, wx, wh, bx, bh, resetAfter } = params;
  const TH = T * H;
  const preact = new Float64Array(4 * TH), act = new Float64Array(3 * TH), h = new Float64Array(TH);
  const rh = resetAfter ? undefined : new Float64Array(TH);
  const recurrent = new Float64Array(3 * H); // (3H) W_h h_{t-1} + b_h of one step

  // x part of a_r, a_z and a_n for all steps: (T, H) = X (T, I) · Wx_gate^T + bx_gate
  for (let gate = 0; gate < 3; gate++) {
    gemmNT(preact, gate * TH, H, x, 0, I, wx, gate * H * I, I, T, H, I, 0);
    for (let t = 0; t < T; t++) {
      const row = gate * TH + t * H;
      for (let r = 0; r < H; r++) preact[row + r] += bx[gate * H + r];
    }
  }

  for (let t = 0; t < T; t++) {
    const hPrev = t === 0 ? h0 : h, hPrevOff = t === 0 ? 0 : (t - 1) * H;
    const row = t * H;
    if (rh) {
      // r first, then W_hn (r*h): recurrent's n block holds W_hn (r*h) instead of W_hn h
      gemv(recurrent, 0, wh, 0, H, hPrev, hPrevOff, 2 * H, H, 0);
      for (let k = 0; k < H; k++) {
        const rIdx = row + k, aR = preact[rIdx] + recurrent[k] + bh[k], r = sigmoid(aR);
        preact[rIdx] = aR; act[rIdx] = r;
        rh[rIdx] = r * hPrev[hPrevOff + k];
      }
      gemv(recurrent, 2 * H, wh, 2 * H * H, H, rh, row, H, H, 0);
      for (let k = 0; k < H; k++) {
        const zIdx = TH + row + k, nIdx = 2 * TH + row + k, hnIdx = 3 * TH + row + k;
        const aZ = preact[zIdx] + recurrent[H + k] + bh[H + k];
        const hn = recurrent[2 * H + k] + bh[2 * H + k];
        const z = sigmoid(aZ);
        const aN = preact[nIdx] + hn;
        const n = tanh(aN);
        preact[zIdx] = aZ; preact[nIdx] = aN; preact[hnIdx] = hn;
        act[zIdx] = z; act[nIdx] = n;
        h[row + k] = (1 - z) * n + z * hPrev[hPrevOff + k];
      }
      continue;
    }
    gemv(recurrent, 0, wh, 0, H, hPrev, hPrevOff, 3 * H, H, 0);
    for (let k = 0; k < H; k++) {
      const rIdx = row + k, zIdx = TH + row + k, nIdx = 2 * TH + row + k, hnIdx = 3 * TH + row + k;
      const aR = preact[rIdx] + recurrent[k] + bh[k];
      const aZ = preact[zIdx] + recurrent[H + k] + bh[H + k];
      const hn = recurrent[2 * H + k] + bh[2 * H + k];
      const r = sigmoid(aR), z = sigmoid(aZ);
      const aN = preact[nIdx] + r * hn;
      const n = tanh(aN);
      preact[rIdx] = aR; preact[zIdx] = aZ; preact[nIdx] = aN; preact[hnIdx] = hn;
      act[rIdx] = r; act[zIdx] = z; act[nIdx] = n;
      h[rIdx] = (1 - z) * n + z * hPrev[hPrevOff + k];
    }
  }
  return rh ? { T, x, h0, preact, act, h, rh } : { T, x, h0, preact, act, h };
}

/**
 * BPTT through all steps; overwrites every field of grads. The loss reaches h_T through dhFinal
 * (PyTorch's h_n; with T = 0 it is dL/dh0; null = none) and h_t through dOut[t] (optional).
 */
export function gruBackward(
  dhFinal: Float64Array | null, // (H) dL/dh_T from a loss on the final state (h_T, PyTorch's h_n)
  cache: GruCache,
  params: GruParams,
  grads: GruGrads,
  dOut: Float64Array | null = null, // (T, H) dL/dh_t from a loss at each step (a stack's output)
): void {
  const { H, I, wx, wh } = params;
  const { T, x, h0, preact, act, h, rh } = cache;
  const { dh, dPreact, dx, dh0, dWx, dWh, dbx, dbh } = grads;
  const TH = T * H;
  const dRecurrent = new Float64Array(3 * H); // (3H) one step's [dL/da_r, dL/da_z, dL/dhn]
  const dRh = new Float64Array(H); // (H) resetAfter = false: dL/d(r*h_{t-1}) = W_hn^T dL/dhn
  if (T === 0) {
    if (dhFinal) dh0.set(dhFinal);
    else dh0.fill(0);
    dWx.fill(0); dWh.fill(0); dbx.fill(0); dbh.fill(0); dx.fill(0);
    return;
  }
  seedFinalStep(dh, dOut, dhFinal, T, H);

  for (let t = T - 1; t >= 0; t--) {
    const row = t * H;
    const hPrev = t === 0 ? h0 : h, hPrevOff = t === 0 ? 0 : (t - 1) * H;
    const dhPrev = t === 0 ? dh0 : dh, dhPrevOff = t === 0 ? 0 : (t - 1) * H;
    // dh[t] so far holds the paths through step t+1; add the loss's own gradient at step t
    if (dOut && t < T - 1) for (let k = 0; k < H; k++) dh[row + k] += dOut[row + k];
    if (rh) {
      // hn = W_hn (r*h) + b_hn enters a_n directly; r is reached through r*h
      for (let k = 0; k < H; k++) {
        const zIdx = TH + row + k, nIdx = 2 * TH + row + k, hnIdx = 3 * TH + row + k;
        const z = act[zIdx], n = act[nIdx];
        const dhVal = dh[row + k];
        const dA_z = dhVal * (hPrev[hPrevOff + k] - n) * z * (1 - z);
        const dA_n = dhVal * (1 - z) * (1 - n * n);
        dPreact[zIdx] = dA_z; dPreact[nIdx] = dA_n; dPreact[hnIdx] = dA_n;
        dRecurrent[H + k] = dA_z; dRecurrent[2 * H + k] = dA_n;
      }
      gemvT(dRh, 0, wh, 2 * H * H, H, dRecurrent, 2 * H, H, H);
      for (let k = 0; k < H; k++) {
        const r = act[row + k];
        const dA_r = dRh[k] * hPrev[hPrevOff + k] * r * (1 - r);
        dPreact[row + k] = dA_r;
        dRecurrent[k] = dA_r;
      }
      // dL/dh_{t-1} = z*dL/dh_t + r*dL/d(r*h) + [W_hr; W_hz]^T · [dL/da_r, dL/da_z]
      gemvT(dhPrev, dhPrevOff, wh, 0, H, dRecurrent, 0, 2 * H, H);
      for (let k = 0; k < H; k++) {
        dhPrev[dhPrevOff + k] += dh[row + k] * act[TH + row + k] + act[row + k] * dRh[k];
      }
      continue;
    }
    for (let k = 0; k < H; k++) {
      const rIdx = row + k, zIdx = TH + row + k, nIdx = 2 * TH + row + k, hnIdx = 3 * TH + row + k;
      const r = act[rIdx], z = act[zIdx], n = act[nIdx], hn = preact[hnIdx];
      const dhVal = dh[rIdx];
      const dA_z = dhVal * (hPrev[hPrevOff + k] - n) * z * (1 - z);
      const dA_n = dhVal * (1 - z) * (1 - n * n);
      const dHn = dA_n * r;
      const dA_r = dA_n * hn * r * (1 - r);
      dPreact[rIdx] = dA_r; dPreact[zIdx] = dA_z; dPreact[nIdx] = dA_n; dPreact[hnIdx] = dHn;
      dRecurrent[k] = dA_r; dRecurrent[H + k] = dA_z; dRecurrent[2 * H + k] = dHn;
    }
    // dL/dh_{t-1} = z*dL/dh_t (the direct path) + Wh^T · [dL/da_r, dL/da_z, dL/dhn]
    gemvT(dhPrev, dhPrevOff, wh, 0, H, dRecurrent, 0, 3 * H, H);
    for (let k = 0; k < H; k++) dhPrev[dhPrevOff + k] += dh[row + k] * act[TH + row + k];
  }

  // weight gradients: dWx_gate = dA_gate^T · X, dWh_gate = dA'_gate^T · H_prev (dA' uses dL/dhn for
  // n, whose right factor is r*h_{t-1} instead of h_{t-1} when resetAfter = false)
  const hPrevT = new Float64Array(H * T); // (H, T) columns h_0..h_{T-1}
  transpose(hPrevT, 0, T, h0, 0, H, 1, H);
  if (T > 1) transpose(hPrevT, 1, T, h, 0, H, T - 1, H);
  const rhT = rh ? new Float64Array(H * T) : hPrevT; // (H, T) columns r_t*h_{t-1}
  if (rh) transpose(rhT, 0, T, rh, 0, H, T, H);
  const xT = new Float64Array(I * T); // (I, T)
  transpose(xT, 0, T, x, 0, I, T, I);
  const deltaT = new Float64Array(H * T); // (H, T) one slot's deltas, transposed
  const rowSum = (gate: number): void => {
    for (let k = 0; k < H; k++) {
      let s = 0;
      for (let t = 0; t < T; t++) s += deltaT[k * T + t];
      if (gate < 3) dbx[gate * H + k] = s;
      if (gate !== 2) dbh[(gate === 3 ? 2 : gate) * H + k] = s;
    }
  };
  for (let slot = 0; slot < 4; slot++) {
    transpose(deltaT, 0, T, dPreact, slot * TH, H, T, H);
    if (slot < 3) gemmNT(dWx, slot * H * I, I, deltaT, 0, T, xT, 0, T, H, I, T, 0);
    if (slot !== 2) gemmNT(dWh, (slot === 3 ? 2 : slot) * H * H, H, deltaT, 0, T, slot === 3 ? rhT : hPrevT, 0, T, H, H, T, 0);
    rowSum(slot);
  }

  // input gradients: dx (T, I) = sum over r, z, n of dPreact_gate (T, H) · Wx_gate (H, I)
  const wxT = new Float64Array(I * 3 * H); // (I, 3H)
  transpose(wxT, 0, 3 * H, wx, 0, I, 3 * H, I);
  for (let gate = 0; gate < 3; gate++) {
    gemmNT(dx, 0, I, dPreact, gate * TH, H, wxT, gate * H, 3 * H, T, I, H, gate === 0 ? 0 : 1);
  }
}
