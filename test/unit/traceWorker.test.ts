// The real trace worker (dist/traceWorker.js) behind the runtime's WarmWorker, on
// worker_threads as in the extension host: one thread parses, keeps the spec under an id and
// computes its trace from that id; the trace it transfers back equals the one computed on this
// thread, and so does the saturation figure it scans; an id it no longer keeps is answered `missing`; a cancelled running job terminates
// the thread and the next job runs on a fresh one. The bundle is built first if missing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';
import { unpackTrace } from '../../src/engine/traceTransfer';
import { WarmWorker } from '../../src/runtime/workerPool';
import type { TraceWorkerRequest, TraceWorkerResponse } from '../../src/traceWorker';
import { gateSaturation } from '../../src/views/traceFields';

const root = path.resolve(__dirname, '../..');
const workerPath = path.join(root, 'dist/traceWorker.js');

/** A spec text with H hidden units and T input rows, inputs from a fixed recurrence. */
function text(H: number, I: number, T: number): string {
  let state = 7;
  const next = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return Math.round((state / 2 ** 31 - 1) * 1000) / 1000; };
  const inputs = Array.from({ length: T }, () => Array.from({ length: I }, next));
  return JSON.stringify({ cell: 'lstm', inputSize: I, hiddenSize: H, init: { seed: 3, scale: 0.2, forgetBias: 1 }, inputs }, null, 1);
}

describe('the trace worker behind a WarmWorker', function () {
  this.timeout(60000);
  let threads = 0;
  let pool: WarmWorker<TraceWorkerRequest, TraceWorkerResponse>;
  before(() => {
    if (!fs.existsSync(workerPath)) {
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
      assert.equal(build.status, 0, build.stderr);
    }
  });
  beforeEach(() => {
    threads = 0;
    pool = new WarmWorker(events => {
      threads++;
      const worker = new Worker(workerPath);
      worker.on('message', events.message);
      worker.on('error', events.error);
      worker.on('exit', events.exit);
      return { postMessage: (message, transfer) => worker.postMessage(message, transfer as ArrayBuffer[]), terminate: () => { void worker.terminate(); } };
    });
  });
  afterEach(() => pool.dispose());

  it('parses, then computes the trace of the spec it kept, equal to the trace computed here; the id is used once', async () => {
    const source = text(6, 3, 12);
    const signal = new AbortController().signal;
    const parsed = await pool.run(() => ({ request: { kind: 'parse', text: source } }), signal);
    assert.ok(parsed?.ok && parsed.kind === 'parse' && parsed.spec && parsed.specId !== undefined);
    assert.equal(parsed.inputRowEnds.length, 12);
    for (const end of parsed.inputRowEnds) assert.equal(source[end - 1], ']', 'each end is just after a row');
    const traced = await pool.run(() => ({ request: { kind: 'trace', specId: parsed.specId! } }), signal);
    assert.ok(traced?.ok && traced.kind === 'trace');
    const fromWorker = unpackTrace(traced.trace);
    const here = computeTrace(parseSpec(source).spec!);
    assert.equal(fromWorker.loss.L, here.loss.L);
    for (const field of ['h', 'c', 'f', 'o']) assert.deepEqual([...fromWorker.forward[field]], [...here.forward[field]], field);
    assert.deepEqual([...fromWorker.backward.dL_dW.W_f], [...here.backward.dL_dW.W_f]);
    assert.deepEqual(traced.saturation, gateSaturation(here), 'the States view\'s saturation figure, scanned in the worker');
    const again = await pool.run(() => ({ request: { kind: 'trace', specId: parsed.specId! } }), signal);
    assert.ok(again && !again.ok && again.missing, 'the worker handed its copy to the first trace job');
    assert.equal(threads, 1, 'one thread for all three jobs');
  });

  it('a cancelled running job terminates the thread; the next job runs on a fresh one', async () => {
    const spec = parseSpec(text(256, 64, 300)).spec!;
    const cancel = new AbortController();
    const running = pool.run(() => ({ request: { kind: 'trace', spec } }), cancel.signal);
    setTimeout(() => cancel.abort(), 20);
    assert.equal(await running, undefined);
    assert.equal(threads, 3, 'a fresh thread and a spare for the next cancellation');
    const small = parseSpec(text(3, 2, 4)).spec!;
    const next = await pool.run(() => ({ request: { kind: 'trace', spec: small } }), new AbortController().signal);
    assert.ok(next?.ok && next.kind === 'trace');
    assert.equal(unpackTrace(next.trace).loss.L, computeTrace(small).loss.L);
    assert.equal(pool.generation, 2);
  });
});
