// The worker_threads entry (bundled to dist/traceWorker.js) that runs the pure engine off the
// extension host's thread for large specs: either parsing a large spec text, or computing the
// trace of a validated Spec. The thread stays up between jobs (src/runtime/workerPool.ts: the
// bundle is loaded and the WebAssembly kernels compiled once); the host terminates it only to
// cancel a running job. Each message is a job `{ id, request }`, answered `{ id, response }`.
// A parse also scans where each input row ends (the inline values' positions), so the host
// never scans a large text itself. A parsed spec goes back transferred, and the worker keeps its own copy under a spec id, so the
// trace job that follows names that id instead of sending the spec's arrays back (a copy of
// ~15 MB at (H, I, T) = (512, 256, 1000)). A trace goes back packed (packTrace: its lazy gate
// fields are not forced, the host re-attaches them) with its buffers in the transfer list, so
// nothing is computed twice or copied on the way back. The States view's saturation figure (a
// scan of every pre-activation, ~100 ms at (512, 256, 1000)) is computed here too.

import { parentPort } from 'node:worker_threads';
import { parseSpec, type TextShape } from './engine/specParse';
import { computeTrace } from './engine/trace';
import { PackedTrace, packTrace, storedBuffers } from './engine/traceTransfer';
import type { Spec, SpecIssue } from './engine/types';
import type { JobAnswer, JobMessage } from './runtime/workerPool';
import { scanInputRowEnds } from './views/specTree';
import { gateSaturation, type SaturationReport } from './views/traceFields';
import { defaultThreads, startSecondCore } from './parallelHost'; // a large trace gets a helper thread (kept warm)

export type TraceWorkerRequest =
  | { kind: 'trace'; spec: Spec }
  /** the spec this worker parsed under `specId` (answered `missing` if it no longer has it) */
  | { kind: 'trace'; specId: number }
  | { kind: 'parse'; text: string };
export type TraceWorkerResponse =
  /** `saturation`: the States view's saturated-gates figure, a scan of every pre-activation done here */
  | { ok: true; kind: 'trace'; trace: PackedTrace; saturation: SaturationReport; ms: number }
  /** `specId` names the worker's copy of `spec`, for a trace job on the same thread */
  /** `textShape`: the text's keys and arrays without its numbers, for the host's what-if rules instead of a second parse */
  | { ok: true; kind: 'parse'; spec?: Spec; specId?: number; issues: SpecIssue[]; inputRowEnds: number[]; textShape?: TextShape; ms: number }
  | { ok: false; message: string; missing?: boolean };

/** The specs parsed here, by id, until a trace job takes them; only the last few are kept. */
const parsedSpecs = new Map<number, Spec>();
const KEPT_SPECS = 2;
let nextSpecId = 1;

function run(request: TraceWorkerRequest): { response: TraceWorkerResponse; transfer: ArrayBuffer[] } {
  const start = performance.now();
  if (request.kind === 'parse') {
    const parsed = parseSpec(request.text, { textShape: true });
    let specId: number | undefined;
    if (parsed.spec) {
      specId = nextSpecId++;
      // the copy that stays: the parsed arrays themselves are transferred to the host
      parsedSpecs.set(specId, structuredClone(parsed.spec));
      for (const id of parsedSpecs.keys()) if (parsedSpecs.size > KEPT_SPECS) parsedSpecs.delete(id);
    }
    // the inline values' row positions, scanned here rather than on the host's thread
    const inputRowEnds = scanInputRowEnds(request.text, { strictJson: parsed.strictJson });
    const response: TraceWorkerResponse = { ok: true, kind: 'parse', spec: parsed.spec, specId, issues: parsed.issues, inputRowEnds, textShape: parsed.textShape, ms: performance.now() - start };
    return { response, transfer: storedBuffers(response) };
  }
  let spec: Spec | undefined;
  if ('specId' in request) {
    spec = parsedSpecs.get(request.specId);
    parsedSpecs.delete(request.specId);
    if (!spec) return { response: { ok: false, message: `spec ${request.specId} is no longer kept`, missing: true }, transfer: [] };
  } else {
    spec = request.spec;
  }
  if (defaultThreads(spec) === 2) startSecondCore();
  const trace = computeTrace(spec);
  const saturation = gateSaturation(trace);
  const { plain, buffers } = packTrace(trace);
  return { response: { ok: true, kind: 'trace', trace: plain, saturation, ms: performance.now() - start }, transfer: buffers };
}

parentPort?.on('message', ({ id, request }: JobMessage<TraceWorkerRequest>) => {
  let answer: { response: TraceWorkerResponse; transfer: ArrayBuffer[] };
  try {
    answer = run(request);
  } catch (error) {
    answer = { response: { ok: false, message: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
  const message: JobAnswer<TraceWorkerResponse> = { id, response: answer.response };
  parentPort?.postMessage(message, answer.transfer);
});
