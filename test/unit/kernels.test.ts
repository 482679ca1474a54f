// The matrix kernels against naive triple loops, on sizes that hit every edge of the register
// tiles (rows not a multiple of 4, odd columns) and of the cache blocks (K > 256, N > 128),
// with offsets and leading dimensions larger than the operands.
import * as assert from 'node:assert/strict';
import { gemmNT, gemv, gemvT, rowMeans, rowNorms, transpose } from '../../src/engine/kernels';
import { seededRandom } from './helpers/referenceCells';

function randomArray(n: number, rand: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => 2 * rand() - 1);
}

function assertAllClose(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < actual.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) <= 1e-12 * (1 + Math.abs(expected[k])), `${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
}

describe('kernels', () => {
  const rand = seededRandom(7);
  const sizes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [7, 3, 9], [13, 131, 300], [6, 257, 33]];

  for (const [M, N, K] of sizes) {
    it(`gemmNT ${M}x${N}x${K} with offsets and padding, overwrite and accumulate`, () => {
      const lda = K + 3, ldb = K + 1, ldc = N + 2, aOff = 5, bOff = 2, cOff = 4;
      const a = randomArray(aOff + M * lda, rand), b = randomArray(bOff + N * ldb, rand);
      const c0 = randomArray(cOff + M * ldc, rand);
      const expected = Float64Array.from(c0);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += a[aOff + m * lda + k] * b[bOff + n * ldb + k];
          expected[cOff + m * ldc + n] += s;
        }
      }
      const accumulated = Float64Array.from(c0);
      gemmNT(accumulated, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, 1);
      assertAllClose(accumulated, expected, 'beta=1');
      const overwritten = Float64Array.from(c0);
      gemmNT(overwritten, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, 0);
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) expected[cOff + m * ldc + n] -= c0[cOff + m * ldc + n];
      }
      assertAllClose(overwritten, expected, 'beta=0');
    });

    it(`gemv and gemvT ${M}x${K}`, () => {
      const lda = K + 2, aOff = 3;
      const a = randomArray(aOff + M * lda, rand), x = randomArray(K + 1, rand), xm = randomArray(M + 2, rand);
      const y = new Float64Array(M + 1), expected = new Float64Array(M + 1);
      for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) expected[1 + m] += a[aOff + m * lda + k] * x[1 + k];
      gemv(y, 1, a, aOff, lda, x, 1, M, K, 0);
      assertAllClose(y, expected, 'gemv');
      gemv(y, 1, a, aOff, lda, x, 1, M, K, 1);
      assertAllClose(y, expected.map(v => 2 * v), 'gemv accumulate');
      const yT = new Float64Array(K + 2).fill(9), expectedT = new Float64Array(K + 2).fill(9);
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let m = 0; m < M; m++) s += a[aOff + m * lda + k] * xm[2 + m];
        expectedT[2 + k] = s;
      }
      gemvT(yT, 2, a, aOff, lda, xm, 2, M, K);
      assertAllClose(yT, expectedT, 'gemvT');
    });
  }

  it('transpose', () => {
    const M = 37, N = 70, a = randomArray(M * N, rand), out = new Float64Array(N * M);
    transpose(out, 0, M, a, 0, N, M, N);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) assert.equal(out[n * M + m], a[m * N + n]);
  });

  it('rowNorms and rowMeans reduce each row of a (T, H) field', () => {
    // rows (3, 4, 0), (1, 1, 1), (-2, 0, 2): norms 5, √3, √8; means 7/3, 1, 0
    const field = Float64Array.from([3, 4, 0, 1, 1, 1, -2, 0, 2]);
    assert.deepEqual(Array.from(rowNorms(field, 3, 3)), [5, Math.sqrt(3), Math.sqrt(8)]);
    assert.deepEqual(Array.from(rowMeans(field, 3, 3)), [7 / 3, 1, 0]);
    assert.equal(rowNorms(field, 0, 3).length, 0);
  });
});
