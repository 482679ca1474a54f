// Decides where a spec is parsed and its trace computed. Small specs run inline (a few ms, no
// worker start-up); a spec whose trace would take more than about 50 ms goes to the worker
// (dist/traceWorker.js), and a large spec text (over 256 KB) is parsed there too, so typing in a
// large spec never blocks the extension host. One warm worker serves every job in turn
// (src/runtime/workerPool.ts): it is started once, not per job. A trace job shows a cancellable
// progress notification, but only once it has run PROGRESS_DELAY_MS, so a quick job never
// flashes one. Cancel (the notification's button, or the session's AbortSignal: a newer edit or
// a user's cancel) terminates the worker at once and a fresh one warms up behind it; a cancel
// before the job started drops it. Cancelled resolves undefined; a failure is reported (onError)
// and rejects, so the session can tell the two apart and offer a recompute. A spec parsed in
// the worker stays there under an id, so its trace job does not copy the spec back; the trace
// arrives packed (stored buffers only, transferred) and is unpacked here with its lazy fields
// re-attached. A spec that reads files (model.file, inputs.file) is loaded on this thread, its
// files read asynchronously through the workspace file system, relative to the spec's folder
// (src/runtime/specLoader.ts loadSpecAsync).

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { computeTrace } from '../engine/trace';
import { unpackTrace } from '../engine/traceTransfer';
import { CELLS } from '../engine/cells';
import type { Spec } from '../engine/types';
import type { DocumentRef, ParseResult, SpecParser, TraceComputer } from '../runtime/session';
import { timerScheduler } from '../runtime/sessionManager';
import { loadSpecAsync } from '../runtime/specLoader';
import { timing } from '../runtime/timing';
import { PreparedRequest, showProgressAfter, WarmWorker } from '../runtime/workerPool';
import type { TraceWorkerRequest, TraceWorkerResponse } from '../traceWorker';
import { rememberGateSaturation } from './traceFields';

/** Forward + BPTT FLOPs of the cell table (docs/cli.md, `bench`): the estimate that picks the worker. */
export function estimateFlops(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  return CELLS[spec.cell].flopsPerStep(spec.hiddenSize, spec.inputSize) * spec.T;
}

/** At a conservative 1 GFLOP/s, i.e. 1e6 FLOP per millisecond. */
export function estimateMs(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  return estimateFlops(spec) / 1e6;
}

export const WORKER_THRESHOLD_MS = 50;
/** A trace job shows its (cancellable) notification only after running this long. */
export const PROGRESS_DELAY_MS = 400;
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

type WorkerSuccess = Extract<TraceWorkerResponse, { ok: true }>;

/** The warm worker shared by the trace computer and the spec parser of one extension host. */
export class TraceWorkers {
  readonly worker: WarmWorker<TraceWorkerRequest, TraceWorkerResponse>;
  /** the worker's copy of each spec it parsed: its id, valid on the thread of that generation */
  private readonly parsedIn = new WeakMap<Spec, { generation: number; specId: number }>();

  constructor(private readonly options: TraceComputerOptions) {
    this.worker = new WarmWorker(events => {
      timing.mark('host: worker start');
      const worker = new Worker(options.workerPath);
      worker.unref(); // an idle warm worker never keeps the extension host's process alive
      if (timing.enabled) worker.once('online', () => timing.mark('host: worker online'));
      worker.on('message', data => events.message(data));
      worker.on('error', error => events.error(error));
      worker.on('exit', code => events.exit(code));
      return {
        postMessage: (message, transfer) => worker.postMessage(message, transfer as ArrayBuffer[] | undefined),
        terminate: () => { void worker.terminate(); },
      };
    });
  }

  /** Parses `text` in the worker; undefined when cancelled, rejects (reported) on failure. */
  async parse(text: string, signal: AbortSignal): Promise<ParseResult | undefined> {
    const response = await this.job(() => ({ request: { kind: 'parse', text } }), signal, 'spec could not be parsed');
    if (!response || response === 'missing' || response.kind !== 'parse') return undefined;
    if (response.spec && response.specId !== undefined) this.parsedIn.set(response.spec, { generation: this.worker.generation, specId: response.specId });
    return { spec: response.spec, issues: response.issues, dependencies: [], inputRowEnds: response.inputRowEnds, textShape: response.textShape };
  }

  /** The trace of `spec` from the worker (the worker's own copy when it parsed it); undefined when cancelled. */
  async trace(spec: Spec, signal: AbortSignal): Promise<WorkerSuccess | undefined> {
    const kept = this.parsedIn.get(spec);
    this.parsedIn.delete(spec); // the worker hands its copy to this one job
    const prepare = (generation: number): PreparedRequest<TraceWorkerRequest> =>
      kept && kept.generation === generation ? { request: { kind: 'trace', specId: kept.specId } } : { request: { kind: 'trace', spec } };
    let response = await this.job(prepare, signal, 'trace could not be computed', true);
    // the worker no longer had its copy (it parsed other specs meanwhile): send the spec itself
    if (response === 'missing') response = await this.job(() => ({ request: { kind: 'trace', spec } }), signal, 'trace could not be computed');
    return response === 'missing' ? undefined : response;
  }

  private async job(prepare: (generation: number) => PreparedRequest<TraceWorkerRequest>, signal: AbortSignal,
    failure: string, allowMissing = false): Promise<WorkerSuccess | 'missing' | undefined> {
    let response: TraceWorkerResponse | undefined;
    try {
      response = await this.worker.run(generation => {
        const prepared = prepare(generation);
        timing.mark(`host: job posted (${prepared.request.kind}${'specId' in prepared.request ? `, spec kept in the worker` : ''})`);
        return prepared;
      }, signal);
    } catch (error) {
      const message = `LSTM: ${messageOf(error)}`;
      this.options.onError(message);
      throw new Error(message);
    }
    if (!response) return undefined;
    timing.mark(`host: worker answered (${response.ok ? `${response.kind}, ${response.ms.toFixed(0)} ms in the worker` : 'failed'})`);
    if (response.ok) return response;
    if (allowMissing && response.missing) return 'missing';
    const message = `LSTM: the ${failure}: ${response.message}`;
    this.options.onError(message);
    throw new Error(message);
  }

  dispose(): void { this.worker.dispose(); }
}

const shared = new Map<string, TraceWorkers>();

/** The one TraceWorkers of `options.workerPath`, so the parser and the trace computer share one warm worker. */
export function sharedTraceWorkers(options: TraceComputerOptions): TraceWorkers {
  let workers = shared.get(options.workerPath);
  if (!workers) shared.set(options.workerPath, workers = new TraceWorkers(options));
  return workers;
}

export function createTraceComputer(options: TraceComputerOptions, workers: TraceWorkers = sharedTraceWorkers(options)): TraceComputer {
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
    // the notification's Cancel aborts this job (and only this one) like a newer edit would
    const cancel = new AbortController();
    const onAbort = () => cancel.abort();
    signal.addEventListener('abort', onAbort);
    const running = workers.trace(spec, cancel.signal);
    showProgressAfter(running, PROGRESS_DELAY_MS, () => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `LSTM: computing the trace of ${label}, T=${spec.T}`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(onAbort);
          return running.catch(() => undefined);
        },
      );
    }, timerScheduler);
    try {
      const response = await running;
      if (response?.kind !== 'trace') return undefined;
      const unpacked = unpackTrace(response.trace);
      rememberGateSaturation(unpacked, response.saturation);
      timing.mark('host: trace unpacked');
      return unpacked;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}

export function createSpecParser(options: TraceComputerOptions, workers: TraceWorkers = sharedTraceWorkers(options)): SpecParser {
  return async (text, signal, ref) => {
    // a spec that reads files (a model, inputs) is loaded here: the worker has no file reader
    if (text.length <= WORKER_PARSE_THRESHOLD_CHARS || /"file"\s*:/.test(text)) return loadSpecAsync(text, { readFile: specFileReader(ref) });
    if (signal.aborted) return undefined;
    const parsing = workers.parse(text, signal);
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `LSTM: parsing the spec (${Math.round(text.length / 1024)} KB)` },
      () => parsing.catch(() => undefined));
    return parsing;
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

export function workerPathFor(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'traceWorker.js');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
