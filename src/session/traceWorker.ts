// The worker_threads entry (bundled to dist/traceWorker.js) that computes a large spec's trace
// off the extension host's thread. It receives a validated Spec (structured clone), runs the pure
// engine and posts the Trace back with every Float64Array buffer in the transfer list, so nothing
// is copied on the way back. One job per worker: the host terminates it to cancel.

import { parentPort } from 'node:worker_threads';
import { computeTrace } from '../engine/trace';
import type { Spec, Trace } from '../engine/types';

export type TraceWorkerRequest = { spec: Spec };
export type TraceWorkerResponse = { ok: true; trace: Trace; ms: number } | { ok: false; message: string };

/** Every distinct ArrayBuffer under `value` (typed arrays may share one buffer; a transfer list must not repeat one). */
export function collectBuffers(value: unknown, into: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    into.add(value.buffer as ArrayBuffer);
  } else if (value && typeof value === 'object') {
    for (const child of Object.values(value)) collectBuffers(child, into);
  }
  return [...into];
}

parentPort?.on('message', (request: TraceWorkerRequest) => {
  let response: TraceWorkerResponse;
  const start = performance.now();
  try {
    const trace = computeTrace(request.spec);
    response = { ok: true, trace, ms: performance.now() - start };
  } catch (error) {
    response = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response, response.ok ? collectBuffers(response.trace) : []);
});
