// Training speed (docs/training.md), part of `npm run bench`: optimizer steps per second (one
// step = forward + BPTT over every sample, the global norm, clipping and an Adam update) for an
// LSTM at (H, I, T, samples) = (32, 4, 50, 32) and (128, 64, 100, 8), with init weights (seed 1,
// scale 0.1, forget bias 1), deterministic inputs and an mse loss per sample. The training
// engine is bundled from src/engine/train.ts into out/bench/train.cjs, so this runs the code
// the CLI runs. Prints one line per size, and one JSON line with every figure.
// Usage: node scripts/benchTrain.mjs [--steps N]
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watPlugin } from './wat.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outfile = path.join(root, 'out/bench/train.cjs');
await esbuild.build({
  stdin: { contents: "export * from './src/engine/train'; export { initWeights } from './src/engine/init';", resolveDir: root, loader: 'ts' },
  outfile, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', mainFields: ['module', 'main'], logLevel: 'warning', plugins: [watPlugin],
});
const { train, initWeights } = createRequire(import.meta.url)(outfile);
const argSteps = process.argv.indexOf('--steps');
const STEPS = argSteps > 0 ? Number(process.argv[argSteps + 1]) : 0;

function model(H, I, T, count) {
  const params = initWeights('lstm', H, I, { seed: 1, scale: 0.1, forgetBias: 1 });
  let state = 12345;
  const next = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state / 2 ** 31 - 1; };
  const samples = Array.from({ length: count }, () => {
    const inputs = Float64Array.from({ length: T * I }, next);
    return { T, inputs, loss: { kind: 'mse', target: Float64Array.from({ length: H }, () => 0.5 * next()) } };
  });
  return {
    spec: { params: { cell: 'lstm', inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, entries: [params] }, h0: new Float64Array(H), c0: new Float64Array(H), samples },
    naming: { kind: 'textbook' },
  };
}

const results = [];
console.log('training bench: Adam steps per second (forward + BPTT over all samples, norm, clip, update)');
for (const [H, I, T, count] of [[32, 4, 50, 32], [128, 64, 100, 8]]) {
  const m = model(H, I, T, count);
  train(m, { steps: 2, optimizer: { kind: 'adam', lr: 1e-3 }, clipNorm: 1 }); // warm-up
  // enough steps for about a second, measured on one step first
  let start = performance.now();
  train(m, { steps: 1, optimizer: { kind: 'adam', lr: 1e-3 }, clipNorm: 1 });
  const steps = STEPS || Math.max(3, Math.min(200, Math.round(1000 / (performance.now() - start))));
  start = performance.now();
  train(m, { steps, optimizer: { kind: 'adam', lr: 1e-3 }, clipNorm: 1 });
  const seconds = (performance.now() - start) / 1000;
  const stepsPerSecond = steps / seconds;
  results.push({ H, I, T, samples: count, steps, seconds: Number(seconds.toFixed(3)), stepsPerSecond: Number(stepsPerSecond.toPrecision(4)) });
  console.log(`  H=${H} I=${I} T=${T} samples=${count}: ${stepsPerSecond.toPrecision(4)} steps/s (${steps} steps in ${seconds.toFixed(2)} s)`);
}
console.log(JSON.stringify({ trainingBench: results }));
