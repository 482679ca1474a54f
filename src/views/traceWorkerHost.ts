// Decides where a spec is parsed and its trace computed. Small specs run inline (a few ms, no
// worker start-up); a spec whose trace would take more than about 50 ms goes to a worker_threads
// Worker (dist/traceWorker.js) behind a cancellable progress notification, and a large spec text
// (over 256 KB) is parsed in a worker too, so typing in a large spec never blocks the extension
// host. Cancel (the notification's button, or the session's AbortSignal: a newer edit or a user's
// cancel) terminates the worker at once; a cancel that comes before the worker started means no
// worker is started at all. Cancelled resolves undefined; a failure is reported (onError) and rejects, so
// the session can tell the two apart and offer a recompute. The worker's trace arrives packed
// (stored buffers only, transferred) and is unpacked here with its lazy fields re-attached.
// A spec that reads files (model.file, inputs.file) is loaded on this thread, its files read
// asynchronously through the workspace file system, relative to the spec's folder
// (src/runtime/specLoader.ts loadSpecAsync).

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { computeTrace } from '../engine/trace';
import { unpackTrace } from '../engine/traceTransfer';
import { CELLS } from '../engine/cells';
import type { Spec } from '../engine/types';
import type { DocumentRef, ParseResult, SpecParser, TraceComputer } from '../runtime/session';
import { loadSpecAsync } from '../runtime/specLoader';
import type { TraceWorkerRequest, TraceWorkerResponse } from '../traceWorker';

/** Forward + BPTT FLOPs of the cell table (docs/cli.md, `bench`): the estimate that picks the worker. */
export function estimateFlops(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  return CELLS[spec.cell].flopsPerStep(spec.hiddenSize, spec.inputSize) * spec.T;
}

/** At a conservative 1 GFLOP/s, i.e. 1e6 FLOP per millisecond. */
export function estimateMs(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  return estimateFlops(spec) / 1e6;
}

export const WORKER_THRESHOLD_MS = 50;
/** Texts longer than this (UTF-16 units) are parsed in a worker: jsonc-parser and validation take ~25 ms per 400 KB. */
export const WORKER_PARSE_THRESHOLD_CHARS = 256 * 1024;

export interface TraceComputerOptions {
  /** absolute path of dist/traceWorker.js */
  workerPath: string;
  /** overrides WORKER_THRESHOLD_MS (tests use 0 to force the worker) */
  thresholdMs?: () => number;
  /** reports a failure to the user; the session then keeps its previous trace, marked stale */
  onError: (message: string) => void;
}

export function createTraceComputer(options: TraceComputerOptions): TraceComputer {
  return async (spec, signal) => {
    if (signal.aborted) return undefined;
    const threshold = options.thresholdMs?.() ?? WORKER_THRESHOLD_MS;
    if (estimateMs(spec) <= threshold) {
      try {
        return computeTrace(spec);
      } catch (error) {
        const message = `LSTM: the trace could not be computed: ${messageOf(error)}`;
        options.onError(message);
        throw new Error(message);
      }
    }
    const label = spec.name ? `"${spec.name}"` : `${spec.cell} H=${spec.hiddenSize} I=${spec.inputSize}`;
    const response = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `LSTM: computing the trace of ${label}, T=${spec.T}`, cancellable: true },
      // the notification's Cancel stops the worker and resolves undefined: the session records a cancel
      (_progress, progressToken) => runInWorker({ kind: 'trace', spec }, signal, progressToken, options),
    );
    return response?.kind === 'trace' ? unpackTrace(response.trace) : undefined;
  };
}

export function createSpecParser(options: TraceComputerOptions): SpecParser {
  return async (text, signal, ref) => {
    // a spec that reads files (a model, inputs) is loaded here: the worker has no file reader
    if (text.length <= WORKER_PARSE_THRESHOLD_CHARS || /"file"\s*:/.test(text)) return loadSpecAsync(text, { readFile: specFileReader(ref) });
    if (signal.aborted) return undefined;
    const response = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `LSTM: parsing the spec (${Math.round(text.length / 1024)} KB)` },
      () => runInWorker({ kind: 'parse', text }, signal, undefined, options),
    );
    if (response?.kind !== 'parse') return undefined;
    const result: ParseResult = { spec: response.spec, issues: response.issues, dependencies: [] };
    return result;
  };
}

/**
 * Reads the files a spec names (model.file, inputs.file), relative to the spec's folder. An
 * untitled spec has no folder yet, so it can only name absolute paths ("New Spec from Model
 * File…" writes them so).
 */
export function specFileReader(ref: DocumentRef | undefined): (file: string) => Promise<Uint8Array> {
  return async file => {
    const uri = ref && dependencyUri(ref, file);
    if (!uri) {
      const scheme = ref instanceof vscode.Uri ? ref.scheme : undefined;
      throw new Error(scheme === 'untitled'
        ? 'an untitled spec has no folder yet: save it first, or write an absolute path'
        : `only specs on disk can read files by a relative path (this one is ${scheme ?? 'not a file'})`);
    }
    // the workspace file system: asynchronous, and remote or virtual folders work too
    return vscode.workspace.fs.readFile(uri);
  };
}

/** The file a spec's dependency names, as a Uri (undefined when it cannot be located: a relative path in an untitled spec). */
export function dependencyUri(ref: DocumentRef, file: string): vscode.Uri | undefined {
  if (path.isAbsolute(file)) return vscode.Uri.file(file);
  const uri = ref instanceof vscode.Uri ? ref : undefined;
  if (!uri || uri.scheme === 'untitled') return undefined;
  return uri.scheme === 'file' ? vscode.Uri.file(path.resolve(path.dirname(uri.fsPath), file)) : vscode.Uri.joinPath(uri, '..', file);
}

type WorkerSuccess = Extract<TraceWorkerResponse, { ok: true }>;

/** Runs one job in a fresh worker; resolves undefined when cancelled, rejects when it failed (failures are reported). */
function runInWorker(request: TraceWorkerRequest, signal: AbortSignal, progressToken: vscode.CancellationToken | undefined,
  options: TraceComputerOptions): Promise<WorkerSuccess | undefined> {
  return new Promise((resolve, reject) => {
    // cancelled before anything started: no worker at all
    if (signal.aborted || progressToken?.isCancellationRequested) { resolve(undefined); return; }
    let settled = false;
    const worker = new Worker(options.workerPath);
    const finish = (response: WorkerSuccess | undefined, failure?: string) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      progressSubscription?.dispose();
      void worker.terminate();
      if (failure === undefined) { resolve(response); return; }
      options.onError(failure);
      reject(new Error(failure));
    };
    const onAbort = () => finish(undefined);
    signal.addEventListener('abort', onAbort);
    const progressSubscription = progressToken?.onCancellationRequested(onAbort);
    worker.on('message', (response: TraceWorkerResponse) => {
      if (response.ok) finish(response);
      else finish(undefined, `LSTM: the ${request.kind === 'trace' ? 'trace could not be computed' : 'spec could not be parsed'}: ${response.message}`);
    });
    worker.on('error', error => finish(undefined, `LSTM: the worker failed: ${messageOf(error)}`));
    // an exit before any answer (and not a cancel, which settles first) is a crash, e.g. out of memory
    worker.on('exit', code => finish(undefined, `LSTM: the worker stopped unexpectedly (exit code ${code})`));
    // A spec's arrays are copied (the session keeps its spec); the worker's results come back transferred.
    worker.postMessage(request);
  });
}

export function workerPathFor(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'traceWorker.js');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
