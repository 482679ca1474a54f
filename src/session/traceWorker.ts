// The worker_threads entry (bundled to dist/traceWorker.js) that runs the pure engine off the
// extension host's thread for large specs: either parsing a large spec text, or computing the
// trace of a validated Spec. Typed arrays go back with their buffers in the transfer list, so
// nothing is copied on the way back. One job per worker: the host terminates it to cancel.

import { parentPort } from 'node:worker_threads';
import { parseSpec } from '../engine/specParse';
import { computeTrace } from '../engine/trace';
import type { Spec, SpecIssue, Trace } from '../engine/types';

export type TraceWorkerRequest = { kind: 'trace'; spec: Spec } | { kind: 'parse'; text: string };
export type TraceWorkerResponse =
  | { ok: true; kind: 'trace'; trace: Trace; ms: number }
  | { ok: true; kind: 'parse'; spec?: Spec; issues: SpecIssue[]; ms: number }
  | { ok: false; message: string };

/** Every distinct ArrayBuffer under `value` (typed arrays may share one buffer; a transfer list must not repeat one). */
function collectBuffers(value: unknown, into: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
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
    if (request.kind === 'parse') {
      const parsed = parseSpec(request.text);
      response = { ok: true, kind: 'parse', spec: parsed.spec, issues: parsed.issues, ms: performance.now() - start };
    } else {
      response = { ok: true, kind: 'trace', trace: computeTrace(request.spec), ms: performance.now() - start };
    }
  } catch (error) {
    response = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response, response.ok ? collectBuffers(response) : []);
});
