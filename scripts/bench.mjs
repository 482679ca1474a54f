// `npm run bench`: the engine's speed and memory, outside the unit tests. For each size it
// times forward + full BPTT (computeTrace, no file or JSON work) after a warm-up, interleaving
// the runs of the two kernel back ends (WebAssembly SIMD and JavaScript, src/engine/kernels.ts)
// and, when /usr/bin/python3 has PyTorch, of PyTorch nn.LSTM in float64 on one thread
// (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1; forward + backward of h_T.sum() with
// gradients on the weights, the inputs, h0 and c0) in a child process answering one run per
// request, so all three see the same machine load. It prints medians and fastest runs, GFLOP/s with
// FLOPs = 3·2·4H(H+I)·T (an LSTM) and the ratio engine/PyTorch; it installs nothing and says
// what it skipped. Then it measures the retained trace of (H, I, T) = (512, 256, 1000), computed
// here and as the extension host receives it from the worker: the real heap growth (V8 heap +
// array buffers, after a forced GC) when stored; with the panel open (heatmap snapshot) and a
// step shown (rows only); with every lazy field read and held; and after reading them and
// dropping the references (the lazy fields are cached weakly, src/engine/lazyFields.ts), against
// the 80 MB limit. The engine is bundled
// from src/engine/index.ts into out/bench/engine.cjs first (the .wat kernels assembled as in
// the build), so this runs the same code the extension runs.
// Then, unless --engine-only, the benchmarks in the real VS Code host (code-server): activation,
// Step update and edit cost in the extension host (test/integration/hostBench.bench.ts), the Step
// latency a user sees in the workbench (test/e2e/extension.e2e.mjs with LSTM_BENCH=1), and the
// chart panel at T = 1000, H = 512 (scripts/benchChartPanel.mjs). Each prints its figures.
// Then (unless --one-core) the engine on one core against two (benchTwoCores), with PyTorch.
// --memory-only prints the memory figures alone (no speed runs, no host benches, no training).
// The spec parse a worker does for a large text is timed too, strict JSON against JSONC
// (benchParse); --parse-only prints that alone.
// Usage: node scripts/bench.mjs [--runs N] [--quick] [--engine-only] [--no-torch] [--one-core] [--memory-only] [--parse-only]
import * as esbuild from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import { watPlugin } from './wat.mjs';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outfile = path.join(root, 'out/bench/engine.cjs');
await esbuild.build({
  entryPoints: [path.join(root, 'src/engine/index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs',
  target: 'es2022', mainFields: ['module', 'main'], logLevel: 'warning', plugins: [watPlugin],
});
const engine = createRequire(import.meta.url)(outfile);

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 5;
const quick = process.argv.includes('--quick');
const memoryOnly = process.argv.includes('--memory-only');

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

// PyTorch in a child process: one line "H I T" in, one line with the run's milliseconds out.
const TORCH_SERVER = `
import sys, time
try:
    import torch
except Exception as e:
    print("skip no torch (" + type(e).__name__ + ": " + str(e).splitlines()[0] + ")", flush=True)
    sys.exit(0)
torch.set_num_threads(1)
torch.manual_seed(0)
torch.zeros(64, 64, dtype=torch.float64) @ torch.zeros(64, 64, dtype=torch.float64)
blas = sorted({l.split()[-1].rsplit('/', 1)[-1] for l in open('/proc/self/maps') if 'blas' in l.lower()})
print("ready torch " + torch.__version__ + ", threads " + str(torch.get_num_threads()) + ", BLAS " + (",".join(blas) or "built in"), flush=True)
models = {}
for line in sys.stdin:
    H, I, T = map(int, line.split())
    if (H, I, T) not in models:
        g = torch.Generator().manual_seed(1)
        lstm = torch.nn.LSTM(I, H).double()
        x = (torch.rand(T, 1, I, dtype=torch.float64, generator=g) * 2 - 1).requires_grad_(True)
        h0 = torch.zeros(1, 1, H, dtype=torch.float64, requires_grad=True)
        c0 = torch.zeros(1, 1, H, dtype=torch.float64, requires_grad=True)
        models[(H, I, T)] = (lstm, x, h0, c0)
    lstm, x, h0, c0 = models[(H, I, T)]
    for p in (*lstm.parameters(), x, h0, c0):
        p.grad = None
    start = time.perf_counter()
    out, (hn, cn) = lstm(x, (h0, c0))
    hn.sum().backward()
    print("%.4f" % ((time.perf_counter() - start) * 1000), flush=True)
`;

/** The PyTorch runner, or undefined with the reason printed. */
async function startTorch() {
  if (process.argv.includes('--no-torch')) return skipTorch('--no-torch');
  if (!fs.existsSync('/usr/bin/python3')) return skipTorch('no /usr/bin/python3');
  const child = spawn('/usr/bin/python3', ['-c', TORCH_SERVER], {
    stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the PyTorch process ended');
    return value;
  };
  const first = await next().catch(error => `skip ${error.message}`);
  if (!first.startsWith('ready')) {
    child.kill();
    return skipTorch(first.replace(/^skip /, ''));
  }
  console.log(`PyTorch: ${first.slice('ready '.length)}`);
  return {
    async run(H, I, T) {
      child.stdin.write(`${H} ${I} ${T}\n`);
      return Number(await next());
    },
    close() { child.stdin.end(); },
  };
}
function skipTorch(reason) {
  console.log(`PyTorch comparison skipped: ${reason}`);
  return undefined;
}

/** One engine run on a back end, in ms. */
function engineRun(backend, spec) {
  engine.setKernelBackend(backend);
  const start = performance.now();
  engine.computeTrace(spec);
  return performance.now() - start;
}

if (!memoryOnly && !process.argv.includes('--parse-only')) await benchSpeed();

// ---- forward + BPTT against PyTorch, then one core against two ----
async function benchSpeed() {
  const backends = ['wasm', 'js'];
  if (engine.setKernelBackend('wasm') !== 'wasm') {
    console.log('WebAssembly SIMD kernels unavailable here: skipping the wasm column');
    backends.shift();
  }
  const torch = await startTorch();
  console.log(`engine bench: forward + BPTT (computeTrace), median of ${RUNS} interleaved runs after warm-up, FLOPs = 3*2*4H(H+I)*T`);
  console.log('each column: median ms (fastest run ms), GFLOP/s of the median; ratios: median/median (fastest/fastest)');
  const head = ['(H,I,T)'.padEnd(16), ...backends.map(b => `${b} ms`.padStart(19) + '  GF/s'), ...(torch ? ['torch ms'.padStart(19), ...backends.map(b => `${b}/torch`.padStart(13))] : [])];
  console.log(head.join('  '));
  const sizes = quick ? [[32, 16, 100], [256, 128, 500]] : [[32, 16, 100], [128, 64, 200], [256, 128, 500], [512, 256, 100], [512, 256, 1000]];
  for (const [H, I, T] of sizes) {
    const spec = lstmSpec(H, I, T);
    // warm up until V8 has optimised the kernels: small sizes need many calls, large ones one
    for (const backend of backends) {
      for (let warm = 0, spent = 0; warm < 30 && (warm < 2 || spent < 300); warm++) spent += engineRun(backend, spec);
    }
    if (torch) for (let warm = 0, spent = 0; warm < 30 && (warm < 2 || spent < 300); warm++) spent += await torch.run(H, I, T);
    const times = Object.fromEntries([...backends, 'torch'].map(b => [b, []]));
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? backends : [...backends].reverse();
      for (const backend of order) {
        gc();
        times[backend].push(engineRun(backend, spec));
      }
      if (torch) times.torch.push(await torch.run(H, I, T));
    }
    const flops = 3 * 2 * 4 * H * (H + I) * T;
    const cells = [`(${H},${I},${T})`.padEnd(16)];
    const fastest = values => Math.min(...values);
    const msCell = values => `${median(values).toFixed(2)} (${fastest(values).toFixed(2)})`.padStart(19);
    for (const backend of backends) cells.push(msCell(times[backend]) + (flops / (median(times[backend]) * 1e6)).toFixed(2).padStart(6));
    if (torch) {
      cells.push(msCell(times.torch));
      for (const backend of backends) {
        cells.push(`${(median(times[backend]) / median(times.torch)).toFixed(2)} (${(fastest(times[backend]) / fastest(times.torch)).toFixed(2)})`.padStart(13));
      }
    }
    console.log(cells.join('  '));
  }
  torch?.close();
  engine.setKernelBackend('wasm');
  if (!process.argv.includes('--one-core')) await benchTwoCores();
}

// ---- one core against two (src/engine/parallel.ts, src/parallelHost.ts) ----
/**
 * The engine (WebAssembly kernels) on one core and with its second core (a helper thread that
 * computes half the rows of the products that do not depend on the recurrence), interleaved with
 * PyTorch f64 on one thread, at the issue's target sizes. Its own bundle: the engine and the
 * edge that starts the helper must share one copy of the kernels' state.
 */
async function benchTwoCores() {
  const dir = path.join(root, 'out/bench');
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'es2022', mainFields: ['module', 'main'], logLevel: 'warning', plugins: [watPlugin] };
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/parallelWorker.ts')], outfile: path.join(dir, 'parallelWorker.js') });
  await esbuild.build({
    ...common, outfile: path.join(dir, 'twoCores.cjs'),
    stdin: { resolveDir: root, loader: 'ts', contents: "export * from './src/engine/index.ts'; export * from './src/parallelHost.ts'; export { parallelGemm, setParallelGemm } from './src/engine/kernels.ts';" },
  });
  const two = createRequire(import.meta.url)(path.join(dir, 'twoCores.cjs'));
  const started = two.startSecondCore();
  if (!started.started || !(await started.ready)) {
    console.log('\ntwo cores: skipped (no SharedArrayBuffer or worker threads here)');
    return;
  }
  const gemm = two.parallelGemm();
  const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const torchTwo = await startTorch();
  console.log(`\none core against two (${two.availableCores()} cores; load average ${load()}): forward + BPTT, wasm kernels, median of ${RUNS} interleaved runs (fastest)`);
  console.log(['(H,I,T)'.padEnd(16), '1 core ms'.padStart(19), '2 cores ms'.padStart(19), '1/2'.padStart(13), 'helper rows',
    ...(torchTwo ? ['torch ms'.padStart(19), '1 core/torch'.padStart(13), '2 cores/torch'.padStart(13)] : [])].join('  '));
  const fastest = values => Math.min(...values);
  const msCell = values => `${median(values).toFixed(2)} (${fastest(values).toFixed(2)})`.padStart(19);
  const ratioCell = (a, b) => `${(median(a) / median(b)).toFixed(2)} (${(fastest(a) / fastest(b)).toFixed(2)})`.padStart(13);
  const sizes2 = quick ? [[256, 128, 500]] : [[128, 64, 200], [256, 128, 500], [512, 256, 100], [512, 256, 1000]];
  for (const [H, I, T] of sizes2) {
    const spec = lstmSpec(H, I, T);
    const timed = cores => {
      two.setParallelGemm(cores === 2 ? gemm : null);
      const start = performance.now();
      two.computeTrace(spec);
      return performance.now() - start;
    };
    for (const cores of [1, 2]) for (let warm = 0, spent = 0; warm < 30 && (warm < 2 || spent < 300); warm++) spent += timed(cores);
    if (torchTwo) for (let warm = 0, spent = 0; warm < 30 && (warm < 2 || spent < 300); warm++) spent += await torchTwo.run(H, I, T);
    const times = { 1: [], 2: [], torch: [] };
    const before = two.secondCoreStats();
    for (let r = 0; r < RUNS; r++) {
      for (const cores of r % 2 === 0 ? [1, 2] : [2, 1]) {
        gc();
        times[cores].push(timed(cores));
      }
      if (torchTwo) times.torch.push(await torchTwo.run(H, I, T));
    }
    const after = two.secondCoreStats();
    // undefined: the helper stopped answering and the engine went back to one core
    const share = (after && before ? `${((100 * (after.helperBlocks - before.helperBlocks)) / Math.max(1, after.blocks - before.blocks)).toFixed(0)}%` : 'retired').padStart(11);
    const cells = [`(${H},${I},${T})`.padEnd(16), msCell(times[1]), msCell(times[2]), ratioCell(times[1], times[2]), share];
    if (torchTwo) cells.push(msCell(times.torch), ratioCell(times[1], times.torch), ratioCell(times[2], times.torch));
    console.log(cells.join('  '));
  }
  console.log(`  (helper rows: the share of the split products' row blocks the helper computed; load average now ${load()})`);
  torchTwo?.close();
  two.stopSecondCore();
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

/** The lazy fields of a trace: the accessors of its forward and pathDecay records (every layer view's for a stack), as [record, name]. */
function lazyFields(trace) {
  const fields = [];
  const views = trace.stack ? trace.stack.layers.map(layer => layer.trace) : [trace];
  const records = new Set(views.flatMap(view => [view.forward, view.pathDecay ?? {}]));
  for (const record of records) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(record))) {
      if (typeof descriptor.get === 'function') fields.push([record, name]);
    }
  }
  return fields;
}

// after a turn of the event loop: a WeakRef's target (the lazy fields' caches, and the
// WebAssembly kernels' last gemv matrix) stays alive until the current job ends, as in the
// extension host between messages
const heapNow = async () => {
  await new Promise(resolve => setTimeout(resolve, 0));
  gc(); gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

// The views' side of the Step path and the panel, bundled with their own copy of the engine
// (one bundle, so the trace and the views share the lazy fields' bookkeeping): the heatmap
// snapshot (reads a whole field), the step's payload and the tree's rows (rows only).
const viewsOut = path.join(root, 'out/bench/views.cjs');
await esbuild.build({
  outfile: viewsOut, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', mainFields: ['module', 'main'], logLevel: 'warning', plugins: [watPlugin],
  stdin: {
    resolveDir: root, loader: 'ts',
    contents: "export { computeTrace } from './src/engine/trace.ts'; export { parseSpec } from './src/engine/spec/index.ts'; export { scanInputRowEnds } from './src/views/specTree.ts'; export { buildSnapshot, buildStepDetail } from './src/views/chartSnapshot.ts'; export { fieldRow, unitEquation, FORWARD_FIELDS, backwardFields } from './src/views/traceFields.ts'; export { packTrace, unpackTrace } from './src/engine/traceTransfer.ts';",
  },
});
const views = createRequire(import.meta.url)(viewsOut);
const MB = n => (n / 1e6).toFixed(1);

/**
 * The parse the trace worker does for a large spec (src/traceWorker.ts): parseSpec with the
 * text's shape, then the input rows scan, for the UI bench's (512, 256, 1000) specs (init weights,
 * 1.8 MB; every weight written out, 12 MB). The text as it is (strict JSON: JSON.parse first,
 * src/engine/spec/strictJson.ts) against the same text with a comment appended (JSONC: jsonc-parser,
 * the path every text took before), interleaved, median of RUNS.
 */
async function benchParse() {
  const { makeScaleSpec } = await import('./bench/makeScaleSpec.mjs');
  console.log(`\nspec parse as the worker does it (parseSpec + input rows scan), (512, 256, 1000), median of ${RUNS}:`);
  for (const weights of [false, true]) {
    const { text } = makeScaleSpec({ H: 512, I: 256, T: 1000, name: 'parse bench', weights });
    const jsonc = text + '\n// a comment: jsonc-parser reads it';
    const once = source => {
      const started = performance.now();
      const parsed = views.parseSpec(source, { textShape: true });
      const parseMs = performance.now() - started;
      views.scanInputRowEnds(source, { strictJson: parsed.strictJson });
      if (!parsed.spec) throw new Error(`the parse bench's spec did not parse: ${parsed.issues[0]?.message}`);
      return { parseMs, totalMs: performance.now() - started, strict: parsed.strictJson };
    };
    once(text); once(jsonc); // warm-up
    const strict = [], old = [];
    for (let r = 0; r < RUNS; r++) { strict.push(once(text)); old.push(once(jsonc)); }
    if (!strict[0].strict || old[0].strict) throw new Error('the parse bench did not take the two paths');
    const fmt = runs => `parse ${median(runs.map(x => x.parseMs)).toFixed(0)} ms, with the rows scan ${median(runs.map(x => x.totalMs)).toFixed(0)} ms`;
    console.log(`  ${MB(text.length)} MB (${weights ? 'every weight written out' : 'init weights'}): strict JSON ${fmt(strict)}; as JSONC ${fmt(old)}`);
  }
}
if (!memoryOnly) await benchParse();
if (process.argv.includes('--parse-only')) process.exit(0);
const MEMORY_SIZE = [512, 256, 1000];

/**
 * The realistic case: the panel is open on the heatmap of f (its snapshot built and kept, the
 * whole field read once) and a step is shown (the step's payload, every row the tree and the
 * hovers print, and one unit's equations), at the middle of the backward pass.
 */
function panelAndStep(trace) {
  const t = Math.ceil(trace.T / 2);
  const cursor = { phase: 'backward', t };
  const view = { gateView: 'heatmap', heatmapField: 'f', units: [0, 1, 2, 3], equationUnit: 0 };
  const snapshot = views.buildSnapshot({ trace, cursor, view, fileName: 'bench.lstm.json' });
  const detail = views.buildStepDetail(trace, cursor, snapshot.view);
  const keys = [...views.FORWARD_FIELDS[trace.cell].map(f => f.key), ...views.backwardFields(trace.cell).map(f => f.key)];
  const rows = keys.map(key => views.fieldRow(trace, key, t));
  const equations = keys.map(key => views.unitEquation(trace, key, t, 0, 4));
  return { snapshot, detail, rows, equations };
}

/**
 * The four figures of one trace, as heap growth over `before`: stored; the panel open and a step
 * shown (the realistic case, first, on a trace whose lazy fields nobody has read yet); every lazy
 * field read and held; and retained after reading them and dropping the references.
 */
async function memoryFigures(trace, before) {
  const fields = lazyFields(trace);
  const names = fields.map(([, name]) => name);
  const stored = (await heapNow()) - before;
  const panel = await growthHolding(() => panelAndStep(trace), before);
  const held = await growthHolding(() => fields.map(([record, name]) => record[name]), before);
  const dropped = (await heapNow()) - before;
  return { stored, held, dropped, panel, names };
}

/** Heap growth over `before` while what `make` returns is held; dropped afterwards. */
async function growthHolding(make, before) {
  const holder = { value: make() };
  const growth = (await heapNow()) - before;
  holder.value = undefined;
  return growth;
}

function printFigures(title, figures, extra = '', limit = ', limit 80 MB') {
  console.log(`${title}${extra}${limit}:`);
  console.log(`  stored ${MB(figures.stored)} MB; panel open (heatmap of f) and a step shown ${MB(figures.panel)} MB`);
  console.log(`  every lazy field (${[...new Set(figures.names)].join(', ')}; ${figures.names.length} in all) read and held ${MB(figures.held)} MB; retained after reading them and dropping the references (gc) ${MB(figures.dropped)} MB`);
}

{
  const [H, I, T] = MEMORY_SIZE;
  const spec = lstmSpec(H, I, T);
  const before = await heapNow();
  const start = performance.now();
  let trace = views.computeTrace(spec);
  const ms = performance.now() - start;
  const bytes = bufferBytes(trace);
  const figures = await memoryFigures(trace, before);
  printFigures(`retained trace (H,I,T)=(${H},${I},${T}) [${ms.toFixed(0)} ms], heap growth`, figures, ` (stored buffer sum ${MB(bytes)} MB)`);
  trace = undefined;
}

// A stack: two bidirectional LSTM layers (four layer views, each with its own gates and path
// product) at (256, 128, 500), the same four figures; the panel and the step show layer 0.
{
  const [H, I, T] = [256, 128, 500];
  const inputs = lstmSpec(H, I, T).inputs;
  const rows = Array.from({ length: T }, (_, t) => Array.from(inputs.subarray(t * I, (t + 1) * I)));
  const text = JSON.stringify({ cell: 'lstm', inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, init: { seed: 1, scale: 0.1, forgetBias: 1 }, inputs: rows });
  const { spec, issues } = views.parseSpec(text);
  if (!spec) throw new Error(`bench: the stack spec does not parse: ${issues.map(issue => issue.message).join('; ')}`);
  const before = await heapNow();
  let trace = views.computeTrace(spec);
  const figures = await memoryFigures(trace, before);
  printFigures(`stack trace (L=2, bidirectional, H,I,T)=(${H},${I},${T}), heap growth`, figures, '', ' (no limit set)');
  trace = undefined;
}

// What the extension host keeps for an open spec at (512, 256, 1000) whose trace came from the
// worker: the trace packed there (lazy gate fields left out), moved through a MessageChannel
// with its buffers transferred (as worker_threads does), unpacked with its lazy fields
// re-attached; the same four figures as above, counted from before the packed trace arrived
// (its transferred buffers included). A copy made on the way (a buffer cloned instead of
// transferred) shows here as extra growth.
async function hostRetainedMemory() {
  const { MessageChannel } = await import('node:worker_threads');
  const [H, I, T] = MEMORY_SIZE;
  let spec = lstmSpec(H, I, T);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise(resolve => port2.once('message', resolve));
  {
    const { plain, buffers } = views.packTrace(views.computeTrace(spec));
    port1.postMessage(plain, buffers);
  }
  let packed = await received;
  port1.close(); port2.close();
  // the packed trace's buffers were allocated before `before`: add them back
  const arrivedBytes = bufferBytes(packed.trace);
  const before = (await heapNow()) - arrivedBytes;
  let trace = views.unpackTrace(packed);
  packed = undefined;
  const figures = await memoryFigures(trace, before);
  const specBytes = Object.values(spec.params).reduce((n, a) => n + a.byteLength, 0) + spec.inputs.byteLength + spec.h0.byteLength + spec.c0.byteLength;
  printFigures(`host-side trace from the worker (H,I,T)=(${H},${I},${T}), heap growth`, figures, ` (the session's spec adds ${MB(specBytes)} MB)`);
  trace = undefined; spec = undefined;
}
await hostRetainedMemory();
if (memoryOnly) process.exit(0);

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
