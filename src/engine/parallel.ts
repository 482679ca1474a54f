// The second core of the engine's GEMMs, on shared memory (the ParallelGemm of kernels.ts): the
// calling thread and one helper thread split the rows of C = beta*C + A · B^T into at most
// MAX_BLOCKS blocks and each computes its blocks with gemmNTOneCore, the same kernel on the same
// back end, so every element of C is summed in the same order as on one core and the results are
// bit-identical. The products split this way are the ones that do not depend on the recurrence:
// the input projection of all steps, and after the backward recurrence the weight gradients and
// the input gradients (lstm.ts, gru.ts, rnn.ts; stacks run the same cells).
// Pure JavaScript (SharedArrayBuffer, Atomics), no Node built-ins: the edge starts the helper
// thread (src/parallelHost.ts with src/parallelWorker.ts, on Node's worker_threads), hands both
// sides the same growable SharedArrayBuffer and installs createSharedGemm's executor with
// setParallelGemm; the helper runs serveSharedGemm on it, forever.
// Hand-off, per product: the caller copies A, B (and C when beta = 1) into the shared memory,
// publishes the job (the block counter CLAIMS = [lo, hi) and a new SEQ the helper waits on), then
// claims blocks from the front while the helper claims them from the back, so a helper that is
// slow to wake (a busy machine) just takes fewer blocks, and one that never wakes takes none. The
// caller writes its own blocks straight into C; the helper's rows come back from the shared copy.
// If the helper fails on a block it flags it and the caller computes it; if it is late (the
// machine's load) the caller computes that block too; if it stops answering for HELPER_TIMEOUT_MS
// this executor retires itself and the engine is back on one core.

import { gemmNTOneCore, kernelBackend, setKernelBackend, type KernelBackend, type ParallelGemm } from './kernels';

/** Control words (Int32) at the start of the memory. */
const SEQ = 0; // bumped at each job: the helper sleeps on it
const CLAIMS = 1; // (lo << 8) | hi: the unclaimed blocks are lo..hi-1
const DONE = 2; // bumped by the helper after each block: the caller sleeps on it
const ALIVE = 3; // 1 once the helper serves
const HELPER_CLAIMED = 4; // blocks the helper claimed in this job (for waitForHelperMs)
const BUSY = 5; // 1 while the helper claims or computes a block
const P_M = 6, P_N = 7, P_K = 8, P_BETA = 9, P_BACKEND = 10, P_ROWS = 11, P_JOB = 12;
const FLAGS = 16; // FLAGS + block: the job the helper finished it for, minus for failed on the helper
const MAX_BLOCKS = 8;
/** Bytes before the f64 operands (16-byte aligned). */
export const CONTROL_BYTES = 256;
/** How long the caller waits for the helper when it has no block time of its own to go by. */
const HELPER_TIMEOUT_MS = 5000;
/** A helper still busy with an abandoned block this long makes the caller skip one product (one core);
 *  one busy for HELPER_TIMEOUT_MS through such skips counts as gone, and the executor retires. */
const BUSY_WAIT_MS = 2;
/** Polls of SEQ the helper makes before it sleeps: back-to-back products (one per gate) then find it awake. */
const HELPER_SPINS = 20000;

/** A SharedArrayBuffer created with { maxByteLength } (ES2024; not in this project's ES2022 lib). */
interface GrowableShared extends SharedArrayBuffer {
  readonly growable?: boolean;
  readonly maxByteLength?: number;
  grow?(byteLength: number): void;
}

export interface SharedGemmOptions {
  /** Called once when the helper stopped answering and the executor retired (the edge ends the thread). */
  onRetire?: () => void;
  /**
   * Tests: before claiming, wait (up to this many ms) until the helper has claimed a block, and
   * wait as long for the blocks it claimed, so that every split product really has rows computed
   * by the helper. 0 (default): never wait before claiming, and for the helper's blocks only
   * about as long as a block takes on this side.
   */
  waitForHelperMs?: number;
}

export interface SharedGemm extends ParallelGemm {
  /** Products handed over, their blocks, and the blocks the helper computed. */
  stats(): { products: number; blocks: number; helperBlocks: number };
  /** true while the helper serves and the executor has not retired. */
  ready(): boolean;
  /** Blocks this thread up to `ms` until the helper serves; returns ready(). */
  waitReady(ms: number): boolean;
}

const backendCode = (backend: KernelBackend): number => (backend === 'wasm' ? 1 : 0);

/** Rows per block: at most MAX_BLOCKS blocks, in multiples of 4 rows (the kernels' register tile) once M allows. */
function blockRows(M: number): number {
  const rows = Math.ceil(M / MAX_BLOCKS);
  return M >= 8 * MAX_BLOCKS ? (rows + 3) & ~3 : rows;
}

/** Claims the next block from the front (the caller) or the back (the helper); -1 when none is left. */
function claim(control: Int32Array, fromFront: boolean): number {
  for (;;) {
    const current = Atomics.load(control, CLAIMS);
    const lo = (current >> 8) & 0xff, hi = current & 0xff;
    if (lo >= hi) return -1;
    const next = fromFront ? current + 0x100 : current - 1;
    if (Atomics.compareExchange(control, CLAIMS, current, next) === current) return fromFront ? lo : hi - 1;
  }
}

/** The caller's side, on memory the helper (serveSharedGemm) also has. */
export function createSharedGemm(memory: SharedArrayBuffer, options: SharedGemmOptions = {}): SharedGemm {
  const shared = memory as GrowableShared;
  const control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
  let data = new Float64Array(memory, CONTROL_BYTES); // length-tracking when the memory is growable
  let retired = false;
  let job = 0; // id of the latest job, in P_JOB and in the helper's FLAGS
  let busySince: number | undefined; // when the products skipped in a row for a busy helper began
  let products = 0, blocks = 0, helperBlocks = 0;

  /** Makes the memory hold `elements` f64 operands; false if it cannot grow that far. */
  const ensure = (elements: number): boolean => {
    const bytes = CONTROL_BYTES + elements * 8;
    if (bytes <= memory.byteLength) return true;
    if (!shared.growable || !shared.grow || bytes > (shared.maxByteLength ?? 0)) return false;
    shared.grow(Math.min(shared.maxByteLength ?? bytes, Math.max(bytes, 2 * memory.byteLength)));
    data = new Float64Array(memory, CONTROL_BYTES);
    return true;
  };

  const retire = (): void => {
    if (retired) return;
    retired = true;
    options.onRetire?.();
  };

  /** Copies (rows, cols) of a strided matrix into the memory, compacted, at element `to`. */
  const copyIn = (src: Float64Array, off: number, ld: number, rows: number, cols: number, to: number): void => {
    if (ld === cols) data.set(src.subarray(off, off + rows * cols), to);
    else for (let r = 0; r < rows; r++) data.set(src.subarray(off + r * ld, off + r * ld + cols), to + r * cols);
  };

  return {
    ready: () => !retired && Atomics.load(control, ALIVE) === 1,
    waitReady(ms) {
      Atomics.wait(control, ALIVE, 0, ms);
      return !retired && Atomics.load(control, ALIVE) === 1;
    },
    stats: () => ({ products, blocks, helperBlocks }),

    gemmNT(c, cOff, ldc, a, aOff, lda, b, bOff, ldb, M, N, K, beta) {
      if (retired || Atomics.load(control, ALIVE) !== 1 || K === 0) return false;
      const rows = blockRows(M), count = Math.ceil(M / rows);
      if (count < 2) return false;
      // the helper may still be finishing a block this side gave up on: its operands must not change under it
      if (Atomics.load(control, BUSY) === 1 && Atomics.wait(control, BUSY, 1, BUSY_WAIT_MS) === 'timed-out') {
        busySince ??= Date.now();
        if (Date.now() - busySince > HELPER_TIMEOUT_MS) retire(); // stuck on one block for seconds: gone
        return false;
      }
      busySince = undefined;
      const bAt = M * K, cAt = bAt + N * K;
      if (!ensure(cAt + M * N)) return false;
      copyIn(a, aOff, lda, M, K, 0);
      copyIn(b, bOff, ldb, N, K, bAt);
      if (beta === 1) copyIn(c, cOff, ldc, M, N, cAt);
      job = (job % 0x7ffffffe) + 1;
      control[P_M] = M; control[P_N] = N; control[P_K] = K; control[P_BETA] = beta;
      control[P_BACKEND] = backendCode(kernelBackend()); control[P_ROWS] = rows; control[P_JOB] = job;
      Atomics.store(control, HELPER_CLAIMED, 0);
      Atomics.store(control, CLAIMS, count); // lo = 0, hi = count: published
      Atomics.add(control, SEQ, 1);
      Atomics.notify(control, SEQ);
      products++;
      blocks += count;

      if (options.waitForHelperMs) Atomics.wait(control, HELPER_CLAIMED, 0, options.waitForHelperMs);
      const computeHere = (block: number): void => {
        const m0 = block * rows, m1 = Math.min(M, m0 + rows);
        gemmNTOneCore(c, cOff + m0 * ldc, ldc, a, aOff + m0 * lda, lda, b, bOff, ldb, m1 - m0, N, K, beta);
      };
      let mine = 0; // bit i: block i computed here
      let mineCount = 0;
      const started = Date.now();
      for (let block = claim(control, true); block >= 0; block = claim(control, true)) {
        computeHere(block);
        mine |= 1 << block;
        mineCount++;
      }
      // The helper claims a block only once its previous one is done, so at most one of its blocks
      // is still running now. Wait for it about as long as a block takes here; past that (a helper
      // the machine's load keeps off its core) this side computes it too and ignores the helper's.
      const blockMs = mineCount > 0 ? (Date.now() - started) / mineCount : HELPER_TIMEOUT_MS;
      const deadline = Date.now() + (options.waitForHelperMs || Math.max(1, 1.5 * blockMs));
      const pending = (): number => {
        for (let block = 0; block < count; block++) {
          if (!(mine & (1 << block)) && Atomics.load(control, FLAGS + block) !== job) return block;
        }
        return -1;
      };
      for (let seen = Atomics.load(control, DONE), block = pending(); block >= 0; seen = Atomics.load(control, DONE), block = pending()) {
        const failed = Atomics.load(control, FLAGS + block) === -job;
        const left = deadline - Date.now();
        if (failed || left <= 0) {
          computeHere(block);
          mine |= 1 << block;
        } else {
          Atomics.wait(control, DONE, seen, left);
        }
      }
      for (let block = 0; block < count; block++) {
        if (mine & (1 << block)) continue;
        const m0 = block * rows, m1 = Math.min(M, m0 + rows);
        for (let m = m0; m < m1; m++) c.set(data.subarray(cAt + m * N, cAt + (m + 1) * N), cOff + m * ldc);
        helperBlocks++;
      }
      return true;
    },
  };
}

/**
 * The helper's side: serves the jobs createSharedGemm publishes on the same memory, forever (the
 * thread is ended from outside). `ready` runs once the helper is about to serve.
 */
export function serveSharedGemm(memory: SharedArrayBuffer, ready?: () => void): never {
  const control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
  let data = new Float64Array(memory, CONTROL_BYTES);
  let seen = Atomics.load(control, SEQ);
  Atomics.store(control, ALIVE, 1);
  Atomics.notify(control, ALIVE);
  ready?.();
  for (;;) {
    for (let spin = 0; spin < HELPER_SPINS && Atomics.load(control, SEQ) === seen; spin++);
    if (Atomics.load(control, SEQ) === seen) Atomics.wait(control, SEQ, seen);
    seen = Atomics.load(control, SEQ);
    for (;;) {
      Atomics.store(control, BUSY, 1);
      const block = claim(control, false);
      if (block < 0) break;
      Atomics.add(control, HELPER_CLAIMED, 1);
      Atomics.notify(control, HELPER_CLAIMED);
      // the job's parameters are read after the claim: the caller rewrites them only once this
      // helper is idle (BUSY = 0), so they belong to the job this block is part of
      const M = control[P_M], N = control[P_N], K = control[P_K], beta = control[P_BETA] as 0 | 1;
      const rows = control[P_ROWS], job = control[P_JOB];
      let flag = job;
      try {
        const backend: KernelBackend = control[P_BACKEND] === 1 ? 'wasm' : 'js';
        if (kernelBackend() !== backend && setKernelBackend(backend) !== backend) throw new Error(`no ${backend} kernels on the helper`);
        if (data.length < M * K + N * K + M * N) data = new Float64Array(memory, CONTROL_BYTES);
        const bAt = M * K, cAt = bAt + N * K;
        const m0 = block * rows, m1 = Math.min(M, m0 + rows);
        gemmNTOneCore(data, cAt + m0 * N, N, data, m0 * K, K, data, bAt, K, m1 - m0, N, K, beta);
      } catch {
        flag = -job; // the caller computes this block itself
      }
      Atomics.store(control, FLAGS + block, flag);
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
    Atomics.store(control, BUSY, 0);
    Atomics.notify(control, BUSY);
  }
}
