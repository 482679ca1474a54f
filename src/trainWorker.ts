// The worker_threads entry (bundled to dist/trainWorker.js) that runs "LSTM: Train…" off the
// extension host's thread: train() (src/engine/train.ts) on a parsed spec, recording the history
// (src/views/trainHistory.ts). It posts a progress message with the curves' new entries at most
// every PROGRESS_MS, and the whole history at the end, its θ buffers transferred. Cancel is a
// flag in shared memory (the host sets stop[0] = 1): train() checks it between steps, so a
// cancelled run still answers with the steps taken so far. One run per worker.

import { parentPort } from 'node:worker_threads';
import { train, trainModelOf } from './engine/train';
import type { Spec } from './engine/types';
import { TrainRecorder, type TrainDelta, type TrainHistory, type TrainSettings } from './views/trainHistory';

export interface TrainWorkerRequest {
  spec: Spec;
  settings: TrainSettings;
  /** Int32Array over a SharedArrayBuffer: [0] = 1 asks to stop */
  stop: Int32Array;
}

export type TrainWorkerResponse =
  | { kind: 'progress'; step: number; steps: number; loss: number; gradNorm: number; delta: TrainDelta }
  | { kind: 'done'; history: TrainHistory; ms: number }
  | { kind: 'failed'; message: string };

/** How often progress is posted (the notification and the panel's curves). */
const PROGRESS_MS = 100;

parentPort?.once('message', (request: TrainWorkerRequest) => {
  const start = performance.now();
  try {
    const { settings } = request;
    const model = trainModelOf(request.spec);
    const recorder = new TrainRecorder(model, settings);
    let lastPost = 0;
    const result = train(model, {
      steps: settings.steps,
      optimizer: settings.optimizer === 'adam' ? { kind: 'adam', lr: settings.lr } : { kind: 'sgd', lr: settings.lr, momentum: settings.momentum },
      ...(settings.clipNorm !== undefined ? { clipNorm: settings.clipNorm } : {}),
      shouldStop: () => Atomics.load(request.stop, 0) === 1,
      onProgress: progress => {
        recorder.onProgress(progress);
        const now = performance.now();
        if (now - lastPost < PROGRESS_MS && progress.step < progress.steps) return;
        lastPost = now;
        const response: TrainWorkerResponse = {
          kind: 'progress', step: progress.step, steps: progress.steps, loss: progress.loss, gradNorm: progress.gradNorm, delta: recorder.takeDelta(),
        };
        parentPort?.postMessage(response);
      },
    });
    const history = recorder.finish(result);
    const response: TrainWorkerResponse = { kind: 'done', history, ms: performance.now() - start };
    parentPort?.postMessage(response, history.thetas.map(theta => theta.buffer as ArrayBuffer));
  } catch (error) {
    const response: TrainWorkerResponse = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    parentPort?.postMessage(response);
  }
});
