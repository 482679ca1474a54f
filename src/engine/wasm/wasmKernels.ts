// The WebAssembly SIMD back end of the matrix products (kernels.wat, assembled by the build),
// behind the same (array, offset, leading dimension) signatures as the JavaScript kernels in
// ../kernels.ts, which choose between the two. The module has its own linear memory, so
// operands are copied in and results out; what keeps that cheap:
// - the matrix of gemv/gemvT (a weight matrix, the same one at every step of a loop) stays
//   resident: it is copied once and reused while the same Float64Array comes back, so a step
//   copies only its vectors (H and 4H values) against 8·H² flops. Any GEMM ends the residency
//   (each cell's loop starts after its input-projection GEMM), and forgetResident() ends it
//   explicitly, so a matrix changed in place between traces is never read stale;
// - a GEMM copies its operands once, compacted (leading dimension = row length), and runs in
//   cache blocks over the copies; B and C go through the memory one block of columns at a time,
//   so the memory holds A and one block, not all three operands.
// The memory only grows (to the largest product seen); the views are refreshed when it does.

// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- other tsconfigs (the webview's) reach this file too
/// <reference path="./wat.d.ts" />
import kernelsWat from './kernels.wat';

/** The part of the WebAssembly JS API used here (a global of every JS host, not in the ES2022 lib). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

interface KernelExports {
  memory: WasmMemory;
  gemv(y: number, a: number, x: number, M: number, K: number, lda: number, beta: number): void;
  gemvT(y: number, a: number, x: number, M: number, K: number, lda: number): void;
  gemmNT(c: number, a: number, b: number, M: number, N: number, K: number, lda: number, ldb: number, ldc: number): void;
}

/** K-block of a GEMM: four A rows and two B rows of this length stay in L1. */
const GEMM_KC = 256;
/** rows of B (one K-block each) kept hot in L2 while all of A streams past. */
const GEMM_NC = 64;
const PAGE_BYTES = 65536;

export interface WasmKernels {
  gemmNT(
    c: Float64Array, cOff: number, ldc: number, // C: (M, N)
    a: Float64Array, aOff: number, lda: number, // A: (M, K)
    b: Float64Array, bOff: number, ldb: number, // B: (N, K)
    M: number, N: number, K: number, beta: 0 | 1,
  ): void;
  gemv(
    y: Float64Array, yOff: number, // y: (M)
    a: Float64Array, aOff: number, lda: number, // A: (M, K)
    x: Float64Array, xOff: number, // x: (K)
    M: number, K: number, beta: 0 | 1,
  ): void;
  gemvT(
    y: Float64Array, yOff: number, // y: (K)
    a: Float64Array, aOff: number, lda: number, // A: (M, K)
    x: Float64Array, xOff: number, // x: (M)
    M: number, K: number,
  ): void;
  /** Drops the resident gemv matrix, so the next gemv/gemvT copies its matrix again. */
  forgetResident(): void;
}

/** Instantiates the kernels synchronously (the module is a few KB); throws where WebAssembly or SIMD is missing. */
export function createWasmKernels(bytes: Uint8Array = kernelsWat): WasmKernels {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new Error('no WebAssembly in this JavaScript host');
  const wasm = new api.Instance(new api.Module(bytes), {}).exports as KernelExports;
  const memory = wasm.memory;
  let heap = new Float64Array(memory.buffer); // the whole linear memory, in f64 elements
  // the gemv matrix held at element 0; weakly, so a finished trace's weights are not kept alive
  let resident: WeakRef<Float64Array> | null = null;
  let scratch = 0; // first free element after the resident matrix

  /** Makes the memory hold `elements` f64 values. */
  const ensure = (elements: number): void => {
    const bytes = elements * 8;
    if (bytes > memory.buffer.byteLength) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
      heap = new Float64Array(memory.buffer);
    }
  };

  /** Element index of `a[0]` in the memory, copying `a` there unless it is already resident. */
  const makeResident = (a: Float64Array): number => {
    if (resident?.deref() !== a) {
      resident = null;
      ensure(a.length);
      heap.set(a, 0);
      resident = new WeakRef(a);
      scratch = a.length + (a.length & 1); // keep the vectors 16-byte aligned
    }
    return 0;
  };

  /** Copies rows of a strided matrix into the memory, compacted: (rows, cols) at element `to`. */
  const copyIn = (src: Float64Array, off: number, ld: number, rows: number, cols: number, to: number): void => {
    if (ld === cols || rows <= 1) heap.set(src.subarray(off, off + rows * cols), to);
    else for (let r = 0; r < rows; r++) heap.set(src.subarray(off + r * ld, off + r * ld + cols), to + r * cols);
  };

  /** copyIn with rows of an even length: an odd row gets a zero after it, (rows, cols + 1) at `to`. */
  const copyInEven = (src: Float64Array, off: number, ld: number, rows: number, cols: number, to: number): void => {
    if ((cols & 1) === 0) return copyIn(src, off, ld, rows, cols, to);
    const h = heap;
    for (let r = 0; r < rows; r++) {
      h.set(src.subarray(off + r * ld, off + r * ld + cols), to + r * (cols + 1));
      h[to + r * (cols + 1) + cols] = 0;
    }
  };

  return {
    gemmNT(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta) {
      resident = null;
      scratch = 0;
      if (M === 0 || N === 0) return;
      if (K === 0) {
        if (beta === 0) for (let m = 0; m < M; m++) c.fill(0, cOff + m * ldc, cOff + m * ldc + N);
        return;
      }
      // A is copied once; B and C one block of GEMM_NC columns of C at a time, so the memory
      // holds A plus one block (A is the larger operand in the cells' products). The kernel wants
      // an even K: the copies' rows get a zero at the end when K is odd (it adds 0·0 = 0).
      const nb = Math.min(N, GEMM_NC), Ke = K + (K & 1);
      const aAt = 0, bAt = M * Ke, cAt = bAt + nb * Ke;
      ensure(cAt + M * nb);
      copyInEven(a, aOff, lda, M, K, aAt);
      for (let n0 = 0; n0 < N; n0 += GEMM_NC) {
        const n1 = Math.min(N, n0 + GEMM_NC), width = n1 - n0;
        const h = heap;
        copyInEven(b, bOff + n0 * ldb, ldb, width, K, bAt);
        if (beta === 0) h.fill(0, cAt, cAt + M * width);
        else for (let m = 0; m < M; m++) h.set(c.subarray(cOff + m * ldc + n0, cOff + m * ldc + n1), cAt + m * width);
        for (let k0 = 0; k0 < Ke; k0 += GEMM_KC) {
          const k1 = Math.min(Ke, k0 + GEMM_KC);
          wasm.gemmNT(cAt * 8, (aAt + k0) * 8, (bAt + k0) * 8, M, width, k1 - k0, Ke, Ke, width);
        }
        if (width === ldc) c.set(h.subarray(cAt, cAt + M * width), cOff + n0);
        else for (let m = 0; m < M; m++) c.set(h.subarray(cAt + m * width, cAt + (m + 1) * width), cOff + m * ldc + n0);
      }
    },

    gemv(y, yOff, a, aOff, lda, x, xOff, M, K, beta) {
      const aAt = makeResident(a) + aOff;
      const xAt = scratch, yAt = scratch + K + (K & 1);
      ensure(yAt + M);
      const h = heap;
      for (let k = 0; k < K; k++) h[xAt + k] = x[xOff + k];
      if (beta === 1) for (let m = 0; m < M; m++) h[yAt + m] = y[yOff + m];
      wasm.gemv(yAt * 8, aAt * 8, xAt * 8, M, K, lda, beta);
      const out = heap;
      for (let m = 0; m < M; m++) y[yOff + m] = out[yAt + m];
    },

    gemvT(y, yOff, a, aOff, lda, x, xOff, M, K) {
      const aAt = makeResident(a) + aOff;
      const xAt = scratch, yAt = scratch + M + (M & 1);
      ensure(yAt + K);
      const h = heap;
      for (let m = 0; m < M; m++) h[xAt + m] = x[xOff + m];
      wasm.gemvT(yAt * 8, aAt * 8, xAt * 8, M, K, lda);
      const out = heap;
      for (let k = 0; k < K; k++) y[yOff + k] = out[yAt + k];
    },

    forgetResident() {
      resident = null;
      scratch = 0;
    },
  };
}
