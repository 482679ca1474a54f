// Numerical kernels of the engine: cache-blocked matrix products on flat row-major Float64Array
// storage, and overflow-safe activations. The cells build on these; nothing here knows about
// gates. Products take (array, offset, leading dimension) triples so that a gate's block of a
// packed weight matrix or one step's row of a (T, H) field is used in place, without subarrays,
// which keeps the per-step loops free of allocation.
// Two back ends compute the products: WebAssembly SIMD (wasm/kernels.wat, the default where
// WebAssembly runs) and plain scalar JavaScript (gemmNTJs, gemvJs, gemvTJs: the reference and
// the fallback; their register tiles, 4x2 for GEMM and 4 rows for GEMV, let V8 keep the
// accumulators in registers). gemmNT, gemv and gemvT dispatch to the chosen one, so every cell
// kind and stacks use the same kernels; setKernelBackend chooses. The two agree to rounding
// (only the order of additions inside a dot product differs).
// A second core: gemmNT hands a large product to an injected ParallelGemm (setParallelGemm;
// parallel.ts has the shared-memory one, the CLI and the trace worker install it), which splits C
// by rows between this thread and a helper running the same kernel. Every element of C is then
// summed in the same order as on one core, so results are bit-identical. The GEMMs are the
// products that do not depend on the recurrence: the input projection of all steps, the weight
// gradients and the input gradients; the per-step GEMV/GEMVᵀ stay on this thread.

import { createWasmKernels, type WasmKernels } from './wasm/wasmKernels';

export type KernelBackend = 'js' | 'wasm';

// the WebAssembly kernels, instantiated when first chosen (at load: wasm is the default; the
// module is a few KB and compiles synchronously): undefined = not tried yet, null = unavailable
let wasmKernels: WasmKernels | null | undefined;
// the back end in use: null = JavaScript
let active: WasmKernels | null = null;
let activeName: KernelBackend = 'js';

function loadWasmKernels(): WasmKernels | null {
  if (wasmKernels === undefined) {
    try {
      wasmKernels = createWasmKernels();
    } catch {
      wasmKernels = null; // no WebAssembly SIMD here: the JavaScript kernels serve
    }
  }
  return wasmKernels;
}

/**
 * Chooses the back end of gemmNT, gemv and gemvT and returns the one in use: 'wasm' falls back to
 * 'js' where WebAssembly SIMD is unavailable.
 */
export function setKernelBackend(backend: KernelBackend): KernelBackend {
  active = backend === 'wasm' ? loadWasmKernels() : null;
  if (active) active.forgetResident();
  activeName = active ? 'wasm' : 'js';
  return activeName;
}

/** The back end gemmNT, gemv and gemvT use now. */
export function kernelBackend(): KernelBackend {
  return activeName;
}

setKernelBackend('wasm');

/**
 * A second core for gemmNT: computes C = beta*C + A · B^T with some rows of C on another thread,
 * each row exactly as gemmNTOneCore computes it (same kernel, same order of additions). Returns
 * false when it did nothing (no helper any more, a product too large for its memory): the caller
 * then computes the product alone. It must leave C as gemmNTOneCore would, whatever happens.
 */
export interface ParallelGemm {
  gemmNT(
    c: Float64Array, cOff: number, ldc: number, // C: (M, N)
    a: Float64Array, aOff: number, lda: number, // A: (M, K)
    b: Float64Array, bOff: number, ldb: number, // B: (N, K)
    M: number, N: number, K: number, beta: 0 | 1,
  ): boolean;
}

/**
 * Products below this many multiply-adds (M·N·K) stay on one core: handing rows to the helper
 * (a wake-up, copying the operands to shared memory) costs tens of microseconds, about what
 * 2^20 multiply-adds take (0.2-0.3 ms on one core).
 */
export const PARALLEL_MIN_WORK = 1 << 20;

let parallel: ParallelGemm | null = null;
let parallelMinWork = PARALLEL_MIN_WORK;

/**
 * Installs (or, with null, removes) the second core gemmNT uses for products of at least
 * minWork multiply-adds. Results do not change: only who computes which rows of C.
 */
export function setParallelGemm(executor: ParallelGemm | null, minWork = PARALLEL_MIN_WORK): void {
  parallel = executor;
  parallelMinWork = minWork;
}

/** The installed second core, or null. */
export function parallelGemm(): ParallelGemm | null {
  return parallel;
}

/**
 * C = beta*C + A · B^T on the chosen back end (see gemmNTJs), rows shared with the second core
 * when one is installed and the product is large enough. beta is 0 (overwrite) or 1 (accumulate).
 */
export function gemmNT(
  c: Float64Array, cOff: number, ldc: number, // C: (M, N)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  b: Float64Array, bOff: number, ldb: number, // B: (N, K)
  M: number, N: number, K: number, beta: 0 | 1,
): void {
  if (parallel && M * N * K >= parallelMinWork) {
    // a GEMM ends the gemv residency (see gemvT) even when the helper computed all of its rows
    active?.forgetResident();
    if (parallel.gemmNT(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta)) return;
  }
  gemmNTOneCore(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta);
}

/** gemmNT on this thread alone, on the chosen back end: what each core runs on its rows. */
export function gemmNTOneCore(
  c: Float64Array, cOff: number, ldc: number, // C: (M, N)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  b: Float64Array, bOff: number, ldb: number, // B: (N, K)
  M: number, N: number, K: number, beta: 0 | 1,
): void {
  if (active) active.gemmNT(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta);
  else gemmNTJs(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta);
}

/** y = beta*y + A · x on the chosen back end (see gemvJs); A stays resident as for gemvT. */
export function gemv(
  y: Float64Array, yOff: number, // y: (M)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  x: Float64Array, xOff: number, // x: (K)
  M: number, K: number, beta: 0 | 1,
): void {
  if (active) active.gemv(y, yOff, a, aOff, lda, x, xOff, M, K, beta);
  else gemvJs(y, yOff, a, aOff, lda, x, xOff, M, K, beta);
}

/**
 * y = A^T · x (overwrites y) on the chosen back end (see gemvTJs). The WebAssembly back end keeps
 * A resident between calls while the same array comes back and no GEMM ran in between: a caller
 * that changes A in place between gemv/gemvT calls must call setKernelBackend again first.
 */
export function gemvT(
  y: Float64Array, yOff: number, // y: (K)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  x: Float64Array, xOff: number, // x: (M)
  M: number, K: number,
): void {
  if (active) active.gemvT(y, yOff, a, aOff, lda, x, xOff, M, K);
  else gemvTJs(y, yOff, a, aOff, lda, x, xOff, M, K);
}

/** K-block of the GEMM: four A rows and two B rows of this length stay in L1. */
const GEMM_KC = 256;
/** rows of B kept hot in L2 while all of A streams past. */
const GEMM_NC = 128;

/**
 * C = beta*C + A · B^T  ("NT": both operands are read along contiguous rows).
 * beta is 0 (overwrite) or 1 (accumulate).
 */
export function gemmNTJs(
  c: Float64Array, cOff: number, ldc: number, // C: (M, N)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  b: Float64Array, bOff: number, ldb: number, // B: (N, K)
  M: number, N: number, K: number, beta: 0 | 1,
): void {
  if (beta === 0) {
    for (let m = 0; m < M; m++) c.fill(0, cOff + m * ldc, cOff + m * ldc + N);
  }
  if (K === 0) return;
  for (let n0 = 0; n0 < N; n0 += GEMM_NC) {
    const n1 = Math.min(N, n0 + GEMM_NC);
    for (let k0 = 0; k0 < K; k0 += GEMM_KC) {
      const k1 = Math.min(K, k0 + GEMM_KC);
      gemmNTBlock(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, n0, n1, k0, k1);
    }
  }
}

// One (all M) x (n0..n1) x (k0..k1) block, accumulated into C with 4x2 register tiles.
function gemmNTBlock(
  c: Float64Array, cOff: number, ldc: number, // C: (M, N)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  b: Float64Array, bOff: number, ldb: number, // B: (N, K)
  M: number, n0: number, n1: number, k0: number, k1: number,
): void {
  const M4 = M - (M % 4);
  const n2 = n1 - ((n1 - n0) % 2);
  for (let m = 0; m < M4; m += 4) {
    const a0 = aOff + m * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const c0 = cOff + m * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    for (let n = n0; n < n2; n += 2) {
      const b0 = bOff + n * ldb, b1 = b0 + ldb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = k0; k < k1; k++) {
        const x0 = b[b0 + k], x1 = b[b1 + k];
        const y0 = a[a0 + k], y1 = a[a1 + k], y2 = a[a2 + k], y3 = a[a3 + k];
        s00 += y0 * x0; s01 += y0 * x1;
        s10 += y1 * x0; s11 += y1 * x1;
        s20 += y2 * x0; s21 += y2 * x1;
        s30 += y3 * x0; s31 += y3 * x1;
      }
      c[c0 + n] += s00; c[c0 + n + 1] += s01;
      c[c1 + n] += s10; c[c1 + n + 1] += s11;
      c[c2 + n] += s20; c[c2 + n + 1] += s21;
      c[c3 + n] += s30; c[c3 + n + 1] += s31;
    }
    if (n2 < n1) {
      const b0 = bOff + n2 * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = k0; k < k1; k++) {
        const x0 = b[b0 + k];
        s0 += a[a0 + k] * x0; s1 += a[a1 + k] * x0; s2 += a[a2 + k] * x0; s3 += a[a3 + k] * x0;
      }
      c[c0 + n2] += s0; c[c1 + n2] += s1; c[c2 + n2] += s2; c[c3 + n2] += s3;
    }
  }
  for (let m = M4; m < M; m++) {
    const a0 = aOff + m * lda, c0 = cOff + m * ldc;
    for (let n = n0; n < n1; n++) {
      const b0 = bOff + n * ldb;
      let s = 0;
      for (let k = k0; k < k1; k++) s += a[a0 + k] * b[b0 + k];
      c[c0 + n] += s;
    }
  }
}

/** y = beta*y + A · x, four rows at a time so each x element is loaded once per four rows. */
export function gemvJs(
  y: Float64Array, yOff: number, // y: (M)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  x: Float64Array, xOff: number, // x: (K)
  M: number, K: number, beta: 0 | 1,
): void {
  const M4 = M - (M % 4);
  for (let m = 0; m < M4; m += 4) {
    const a0 = aOff + m * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < K; k++) {
      const v = x[xOff + k];
      s0 += a[a0 + k] * v; s1 += a[a1 + k] * v; s2 += a[a2 + k] * v; s3 += a[a3 + k] * v;
    }
    const yi = yOff + m;
    if (beta === 0) {
      y[yi] = s0; y[yi + 1] = s1; y[yi + 2] = s2; y[yi + 3] = s3;
    } else {
      y[yi] += s0; y[yi + 1] += s1; y[yi + 2] += s2; y[yi + 3] += s3;
    }
  }
  for (let m = M4; m < M; m++) {
    const a0 = aOff + m * lda;
    let s = 0;
    for (let k = 0; k < K; k++) s += a[a0 + k] * x[xOff + k];
    y[yOff + m] = beta === 0 ? s : y[yOff + m] + s;
  }
}

/**
 * y = A^T · x (overwrites y). Walks A by rows, four at a time, so A stays in its row-major
 * layout: the backward pass uses the forward weights without a transposed copy.
 */
export function gemvTJs(
  y: Float64Array, yOff: number, // y: (K)
  a: Float64Array, aOff: number, lda: number, // A: (M, K)
  x: Float64Array, xOff: number, // x: (M)
  M: number, K: number,
): void {
  y.fill(0, yOff, yOff + K);
  const M4 = M - (M % 4);
  for (let m = 0; m < M4; m += 4) {
    const a0 = aOff + m * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const d0 = x[xOff + m], d1 = x[xOff + m + 1], d2 = x[xOff + m + 2], d3 = x[xOff + m + 3];
    for (let k = 0; k < K; k++) {
      y[yOff + k] += d0 * a[a0 + k] + d1 * a[a1 + k] + d2 * a[a2 + k] + d3 * a[a3 + k];
    }
  }
  for (let m = M4; m < M; m++) {
    const a0 = aOff + m * lda, d = x[xOff + m];
    for (let k = 0; k < K; k++) y[yOff + k] += d * a[a0 + k];
  }
}

/**
 * dh's last row := dOut's last row + dhFinal (either may be absent). Shared by the cells'
 * backward passes: the rows before it are written by the recurrence, which adds dOut's row.
 */
export function seedFinalStep(
  dh: Float64Array, // (T, H) the cell's total dL/dh_t
  dOut: Float64Array | null, // (T, H)
  dhFinal: Float64Array | null, // (H)
  T: number, H: number,
): void {
  const last = (T - 1) * H;
  for (let r = 0; r < H; r++) {
    const fromOut = dOut ? dOut[last + r] : 0;
    dh[last + r] = dhFinal ? fromOut + dhFinal[r] : fromOut;
  }
}

/** out = in^T, blocked so both sides stay in cache. */
export function transpose(
  out: Float64Array, outOff: number, ldo: number, // out: (N, M)
  inp: Float64Array, inOff: number, ldi: number, // inp: (M, N)
  M: number, N: number,
): void {
  const B = 32;
  for (let m0 = 0; m0 < M; m0 += B) {
    const m1 = Math.min(M, m0 + B);
    for (let n0 = 0; n0 < N; n0 += B) {
      const n1 = Math.min(N, n0 + B);
      for (let m = m0; m < m1; m++) {
        const src = inOff + m * ldi;
        for (let n = n0; n < n1; n++) out[outOff + n * ldo + m] = inp[src + n];
      }
    }
  }
}

/** Overflow-safe logistic: exp only ever sees a non-positive argument, so |a| > 700 is fine and
 *  sigmoid(-690) ≈ 1e-300 is not flushed to zero. */
export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

/** Math.tanh saturates to ±1 without overflow and keeps tanh(1e-300) = 1e-300. The cells call
 *  this one (V8 inlines it) so that sigmoid and tanh have one definition each. */
export function tanh(a: number): number {
  return Math.tanh(a);
}

/** out[k] = sigmoid(inp[k]) over a flat range. */
export function sigmoidArray(
  out: Float64Array, // (n)
  inp: Float64Array, // (n)
  n: number,
): void {
  for (let k = 0; k < n; k++) out[k] = sigmoid(inp[k]);
}

/** out[k] = tanh(inp[k]) over a flat range. */
export function tanhArray(
  out: Float64Array, // (n)
  inp: Float64Array, // (n)
  n: number,
): void {
  for (let k = 0; k < n; k++) out[k] = tanh(inp[k]);
}

/** Index (0-based, flat) of the first NaN or ±Inf in a[from..to), or -1. */
export function firstNonFinite(
  a: Float64Array, // any flat field; only [from, to) is read
  from: number, to: number,
): number {
  for (let k = from; k < to; k++) {
    const v = a[k];
    // v - v is NaN exactly for NaN and ±Inf, and this is cheaper than Number.isFinite.
    if (v - v !== 0) return k;
  }
  return -1;
}

/** L2 norm of each row of a (T, H) field: (T). */
export function rowNorms(
  field: ArrayLike<number>, // (T, H)
  T: number, H: number,
): Float64Array {
  const norms = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let k = 0; k < H; k++) s += field[t * H + k] * field[t * H + k];
    norms[t] = Math.sqrt(s);
  }
  return norms;
}

/** Mean of each row of a (T, H) field: (T). */
export function rowMeans(
  field: ArrayLike<number>, // (T, H)
  T: number, H: number,
): Float64Array {
  const means = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let k = 0; k < H; k++) s += field[t * H + k];
    means[t] = s / H;
  }
  return means;
}
