// `npm run bench`: the engine's speed and memory, outside the unit tests. For each size it
// times forward + full BPTT (computeTrace, no file or JSON work) as the median of 5 runs after
// a warm-up, and prints GFLOP/s with FLOPs = 3·2·4H(H+I)·T (an LSTM). Then it measures the
// retained trace of (H, I, T) = (512, 256, 1000): the real heap growth (V8 heap + array
// buffers, after a forced GC) and the byte sum of the trace's distinct buffers, before and after
// reading the lazily computed fields. The engine is bundled from src/engine/index.ts into
// out/bench/engine.cjs first, so this runs the same code the extension runs.
// Then, unless --engine-only, the benchmarks in the real VS Code host (code-server): activation,
// Step update and edit cost in the extension host (test/integration/hostBench.bench.ts), the Step
// latency a user sees in the workbench (test/e2e/extension.e2e.mjs with LSTM_BENCH=1), and the
// chart panel at T = 1000, H = 512 (scripts/benchChartPanel.mjs). Each prints its figures.
// Usage: node scripts/bench.mjs [--runs N] [--quick] [--engine-only]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outfile = path.join(root, 'out/bench/engine.cjs');
await esbuild.build({
  entryPoints: [path.join(root, 'src/engine/index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs',
  target: 'es2022', mainFields: ['module', 'main'], logLevel: 'warning',
});
const engine = createRequire(import.meta.url)(outfile);

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 5;
const quick = process.argv.includes('--quick');

/** A deterministic LSTM spec: init weights (seed 1, scale 0.1, forgetBias 1), inputs in [-1, 1]. */
function lstmSpec(H, I, T) {
  const params = engine.initWeights('lstm', H, I, { seed: 1, scale: 0.1, forgetBias: 1 });
  const inputs = new Float64Array(T * I);
  let state = 12345;
  for (let k = 0; k < inputs.length; k++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    inputs[k] = state / 2 ** 31 - 1;
  }
  return { cell: 'lstm', inputSize: I, hiddenSize: H, T, params, h0: new Float64Array(H), c0: new Float64Array(H), inputs, loss: { kind: 'sum' } };
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`engine bench: forward + BPTT (computeTrace), median of ${RUNS} runs, FLOPs = 3*2*4H(H+I)*T`);
const sizes = quick ? [[32, 16, 100], [256, 128, 500]] : [[32, 16, 100], [128, 64, 200], [256, 128, 500], [512, 256, 100]];
for (const [H, I, T] of sizes) {
  const spec = lstmSpec(H, I, T);
  // warm up until V8 has optimised the kernels: small sizes need many calls, large ones one
  for (let warm = 0, spent = 0; warm < 30 && (warm < 1 || spent < 300); warm++) {
    const start = performance.now();
    engine.computeTrace(spec);
    spent += performance.now() - start;
  }
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    gc();
    const start = performance.now();
    engine.computeTrace(spec);
    runs.push(performance.now() - start);
  }
  const ms = median(runs);
  const gflops = (3 * 2 * 4 * H * (H + I) * T) / (ms * 1e6);
  const target = H === 256 && I === 128 && T === 500 ? (gflops >= 2.5 ? '  (target >= 2.5: met)' : '  (target >= 2.5: NOT met)') : '';
  console.log(`(H,I,T)=(${H},${I},${T})`.padEnd(20) + `${ms.toFixed(2).padStart(9)} ms  ${gflops.toFixed(2).padStart(6)} GFLOP/s   runs: ${runs.map(v => v.toFixed(1)).join(' ')}${target}`);
}

/** Sum of byteLength over the distinct buffers of a trace; lazy getters are not triggered. */
function bufferBytes(trace) {
  const buffers = new Set();
  const visit = value => {
    if (ArrayBuffer.isView(value)) buffers.add(value.buffer);
    else if (value && typeof value === 'object') {
      for (const descriptor of Object.values(Object.getOwnPropertyDescriptors(value))) {
        if ('value' in descriptor) visit(descriptor.value);
      }
    }
  };
  visit(trace);
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}

const heapNow = () => {
  gc(); gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

{
  const [H, I, T] = [512, 256, 1000];
  const spec = lstmSpec(H, I, T);
  const before = heapNow();
  const start = performance.now();
  let trace = engine.computeTrace(spec);
  const ms = performance.now() - start;
  const retained = heapNow() - before;
  const bytes = bufferBytes(trace);
  const MB = n => (n / 1e6).toFixed(1);
  console.log(`retained trace (H,I,T)=(${H},${I},${T}) [${ms.toFixed(0)} ms]: heap growth ${MB(retained)} MB, buffer sum ${MB(bytes)} MB (limit 80 MB)`);
  for (const field of Object.keys(trace.forward)) void trace.forward[field];
  if (trace.pathDecay) void Object.values(trace.pathDecay);
  const readAll = heapNow() - before;
  console.log(`  after reading the lazy fields (f, i, g, o, forgetProduct): heap growth ${MB(readAll)} MB, buffer sum ${MB(bufferBytes(trace))} MB`);
  trace = undefined;
}

if (!process.argv.includes('--engine-only')) {
  const run = (title, args, env = {}) => {
    console.log(`\n${title}`);
    try {
      execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    } catch {
      console.log(`  (${title}: the run failed, see above)`);
    }
  };
  run('extension host bench (activation < 100 ms, Step update < 30 ms at (64,32,100))', ['test/runIntegration.mjs', '--bench']);
  run('workbench bench: the chart panel at T = 1000, H = 512 (first draw < 200 ms)', ['scripts/benchChartPanel.mjs']);
  run('workbench bench: Step latency seen in the UI at (64,32,100)', ['test/runE2E.mjs', '--no-package', '--grep', 'bench', 'extension'], { LSTM_BENCH: '1' });
}
execFileSync(process.execPath, [path.join(root, 'scripts/benchTrain.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }); // training steps per second (scripts/benchTrain.mjs)
