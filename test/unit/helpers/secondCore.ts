// The second core the unit tests run on with LSTM_THREADS=2 (test/unit/helpers/watLoader.mjs):
// the helper thread of the built dist/parallelWorker.js, splitting every product (minWork 0), so
// every suite, the golden ones included, runs its products on two cores. Suites that start their
// own second core (parallelGemm.test.ts) put this one back when they end.
import fs from 'node:fs';
import path from 'node:path';
import { startSecondCore, stopSecondCore, type SecondCoreOptions } from '../../../src/parallelHost';

export const PARALLEL_WORKER = path.resolve(__dirname, '../../../dist/parallelWorker.js');

/** true when the suites run on two cores (LSTM_THREADS=2; 1 or unset: one core). */
export function suiteUsesTwoCores(): boolean {
  const threads = process.env.LSTM_THREADS ?? '1';
  if (threads !== '1' && threads !== '2') throw new Error(`LSTM_THREADS must be 1 or 2, not ${threads}`);
  return threads === '2';
}

/** Starts a second core on the built worker; throws when it does not come up. */
export async function startTestSecondCore(options: SecondCoreOptions = {}): Promise<void> {
  if (!fs.existsSync(PARALLEL_WORKER)) throw new Error(`${PARALLEL_WORKER} is missing: run npm run build first`);
  stopSecondCore();
  const started = startSecondCore({ workerFile: PARALLEL_WORKER, minWork: 0, ...options });
  if (!started.started || !(await started.ready)) throw new Error('the second core did not start');
}

/** Back to what the suites run on: the LSTM_THREADS=2 second core, or one core. */
export async function restoreSuiteSecondCore(): Promise<void> {
  stopSecondCore();
  if (suiteUsesTwoCores()) await startTestSecondCore();
}
