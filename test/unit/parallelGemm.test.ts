// The engine's second core (src/engine/parallel.ts, started by src/parallelHost.ts on a real
// worker thread from the built dist/parallelWorker.js): every split product must equal the
// one-core product bit for bit (rows are split, never a sum), on both kernel back ends, and so must
// every field of whole traces: every cell kind at odd sizes and every golden stack case (2- and
// 3-layer, bidirectional). Each split product here waits for the helper to claim a block first
// (waitForHelperMs), and the helper's share is checked, so the helper's rows are really in the
// results. Then the fallbacks: a helper that is gone or fails on its blocks, a worker that
// cannot start, and no SharedArrayBuffer, all leave the engine on one core with the same results.
import * as assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CELLS, computeTrace, type CellKind } from '../../src/engine';
import {
  gemmNT, gemmNTJs, gemmNTOneCore, gemv, gemvJs, kernelBackend, parallelGemm, setKernelBackend, setParallelGemm, type KernelBackend, type ParallelGemm,
} from '../../src/engine/kernels';
import { createSharedGemm, type SharedGemm } from '../../src/engine/parallel';
import { computeStackTrace } from '../../src/engine/stackTrace';
import { secondCoreStats, startSecondCore, stopSecondCore } from '../../src/parallelHost';
import { PARALLEL_WORKER as WORKER, restoreSuiteSecondCore, startTestSecondCore } from './helpers/secondCore';
import { randomSpec, seededRandom } from './helpers/referenceCells';
import { goldenSpec, loadGoldenCases } from './helpers/stackGolden';
import { numericLeaves } from './helpers/traceLeaves';

/** Same fields, same values bit for bit (Object.is: NaN = NaN, 0 ≠ -0). Returns the number of fields. */
function assertBitIdentical(actual: unknown, expected: unknown, what: string): number {
  const a = numericLeaves(actual), b = numericLeaves(expected);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: same fields`);
  for (const [at, e] of b) {
    const v = a.get(at) as ArrayLike<number>;
    assert.equal(v.length, e.length, `${what}${at}: length`);
    for (let k = 0; k < e.length; k++) assert.ok(Object.is(v[k], e[k]), `${what}${at}[${k}]: two cores ${v[k]} vs one core ${e[k]}`);
  }
  return b.size;
}

function randomArray(n: number, rand: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => 2 * rand() - 1);
}

/** f on one core (no executor), then restores the executor in use. */
function oneCore<R>(f: () => R): R {
  const installed = parallelGemm();
  setParallelGemm(null);
  try {
    return f();
  } finally {
    setParallelGemm(installed, 0);
  }
}

function withBackend<R>(backend: KernelBackend, f: () => R): R {
  const before = kernelBackend();
  assert.equal(setKernelBackend(backend), backend);
  try {
    return f();
  } finally {
    setKernelBackend(before);
  }
}

/** A helper thread on its own memory (growing to 2^26 bytes), not installed anywhere; `prelude` runs in the worker first. */
async function ownHelper(prelude = '', waitForHelperMs = 200): Promise<{ gemm: SharedGemm; worker: Worker }> {
  const Shared = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
  const memory = new Shared(1 << 20, { maxByteLength: 1 << 26 });
  const worker = new Worker(`${prelude}\nrequire(${JSON.stringify(WORKER)});`, { eval: true, workerData: { memory } });
  await new Promise<void>((resolve, reject) => { worker.once('message', () => resolve()); worker.once('error', reject); });
  return { gemm: createSharedGemm(memory, { waitForHelperMs }), worker };
}

describe('second core: the parallel GEMM equals one core bit for bit', function () {
  const rand = seededRandom(23);
  before(() => startTestSecondCore({ waitForHelperMs: 1000 }));
  after(restoreSuiteSecondCore);

  // (M, N, K): M from 2 blocks of 1 row to 8 blocks of 4k rows with a short last block, odd N and K
  const sizes: [number, number, number][] = [[2, 3, 1], [5, 7, 9], [9, 131, 300], [67, 65, 257], [200, 33, 64]];
  for (const backend of ['wasm', 'js'] as const) {
    for (const [M, N, K] of sizes) {
      it(`gemmNT ${M}x${N}x${K} on ${backend}, padded, overwrite and accumulate`, () => {
        const lda = K + 3, ldb = K + 1, ldc = N + 2, aOff = 5, bOff = 1, cOff = 3;
        const a = randomArray(aOff + M * lda, rand), b = randomArray(bOff + N * ldb, rand), c0 = randomArray(cOff + M * ldc, rand);
        for (const beta of [0, 1] as const) {
          const expected = Float64Array.from(c0), actual = Float64Array.from(c0);
          const helperBefore = secondCoreStats()!.helperBlocks;
          withBackend(backend, () => {
            gemmNTOneCore(expected, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta);
            gemmNT(actual, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta);
          });
          assert.ok(secondCoreStats()!.helperBlocks > helperBefore, 'the helper computed rows of this product');
          assertBitIdentical(actual, expected, `gemmNT beta=${beta}`);
        }
      });
    }
  }

  const cells = Object.keys(CELLS) as CellKind[];
  for (const cell of cells) {
    it(`${cell} (H, I, T) = (37, 19, 41): every field of the trace`, () => {
      const spec = randomSpec(cell, 37, 19, 41, 'mse', 5, 0.3);
      const helperBefore = secondCoreStats()!.helperBlocks;
      const two = computeTrace(spec);
      assert.ok(secondCoreStats()!.helperBlocks > helperBefore, 'the helper took part');
      assert.ok(assertBitIdentical(two, oneCore(() => computeTrace(spec)), cell) > 10);
    });
  }

  it('lstm on the JavaScript kernels: every field of the trace', () => {
    const spec = randomSpec('lstm', 33, 17, 29, 'sum', 8, 0.3);
    withBackend('js', () => assertBitIdentical(computeTrace(spec), oneCore(() => computeTrace(spec)), 'lstm js'));
  });

  for (const c of loadGoldenCases()) {
    it(`stack ${c.name}: every field of the stack trace`, () => {
      const two = computeStackTrace(goldenSpec(c));
      assert.ok(assertBitIdentical(two, oneCore(() => computeStackTrace(goldenSpec(c))), c.name) > 5);
    });
  }
});

describe('second core: the kernels hand a product over whole', () => {
  it('a product the executor computed entirely still ends the gemv residency (a matrix changed in place is read again)', () => {
    // an executor on this thread that computes every row itself: this side's kernel never runs
    const everyRow: ParallelGemm = { gemmNT: (...args) => { gemmNTJs(...args); return true; } };
    const installed = parallelGemm();
    const rand = seededRandom(3);
    const M = 6, K = 5, a = randomArray(M * K, rand), x = randomArray(K, rand);
    const y = new Float64Array(M), expected = new Float64Array(M), scratch = new Float64Array(4);
    setParallelGemm(everyRow, 0);
    try {
      withBackend('wasm', () => {
        gemv(y, 0, a, 0, K, x, 0, M, K, 0);
        a.fill(0.5);
        gemmNT(scratch, 0, 2, a, 0, K, a, 0, K, 2, 2, K, 0);
        gemv(y, 0, a, 0, K, x, 0, M, K, 0);
      });
    } finally {
      setParallelGemm(installed, 0);
    }
    gemvJs(expected, 0, a, 0, K, x, 0, M, K, 0);
    for (let m = 0; m < M; m++) assert.ok(Math.abs(y[m] - expected[m]) <= 1e-12, `row ${m}: ${y[m]} vs ${expected[m]}`);
  });
});

describe('second core: fallbacks to one core', function () {
  const spec = randomSpec('gru', 21, 11, 30, 'sum', 3, 0.3);
  let reference: ReturnType<typeof computeTrace>;

  before(() => {
    stopSecondCore();
    reference = computeTrace(spec);
  });
  after(restoreSuiteSecondCore);

  it('a helper that ended (its thread terminated) takes no block: same trace, no error', async () => {
    const { gemm, worker } = await ownHelper('', 5);
    await worker.terminate();
    setParallelGemm(gemm, 0);
    try {
      assertBitIdentical(computeTrace(spec), reference, 'helper gone');
    } finally {
      setParallelGemm(null);
    }
    assert.equal(gemm.stats().helperBlocks, 0);
    assert.ok(gemm.stats().products > 0, 'the products were handed over');
  });

  it('a helper that fails on every block (no WebAssembly there): this side computes them, same trace', async () => {
    const { gemm, worker } = await ownHelper('delete globalThis.WebAssembly;');
    const wasmReference = withBackend('wasm', () => computeTrace(spec));
    setParallelGemm(gemm, 0);
    try {
      withBackend('wasm', () => assertBitIdentical(computeTrace(spec), wasmReference, 'helper failing'));
    } finally {
      setParallelGemm(null);
      await worker.terminate();
    }
    assert.equal(gemm.stats().helperBlocks, 0);
  });

  it('a product larger than the shared memory may grow to stays on one core', async () => {
    const { gemm, worker } = await ownHelper();
    try {
      // the memory may grow to 2^26 bytes: A and B of 16 x 300000 f64 need 76.8 MB
      const M = 16, N = 16, K = 300000;
      const a = new Float64Array(M * K).fill(0.5), b = new Float64Array(N * K).fill(0.25);
      const c = new Float64Array(M * N);
      assert.equal(gemm.gemmNT(c, 0, N, a, 0, K, b, 0, K, M, N, K, 0), false, 'too large: not handed over');
      assert.equal(gemm.gemmNT(c, 0, N, a, 0, K, b, 0, K, M, N, 1000, 0), true, 'fits: handed over');
      const expected = new Float64Array(M * N);
      gemmNTOneCore(expected, 0, N, a, 0, K, b, 0, K, M, N, 1000, 0);
      assertBitIdentical(c, expected, 'grown memory');
    } finally {
      await worker.terminate();
    }
  });

  it('a worker file that cannot start leaves the engine on one core, no error', async () => {
    const started = startSecondCore({ workerFile: path.join(__dirname, 'no-such-parallelWorker.js'), minWork: 0 });
    assert.equal(await started.ready, false);
    assert.equal(parallelGemm(), null, 'uninstalled once the thread failed');
    assertBitIdentical(computeTrace(spec), reference, 'no worker');
  });

  it('without SharedArrayBuffer no second core starts', () => {
    const g = globalThis as { SharedArrayBuffer?: unknown };
    const saved = g.SharedArrayBuffer;
    delete g.SharedArrayBuffer;
    try {
      assert.equal(startSecondCore({ workerFile: WORKER }).started, false);
    } finally {
      g.SharedArrayBuffer = saved;
    }
    assert.equal(parallelGemm(), null);
    assertBitIdentical(computeTrace(spec), reference, 'no SharedArrayBuffer');
  });
});
