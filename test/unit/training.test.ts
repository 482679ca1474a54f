// Training against torch.optim (docs/training.md): the committed runs of
// scripts/golden/make_training.py (SGD with and without momentum, Adam, clip_grad_norm_ on and
// off, lstm / lstm_peephole / gru / rnn, textbook and PyTorch names, sum / mse / crossEntropy,
// samples, stacks) are replayed by the engine and compared to 1e-9: every loss L_0..L_50, every
// gradient norm g_0..g_49 and every final parameter. Spec cases go through parseSpec and the
// training adapter, and one also through the CLI; stack cases build the StackSpec directly.
// Plus the optimizer's own rules on hand-sized numbers, and cancellation.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../src/cli';
import { parseSpec } from '../../src/engine';
import { pytorchToStackParams } from '../../src/engine/framework';
import { clipGradients, createOptimizer, globalNorm } from '../../src/engine/optim';
import { train, trainedWeights, trainModelOf, type TrainModel } from '../../src/engine/train';
import { flat } from './helpers/stackGolden';

const DIR = path.join(__dirname, '..', 'fixtures', 'golden', 'training');
type Nested = number | Nested[];

interface TrainingCase {
  name: string;
  spec?: string;
  /** a spec for `lstm-stepper train` (a stack written as a spec, or a spec reading a model file) */
  cliSpec?: string;
  stack?: {
    cell: 'lstm' | 'gru'; numLayers: number; bidirectional: boolean; hiddenSize: number; inputSize: number;
    weights: Record<string, Nested>; h0: Nested; c0: Nested | null; head: { classes: number };
    samples: { T: number; inputs: Nested; loss: { kind: 'crossEntropy'; target: number } }[];
  };
  options: { steps: number; optimizer: 'sgd' | 'adam'; lr: number; momentum: number | null; clipNorm: number | null };
  expected: { loss: number[]; gradNorm: number[]; weights: Record<string, Nested> };
}

const cases: TrainingCase[] = fs.readdirSync(DIR).filter(f => f.endsWith('.training.json')).sort()
  .map(f => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as TrainingCase);

function modelOf(c: TrainingCase): TrainModel {
  if (c.spec) {
    const text = fs.readFileSync(path.join(DIR, c.spec), 'utf8');
    const { spec, issues } = parseSpec(text);
    assert.ok(spec, issues.map(i => i.message).join('\n'));
    return trainModelOf(spec);
  }
  const s = c.stack!;
  const config = { cell: s.cell, inputSize: s.inputSize, hiddenSize: s.hiddenSize, numLayers: s.numLayers, bidirectional: s.bidirectional };
  const tensors: Record<string, Float64Array> = {};
  for (const [name, value] of Object.entries(s.weights)) if (!name.startsWith('fc.')) tensors[name] = flat(value);
  const head = { classes: s.head.classes, weight: flat(s.weights['fc.weight']), bias: flat(s.weights['fc.bias']) };
  const h0 = flat(s.h0);
  return {
    spec: {
      params: pytorchToStackParams(config, tensors), h0, c0: s.c0 ? flat(s.c0) : new Float64Array(h0.length),
      samples: s.samples.map(sample => ({ T: sample.T, inputs: flat(sample.inputs), loss: { kind: 'crossEntropy', head, target: sample.loss.target } })),
    },
    naming: { kind: 'pytorch', prefix: '', tensors },
    headNames: { weight: 'fc.weight', bias: 'fc.bias' },
  };
}

function optionsOf(c: TrainingCase): Parameters<typeof train>[1] {
  const o = c.options;
  return {
    steps: o.steps,
    optimizer: o.optimizer === 'sgd' ? { kind: 'sgd', lr: o.lr, momentum: o.momentum ?? 0 } : { kind: 'adam', lr: o.lr },
    ...(o.clipNorm === null ? {} : { clipNorm: o.clipNorm }),
  };
}

/** Largest |a − b| / (1 + |b|) over two equally shaped nested values. */
function maxError(actual: Nested, expected: Nested, where: string): number {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    return Math.max(0, ...expected.map((e, k) => maxError(actual[k], e, `${where}[${k}]`)));
  }
  assert.equal(typeof actual, 'number', `${where}: expected a number`);
  return Math.abs((actual as number) - expected) / (1 + Math.abs(expected));
}

function compare(got: { loss: Nested; gradNorm: Nested; weights: Record<string, Nested> }, c: TrainingCase): void {
  assert.ok(maxError(got.loss, c.expected.loss, 'loss') < 1e-9, `loss differs by ${maxError(got.loss, c.expected.loss, 'loss')}`);
  assert.ok(maxError(got.gradNorm, c.expected.gradNorm, 'gradNorm') < 1e-9, `gradNorm differs by ${maxError(got.gradNorm, c.expected.gradNorm, 'gradNorm')}`);
  assert.deepEqual(Object.keys(got.weights).sort(), Object.keys(c.expected.weights).sort());
  for (const [name, value] of Object.entries(c.expected.weights)) {
    const err = maxError(got.weights[name], value, name);
    assert.ok(err < 1e-9, `${name} differs by ${err}`);
  }
}

describe('training against torch.optim (50 steps, float64, 1e-9)', () => {
  it('has at least 6 fixtures covering the optimizers, clipping, cells, losses and samples', () => {
    assert.ok(cases.length >= 6);
    const names = cases.map(c => c.name).join(' ');
    for (const word of ['lstm', 'gru', 'rnn', 'peephole', 'sum', 'mse', 'ce', 'samples', 'clip', 'momentum', 'adam', 'sgd']) assert.match(names, new RegExp(word));
  });

  for (const c of cases.filter(k => k.spec || k.stack)) {
    it(c.name, () => {
      const result = train(modelOf(c), optionsOf(c));
      assert.equal(result.stepsTaken, c.options.steps);
      compare({ loss: Array.from(result.loss), gradNorm: Array.from(result.gradNorm), weights: trainedWeights(result) }, c);
    });
  }

  // the CLI on a single-layer spec, on stacks written as specs (inline head: head.weight/head.bias)
  // and on a spec reading a model file (the file's names, its head fc)
  const cliCases = [...cases.filter(k => k.spec && k.options.clipNorm !== null && k.options.optimizer === 'sgd').slice(0, 1), ...cases.filter(k => k.cliSpec)];
  it('the CLI cases include a stack spec and a model-file spec', () => {
    assert.ok(cliCases.some(c => c.stack && c.cliSpec));
    assert.ok(cliCases.some(c => !c.stack && c.cliSpec));
  });
  for (const c of cliCases) {
    it(`the CLI's train --json agrees (${c.name}${c.cliSpec ? `, ${path.basename(c.cliSpec)}` : ''})`, () => {
      const o = c.options, out: string[] = [], err: string[] = [];
      const argv = ['train', path.join(DIR, c.cliSpec ?? c.spec!), '--steps', String(o.steps), '--optimizer', o.optimizer, '--lr', String(o.lr), '--json'];
      if (o.momentum) argv.push('--momentum', String(o.momentum));
      if (o.clipNorm !== null) argv.push('--clip-norm', String(o.clipNorm));
      assert.equal(run(argv, line => out.push(line), line => err.push(line)), 0, err.join('\n'));
      assert.deepEqual(err, []);
      const got = JSON.parse(out.join('\n')) as { loss: Nested; gradNorm: Nested; weights: Record<string, Nested> };
      // a stack written as a spec has an inline head, named head.weight / head.bias
      const expected = c.stack ? { ...c, expected: { ...c.expected, weights: Object.fromEntries(Object.entries(c.expected.weights).map(([k, v]) => [k.replace(/^fc\./, 'head.'), v])) } } : c;
      compare(got, expected);
    });
  }
});

describe('optimizer rules', () => {
  it('SGD with momentum: the buffer starts as the first gradient, then μ·buf + g', () => {
    const opt = createOptimizer({ kind: 'sgd', lr: 0.5, momentum: 0.9 }, 1);
    const theta = Float64Array.of(1);
    opt.step(theta, Float64Array.of(2)); // buf = 2, theta = 1 − 1 = 0
    assert.equal(theta[0], 0);
    opt.step(theta, Float64Array.of(1)); // buf = 1.8 + 1 = 2.8, theta = −1.4
    assert.ok(Math.abs(theta[0] + 1.4) < 1e-15);
  });

  it('Adam: the first step moves every parameter by about lr, whatever the gradient scale', () => {
    const opt = createOptimizer({ kind: 'adam', lr: 0.01 }, 2);
    const theta = Float64Array.of(0, 0);
    opt.step(theta, Float64Array.of(1e-3, 1e3));
    // m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε): −0.01 up to ε
    assert.ok(Math.abs(theta[0] + 0.01) < 1e-6 && Math.abs(theta[1] + 0.01) < 1e-12);
  });

  it('clip_grad_norm_: scales by C/(‖g‖ + 1e-6) only when that is below 1; the norm is over all tensors', () => {
    const g = Float64Array.of(3, 4, 12);
    const norm = globalNorm(g, [{ offset: 0, length: 2 }, { offset: 2, length: 1 }]);
    assert.equal(norm, 13);
    assert.equal(clipGradients(g, norm, 26), 1);
    assert.deepEqual(Array.from(g), [3, 4, 12]);
    const coef = clipGradients(g, norm, 6.5);
    assert.equal(coef, 6.5 / (13 + 1e-6));
    assert.equal(g[2], 12 * coef);
  });

  it('stops between steps when asked, and reports progress after each', () => {
    const c = cases.find(k => k.spec)!;
    const seen: number[] = [];
    const result = train(modelOf(c), { ...optionsOf(c), shouldStop: () => seen.length >= 3, onProgress: p => seen.push(p.step) });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(result.stepsTaken, 3);
    assert.ok(result.stopped);
    assert.equal(result.loss.length, 4);
    assert.equal(result.gradNorm.length, 3);
    for (let k = 0; k < 4; k++) assert.ok(Math.abs(result.loss[k] - c.expected.loss[k]) < 1e-9 * (1 + Math.abs(c.expected.loss[k])));
  });

  it('does not change the model it was given', () => {
    const c = cases.find(k => k.spec)!;
    const model = modelOf(c);
    const before = Array.from(Object.values(model.spec.params.entries[0])[0]);
    train(model, optionsOf(c));
    assert.deepEqual(Array.from(Object.values(model.spec.params.entries[0])[0]), before);
  });
});

describe('CLI train: errors', () => {
  const seed = path.join(__dirname, '..', '..', 'examples', 'this-movie-is-good.lstm.json');
  const call = (...argv: string[]): { code: number; out: string[]; err: string[] } => {
    const out: string[] = [], err: string[] = [];
    return { code: run(['train', ...argv], line => out.push(line), line => err.push(line)), out, err };
  };

  for (const [label, argv] of [
    ['no --steps', [seed]],
    ['a negative step count', [seed, '--steps', '-1']],
    ['an unknown optimizer', [seed, '--steps', '2', '--optimizer', 'rmsprop']],
    ['--momentum with adam', [seed, '--steps', '2', '--optimizer', 'adam', '--momentum', '0.9']],
    ['a zero clip norm', [seed, '--steps', '2', '--clip-norm', '0']],
    ['an unknown option', [seed, '--steps', '2', '--nesterov']],
    ['no spec', ['--steps', '2']],
  ] as const) {
    it(`${label}: exit 2 with the usage`, () => {
      const { code, out, err } = call(...argv);
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      assert.match(err.join('\n'), /Usage:/);
    });
  }

  it('prints L_0..L_N and g_0..g_{N-1}, one row per step', () => {
    const { code, out } = call(seed, '--steps', '3');
    assert.equal(code, 0);
    assert.equal(out.length, 2 + 4);
    assert.match(out[2], /^0 +0\.968151/);
    assert.match(out[5], /^3 +\S+ +-$/);
  });

  it('a bad spec or a bad sample: exit 1, file:line:column on stderr', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-train-'));
    const bad = path.join(dir, 'bad.lstm.json');
    fs.writeFileSync(bad, '{\n  "inputSize": 1, "hiddenSize": 1, "init": {"seed": 1},\n  "inputs": [[1], [2, 3]]\n}\n');
    let result = call(bad, '--steps', '1');
    assert.equal(result.code, 1);
    assert.match(result.err.join('\n'), /bad\.lstm\.json:3:\d+: inputs\[1\]/);
    fs.writeFileSync(bad, '{\n  "inputSize": 1, "hiddenSize": 1, "init": {"seed": 1}, "inputs": [[1]],\n  "loss": {"kind": "mse", "target": [0]},\n  "samples": [{"inputs": [[1]], "target": [0]}, {"inputs": [[1]]}]\n}\n');
    result = call(bad, '--steps', '1');
    assert.equal(result.code, 1);
    assert.match(result.err.join('\n'), /bad\.lstm\.json:4:\d+: samples\[1\]\.target: missing/);
    fs.rmSync(dir, { recursive: true });
  });
});
