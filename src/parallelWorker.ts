// The worker_threads entry (bundled to dist/parallelWorker.js) of the engine's second core: it
// serves the row blocks of the large matrix products that the thread which started it hands over
// on shared memory (src/engine/parallel.ts, serveSharedGemm), with the same kernels. Started and
// ended by src/parallelHost.ts; it never returns to its event loop.

import { parentPort, workerData } from 'node:worker_threads';
import { serveSharedGemm } from './engine/parallel';

const { memory } = workerData as { memory: SharedArrayBuffer };
serveSharedGemm(memory, () => parentPort?.postMessage('ready'));
