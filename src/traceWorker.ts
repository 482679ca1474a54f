// The worker_threads entry (bundled to dist/traceWorker.js) that runs the pure engine off the
// extension host's thread for large specs: either parsing a large spec text, or computing the
// trace of a validated Spec. A trace goes back packed (packTrace: its lazy gate fields are not
// forced, the host re-attaches them) with its buffers in the transfer list, so nothing is
// computed twice or copied on the way back. One job per worker: the host terminates it to cancel.

import { parentPort } from 'node:worker_threads';
import { parseSpec } from './engine/specParse';
import { computeTrace } from './engine/trace';
import { PackedTrace, packTrace, storedBuffers } from './engine/traceTransfer';
import type { Spec, SpecIssue } from './engine/types';
import { defaultThreads, startSecondCore } from './parallelHost'; // a large trace gets a helper thread (kept warm)

export type TraceWorkerRequest = { kind: 'trace'; spec: Spec } | { kind: 'parse'; text: string };
export type TraceWorkerResponse =
  | { ok: true; kind: 'trace'; trace: PackedTrace; ms: number }
  | { ok: true; kind: 'parse'; spec?: Spec; issues: SpecIssue[]; ms: number }
  | { ok: false; message: string };

parentPort?.on('message', (request: TraceWorkerRequest) => {
  let response: TraceWorkerResponse;
  let transfer: ArrayBuffer[] = [];
  const start = performance.now();
  try {
    if (request.kind === 'parse') {
      const parsed = parseSpec(request.text);
      response = { ok: true, kind: 'parse', spec: parsed.spec, issues: parsed.issues, ms: performance.now() - start };
      transfer = storedBuffers(response);
    } else {
      if (defaultThreads(request.spec) === 2) startSecondCore();
      const { plain, buffers } = packTrace(computeTrace(request.spec));
      response = { ok: true, kind: 'trace', trace: plain, ms: performance.now() - start };
      transfer = buffers;
    }
  } catch (error) {
    response = { ok: false, message: error instanceof Error ? error.message : String(error) };
    transfer = [];
  }
  parentPort?.postMessage(response, transfer);
});
