// The WebAssembly kernels against the JavaScript ones, which are the reference: the products
// themselves on sizes that hit every tail of the SIMD loops (odd K, odd N, M not a multiple of
// 4, K-blocks and N-blocks of the GEMM, offsets and leading dimensions larger than the rows), and
// every field of a whole trace, for every cell kind, and of every golden stack case (both GRU
// variants, bidirectional, several layers): each field must agree to 1e-12 relative to its own
// largest magnitude. It also checks that WebAssembly really runs here (so the suites run under
// LSTM_KERNELS=wasm do test it) and that a matrix changed in place is not read stale.
import * as assert from 'node:assert/strict';
import { CELLS, computeTrace, type CellKind } from '../../src/engine';
import {
  gemmNT, gemmNTJs, gemv, gemvJs, gemvT, gemvTJs, kernelBackend, setKernelBackend, type KernelBackend,
} from '../../src/engine/kernels';
import { computeStackTrace } from '../../src/engine/stackTrace';
import { randomSpec, seededRandom } from './helpers/referenceCells';
import { goldenSpec, loadGoldenCases } from './helpers/stackGolden';
import { numericLeaves } from './helpers/traceLeaves';

const TOL = 1e-12;

function randomArray(n: number, rand: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => 2 * rand() - 1);
}

/** Runs f on the given back end, then restores the one the suite runs on. */
function withBackend<R>(backend: KernelBackend, f: () => R): R {
  const before = kernelBackend();
  assert.equal(setKernelBackend(backend), backend, `the ${backend} kernels are available`);
  try {
    return f();
  } finally {
    setKernelBackend(before);
  }
}

/** max |a - b| <= TOL * max |b| for each field, NaN where the reference has NaN */
function assertFieldsAgree(wasm: unknown, js: unknown, what: string): number {
  const a = numericLeaves(wasm), b = numericLeaves(js);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: same fields`);
  for (const [path, expected] of b) {
    const actual = a.get(path) as ArrayLike<number>;
    assert.equal(actual.length, expected.length, `${what}${path}: length`);
    let scale = 0;
    for (let k = 0; k < expected.length; k++) if (Number.isFinite(expected[k])) scale = Math.max(scale, Math.abs(expected[k]));
    for (let k = 0; k < expected.length; k++) {
      const e = expected[k], v = actual[k];
      if (!Number.isFinite(e)) assert.ok(Object.is(e, v), `${what}${path}[${k}]: wasm ${v} vs js ${e}`);
      else assert.ok(Math.abs(v - e) <= TOL * scale, `${what}${path}[${k}]: wasm ${v} vs js ${e} (field scale ${scale})`);
    }
  }
  return b.size;
}

describe('kernel back ends: WebAssembly SIMD against JavaScript', () => {
  const rand = seededRandom(11);

  it('WebAssembly SIMD runs here', () => {
    withBackend('wasm', () => assert.equal(kernelBackend(), 'wasm'));
  });

  // (M, N, K): 1s, odd everything, M % 4 = 1..3, K > 256 (two K-blocks), N > 64 (two N-blocks)
  const sizes: [number, number, number][] = [[1, 1, 1], [2, 3, 1], [3, 5, 2], [5, 7, 9], [7, 3, 33], [9, 131, 300], [6, 65, 257], [4, 2, 0]];
  for (const [M, N, K] of sizes) {
    it(`gemmNT ${M}x${N}x${K}, padded, overwrite and accumulate`, () => {
      const lda = K + 3, ldb = K + 1, ldc = N + 2, aOff = 5, bOff = 1, cOff = 3;
      const a = randomArray(aOff + M * lda, rand), b = randomArray(bOff + N * ldb, rand), c0 = randomArray(cOff + M * ldc, rand);
      for (const beta of [0, 1] as const) {
        const expected = Float64Array.from(c0), actual = Float64Array.from(c0);
        gemmNTJs(expected, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta);
        withBackend('wasm', () => gemmNT(actual, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta));
        assertFieldsAgree(actual, expected, `gemmNT beta=${beta}`);
      }
    });

    it(`gemv and gemvT ${M}x${K}, padded`, () => {
      const lda = K + 1, aOff = 2;
      const a = randomArray(aOff + M * lda, rand), x = randomArray(K + 3, rand), xm = randomArray(M + 3, rand);
      for (const beta of [0, 1] as const) {
        const y0 = randomArray(M + 4, rand), expected = Float64Array.from(y0), actual = Float64Array.from(y0);
        gemvJs(expected, 3, a, aOff, lda, x, 1, M, K, beta);
        withBackend('wasm', () => gemv(actual, 3, a, aOff, lda, x, 1, M, K, beta));
        assertFieldsAgree(actual, expected, `gemv beta=${beta}`);
      }
      const expectedT = new Float64Array(K + 4).fill(7), actualT = new Float64Array(K + 4).fill(7);
      gemvTJs(expectedT, 2, a, aOff, lda, xm, 3, M, K);
      withBackend('wasm', () => gemvT(actualT, 2, a, aOff, lda, xm, 3, M, K));
      assertFieldsAgree(actualT, expectedT, 'gemvT');
    });
  }

  it('a gemv matrix changed in place is read again after a GEMM or a backend reset', () => {
    withBackend('wasm', () => {
      const M = 6, K = 5, a = randomArray(M * K, rand), x = randomArray(K, rand);
      const y = new Float64Array(M), expected = new Float64Array(M), scratch = new Float64Array(4);
      gemv(y, 0, a, 0, K, x, 0, M, K, 0);
      a.fill(0.5);
      gemmNT(scratch, 0, 2, a, 0, K, a, 0, K, 2, 2, K, 0); // any GEMM ends the residency
      gemv(y, 0, a, 0, K, x, 0, M, K, 0);
      gemvJs(expected, 0, a, 0, K, x, 0, M, K, 0);
      assertFieldsAgree(y, expected, 'after a GEMM');
      a.fill(-0.25);
      setKernelBackend('wasm');
      gemvT(scratch, 0, a, 0, K, x, 0, 4, 4);
      const expectedT = new Float64Array(4);
      gemvTJs(expectedT, 0, a, 0, K, x, 0, 4, 4);
      assertFieldsAgree(scratch, expectedT, 'after setKernelBackend');
    });
  });

  // odd H and I exercise every SIMD tail inside the cells
  const cellSizes: [number, number, number][] = [[1, 1, 1], [5, 3, 7], [8, 4, 12], [13, 7, 30]];
  for (const kind of Object.keys(CELLS) as CellKind[]) {
    for (const [H, I, T] of cellSizes) {
      for (const loss of ['sum', 'mse'] as const) {
        it(`${kind} (H, I, T) = (${H}, ${I}, ${T}), ${loss} loss: every trace field`, () => {
          const spec = randomSpec(kind, H, I, T, loss, 100 * H + T);
          const js = withBackend('js', () => computeTrace(spec));
          const wasm = withBackend('wasm', () => computeTrace(spec));
          assert.ok(assertFieldsAgree(wasm, js, kind) > 10);
        });
      }
    }
  }

  for (const c of loadGoldenCases()) {
    it(`stack ${c.name}: every field of the stack trace`, () => {
      const js = withBackend('js', () => computeStackTrace(goldenSpec(c)));
      const wasm = withBackend('wasm', () => computeStackTrace(goldenSpec(c)));
      assert.ok(assertFieldsAgree(wasm, js, c.name) > 5);
    });
  }
});
