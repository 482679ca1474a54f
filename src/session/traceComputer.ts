// Decides where a trace is computed. A small spec is computed inline (a few ms, no worker start-up
// cost); a spec whose trace would take more than about 50 ms goes to a worker_threads Worker
// (dist/traceWorker.js) behind a cancellable progress notification, so typing in a large spec never
// blocks the extension host. Cancel (the notification's button, or a newer edit through the
// session's token) terminates the worker at once.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { computeTrace } from '../engine/trace';
import type { CellKind, Spec, Trace } from '../engine/types';
import type { TraceComputer } from './session';
import type { TraceWorkerRequest, TraceWorkerResponse } from './traceWorker';

/** Gate matrices per cell: each is H x (H+I) in FLOP terms. */
const GATES: Record<CellKind, number> = { lstm: 4, lstm_peephole: 4, gru: 3, rnn: 1 };

/** Forward + BPTT FLOPs, the brief's 3·2·gates·H(H+I)·T (forward, dW, dz: one matmul each). */
export function estimateFlops(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  const H = spec.hiddenSize;
  return 3 * 2 * GATES[spec.cell] * H * (H + spec.inputSize) * spec.T;
}

/** At a conservative 1 GFLOP/s, i.e. 1e6 FLOP per millisecond. */
export function estimateMs(spec: Pick<Spec, 'cell' | 'hiddenSize' | 'inputSize' | 'T'>): number {
  return estimateFlops(spec) / 1e6;
}

export const WORKER_THRESHOLD_MS = 50;

export interface TraceComputerOptions {
  /** absolute path of dist/traceWorker.js */
  workerPath: string;
  /** overrides WORKER_THRESHOLD_MS (tests use 0 to force the worker) */
  thresholdMs?: () => number;
  /** reports a failure to the user; the session then keeps its previous trace */
  onError: (message: string) => void;
}

export function createTraceComputer(options: TraceComputerOptions): TraceComputer {
  return async (spec, token) => {
    const threshold = options.thresholdMs?.() ?? WORKER_THRESHOLD_MS;
    if (estimateMs(spec) <= threshold) {
      try {
        return computeTrace(spec);
      } catch (error) {
        options.onError(`LSTM: the trace could not be computed: ${messageOf(error)}`);
        return undefined;
      }
    }
    return computeInWorker(spec, token, options);
  };
}

function computeInWorker(spec: Spec, sessionToken: vscode.CancellationToken, options: TraceComputerOptions): Promise<Trace | undefined> {
  const label = spec.name ? `"${spec.name}"` : `${spec.cell} H=${spec.hiddenSize} I=${spec.inputSize}`;
  return Promise.resolve(vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `LSTM: computing the trace of ${label}, T=${spec.T}`,
      cancellable: true,
    },
    (_progress, progressToken) => new Promise<Trace | undefined>(resolve => {
      let settled = false;
      const worker = new Worker(options.workerPath);
      const finish = (trace: Trace | undefined) => {
        if (settled) return;
        settled = true;
        subscriptions.forEach(s => s.dispose());
        void worker.terminate();
        resolve(trace);
      };
      const subscriptions = [
        progressToken.onCancellationRequested(() => finish(undefined)),
        sessionToken.onCancellationRequested(() => finish(undefined)),
      ];
      worker.on('message', (response: TraceWorkerResponse) => {
        if (response.ok) finish(response.trace);
        else {
          options.onError(`LSTM: the trace could not be computed: ${response.message}`);
          finish(undefined);
        }
      });
      worker.on('error', error => {
        options.onError(`LSTM: the trace worker failed: ${messageOf(error)}`);
        finish(undefined);
      });
      worker.on('exit', () => finish(undefined));
      // The spec's arrays are copied (the session keeps its spec); the trace comes back transferred.
      const request: TraceWorkerRequest = { spec };
      worker.postMessage(request);
    }),
  ));
}

export function workerPathFor(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'traceWorker.js');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
