// The host side of the train worker (src/trainWorker.ts): starts one worker_threads Worker per
// "LSTM: Train…" run, forwards its progress, and resolves the history. Cancel sets a flag in
// shared memory that train() reads between steps, so the run ends with the steps taken so far
// (the history of a cancelled run is a result too); dispose() terminates the worker outright.
// The extension host's thread only receives messages: training never blocks it.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Spec } from '../engine/types';
import type { TrainWorkerRequest, TrainWorkerResponse } from '../trainWorker';
import type { TrainDelta, TrainHistory, TrainSettings } from './trainHistory';

export type TrainProgressReport = Extract<TrainWorkerResponse, { kind: 'progress' }>;

export interface TrainRun {
  /** resolves the history (also after a cancel), rejects when training failed */
  readonly done: Promise<{ history: TrainHistory; ms: number }>;
  /** asks the run to stop after the current step: `done` then resolves with the steps taken */
  cancel(): void;
  /** stops the worker at once (`done` rejects if it had not resolved) */
  dispose(): void;
}

export function trainWorkerPathFor(extensionPath: string): string {
  return path.join(extensionPath, 'dist', 'trainWorker.js');
}

export function startTraining(workerPath: string, spec: Spec, settings: TrainSettings,
  onProgress: (report: TrainProgressReport, delta: TrainDelta) => void): TrainRun {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(workerPath);
  let settled = false;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<{ history: TrainHistory; ms: number }>((resolve, reject) => {
    rejectDone = reject;
    const finish = (failure: string | undefined, result?: { history: TrainHistory; ms: number }) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (failure !== undefined) reject(new Error(failure));
      else if (result) resolve(result);
    };
    worker.on('message', (response: TrainWorkerResponse) => {
      if (response.kind === 'progress') onProgress(response, response.delta);
      else if (response.kind === 'done') finish(undefined, { history: response.history, ms: response.ms });
      else finish(response.message);
    });
    worker.on('error', error => finish(`the train worker failed: ${error instanceof Error ? error.message : String(error)}`));
    worker.on('exit', code => finish(`the train worker stopped unexpectedly (exit code ${code})`));
  });
  const request: TrainWorkerRequest = { spec, settings, stop };
  worker.postMessage(request);
  return {
    done,
    cancel: () => { Atomics.store(stop, 0, 1); },
    dispose: () => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      rejectDone(new Error('training was stopped'));
    },
  };
}
