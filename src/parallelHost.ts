// Starts the engine's second core at the edge, for the CLI and the trace worker: a helper thread
// (Node worker_threads, dist/parallelWorker.js) kept warm on a growable SharedArrayBuffer, and the
// shared-memory executor of src/engine/parallel.ts installed in the kernels (setParallelGemm).
// Results are bit-identical to one core (the rows of each product are split, never a sum). Where
// anything is missing (no SharedArrayBuffer or Atomics.wait, the worker file, a thread that fails
// or exits) the engine simply stays on one core: nothing here throws.

import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parallelGemm, setParallelGemm, PARALLEL_MIN_WORK } from './engine/kernels';
import { createSharedGemm, CONTROL_BYTES, type SharedGemm, type SharedGemmOptions } from './engine/parallel';
import { CELLS } from './engine/cells';
import { stackSpecOf, type Spec } from './engine/types';

/** The shared memory starts at 1 MB and grows on demand up to this (a reservation, not an allocation). */
const MAX_SHARED_BYTES = 1 << 30;

/**
 * Specs below this many FLOPs (forward + BPTT, the cells' count) stay on one core by default:
 * starting the helper costs ~30 ms of the other core, and below ~20 ms of engine work it would
 * not be up before the trace ends.
 */
export const SECOND_CORE_MIN_FLOPS = 1e8;

let current: { worker: Worker; gemm: SharedGemm; ready: Promise<boolean> } | undefined;

/** Cores this process may use. */
export function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Forward + BPTT FLOPs of a spec, every layer, direction and sample: what decides whether a second core pays. */
export function specFlops(spec: Spec): number {
  const stack = stackSpecOf(spec);
  const { cell, hiddenSize: H, inputSize, numLayers, bidirectional } = stack.params;
  const D = bidirectional ? 2 : 1;
  let perStep = 0;
  for (let layer = 0; layer < numLayers; layer++) perStep += D * CELLS[cell].flopsPerStep(H, layer === 0 ? inputSize : D * H);
  return perStep * stack.samples.reduce((steps, sample) => steps + sample.T, 0);
}

/**
 * The default of --threads: 2 where there are two cores, one of them free (the 1-minute load
 * average below cores - 1: on a machine busy with other work the helper only competes for the
 * same cores, and measured slower), and the spec is large enough.
 */
export function defaultThreads(spec: Spec): 1 | 2 {
  const cores = availableCores();
  return cores >= 2 && os.loadavg()[0] < cores - 1 && specFlops(spec) >= SECOND_CORE_MIN_FLOPS ? 2 : 1;
}

export interface SecondCoreOptions extends SharedGemmOptions {
  /** the helper's entry; default parallelWorker.js next to this bundle */
  workerFile?: string;
  /** products below this many multiply-adds stay on one core (kernels.ts PARALLEL_MIN_WORK) */
  minWork?: number;
}

/**
 * Starts the helper thread and installs it in the kernels (once; later calls return the same
 * state). The helper takes part from the moment it is up, which `ready` resolves (false if it
 * never came up). Returns false, on one core, where shared memory or threads are unavailable.
 */
export function startSecondCore(options: SecondCoreOptions = {}): { started: boolean; ready: Promise<boolean> } {
  if (current) return { started: true, ready: current.ready };
  const g = globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer; Atomics?: typeof Atomics };
  if (typeof g.SharedArrayBuffer !== 'function' || typeof g.Atomics?.wait !== 'function') return { started: false, ready: Promise.resolve(false) };
  try {
    const Shared = g.SharedArrayBuffer as unknown as new (bytes: number, options?: { maxByteLength: number }) => SharedArrayBuffer;
    const memory = new Shared(Math.max(CONTROL_BYTES, 1 << 20), { maxByteLength: MAX_SHARED_BYTES });
    const gemm = createSharedGemm(memory, { ...options, onRetire: () => { stopSecondCore(); options.onRetire?.(); } });
    const worker = new Worker(options.workerFile ?? path.join(__dirname, 'parallelWorker.js'), { workerData: { memory } });
    worker.unref(); // never keeps the process alive
    const ready = new Promise<boolean>(resolve => {
      worker.once('message', () => resolve(true));
      worker.once('error', () => { resolve(false); stopSecondCore(worker); });
      worker.once('exit', () => { resolve(false); stopSecondCore(worker); });
    });
    current = { worker, gemm, ready };
    setParallelGemm(gemm, options.minWork ?? PARALLEL_MIN_WORK);
    return { started: true, ready };
  } catch {
    return { started: false, ready: Promise.resolve(false) };
  }
}

/** Back to one core: uninstalls the executor and ends the helper thread (only `worker`'s, when given). */
export function stopSecondCore(worker?: Worker): void {
  if (!current || (worker && current.worker !== worker)) return;
  const { worker: running, gemm } = current;
  current = undefined;
  if (parallelGemm() === gemm) setParallelGemm(null);
  void running.terminate().catch(() => undefined);
}

/**
 * Blocks this thread up to `ms` until the helper serves (for a synchronous caller, such as the
 * CLI's bench before its timed runs); false without a second core.
 */
export function waitForSecondCore(ms: number): boolean {
  return current?.gemm.waitReady(ms) ?? false;
}

/** The running second core's counters (products split, blocks, blocks the helper computed), or undefined. */
export function secondCoreStats(): ReturnType<SharedGemm['stats']> | undefined {
  return current?.gemm.stats();
}
