// The history "LSTM: Train…" keeps (src/views/trainHistory.ts): θ_k after k updates (θ_0 = the
// spec's), the loss and gradient-norm curves, per-gate means and the mean forget bias at every
// training step, a stride that bounds the memory, and specWithTheta (the spec with θ_k, the
// session's model override). References are independent of the recorder: a separate train()
// of k steps for θ_k (train() itself is checked against torch.optim in training.test.ts), and
// the single-layer trace engine (computeTrace) with a naive mean for the gate summaries.
// Also the prompts' validation messages (src/views/trainSettings.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';
import { parameterSet, train, trainModelOf } from '../../src/engine/train';
import type { Spec } from '../../src/engine/types';
import { frameworkGradsFor } from '../../src/views/frameworkGrads';
import { TrainRecorder, historyStride, nearestKept, specWithTheta, thetaAt, type TrainSettings } from '../../src/views/trainHistory';
import { clipNormProblem, learningRateProblem, momentumProblem, rememberedSettings, settingsLabel, stepsProblem } from '../../src/views/trainSettings';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function example(name: string): Spec {
  const parsed = parseSpec(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));
  assert.ok(parsed.spec, JSON.stringify(parsed.issues));
  return parsed.spec;
}

const ADAM: TrainSettings = { optimizer: 'adam', lr: 0.05, momentum: 0, steps: 12 };
const optimizerOf = (s: TrainSettings) => (s.optimizer === 'adam' ? { kind: 'adam' as const, lr: s.lr } : { kind: 'sgd' as const, lr: s.lr, momentum: s.momentum });

function record(spec: Spec, settings: TrainSettings, maxNumbers?: number) {
  const model = trainModelOf(spec);
  const recorder = new TrainRecorder(model, settings, maxNumbers);
  const result = train(model, { steps: settings.steps, optimizer: optimizerOf(settings), ...(settings.clipNorm ? { clipNorm: settings.clipNorm } : {}), onProgress: p => recorder.onProgress(p) });
  return recorder.finish(result);
}

const mean = (values: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k];
  return s / values.length;
};

describe('training history', () => {
  const spec = example('long-dependency-lstm.lstm.json');

  it('keeps θ_0 (the spec\'s) .. θ_n, each equal to a separate run of k steps', () => {
    const history = record(spec, ADAM);
    assert.deepEqual(history.kept, Array.from({ length: 13 }, (_, k) => k));
    assert.deepEqual(Array.from(history.thetas[0]), Array.from(parameterSet(trainModelOf(spec)).theta));
    for (const k of [1, 5, 12]) {
      const alone = train(trainModelOf(spec), { steps: k, optimizer: optimizerOf(ADAM) });
      assert.deepEqual(Array.from(thetaAt(history, k)!), Array.from(alone.theta), `θ_${k}`);
    }
    const whole = train(trainModelOf(spec), { steps: 12, optimizer: optimizerOf(ADAM) });
    assert.deepEqual(history.loss, Array.from(whole.loss));
    assert.deepEqual(history.gradNorm, Array.from(whole.gradNorm));
  });

  it('summarises each gate (mean over t and units) and the forget bias at every step, as the trace of θ_k shows them', () => {
    const history = record(spec, ADAM);
    assert.deepEqual(history.gates.map(g => g.name), ['f', 'i', 'g', 'o']);
    assert.equal(history.forgetBias?.name, 'b_f');
    for (const k of [0, 7, 12]) {
      const model = specWithTheta(spec, history.parameters, thetaAt(history, k)!);
      // the single-layer engine of the spec with θ_k: its shown sample is the spec's top-level inputs
      const trace = computeTrace({ ...model, stack: undefined });
      for (const gate of history.gates) assert.ok(Math.abs(gate.mean[k] - mean(trace.forward[gate.name])) < 1e-12, `${gate.name} at step ${k}`);
      const bf = history.parameters.find(p => p.name === 'b_f')!;
      assert.equal(history.forgetBias!.mean[k], mean(thetaAt(history, k)!.subarray(bf.offset, bf.offset + bf.length)));
    }
    for (const gate of history.gates) assert.equal(gate.mean.length, 13);
  });

  it('the spec with θ_k has θ_k\'s loss (PyTorch names: two biases summed into the textbook one)', () => {
    const pytorch = example('pytorch-lstm.lstm.json');
    const history = record(pytorch, { ...ADAM, steps: 4 });
    const H = pytorch.hiddenSize;
    const slice = (theta: Float64Array, name: string) => {
      const p = history.parameters.find(q => q.name === name)!;
      return theta.subarray(p.offset, p.offset + p.length);
    };
    for (const k of [0, 4]) {
      const theta = thetaAt(history, k)!;
      const trace = computeTrace(specWithTheta(pytorch, history.parameters, theta));
      assert.ok(Math.abs(trace.loss.L - history.loss[k]) < 1e-12, `L_${k}: ${trace.loss.L} vs ${history.loss[k]}`);
      // b_f = bias_ih + bias_hh, rows H..2H (PyTorch's gate order i, f, g, o)
      const bIh = slice(theta, 'bias_ih_l0'), bHh = slice(theta, 'bias_hh_l0');
      const bf = Array.from({ length: H }, (_, r) => bIh[H + r] + bHh[H + r]);
      assert.ok(Math.abs(history.forgetBias!.mean[k] - mean(bf)) < 1e-15, `mean b_f at step ${k}`);
    }
  });

  it('bounds the memory with a stride, keeping the last step', () => {
    const P = parameterSet(trainModelOf(spec)).theta.length;
    assert.equal(historyStride(P, 10, P * 3), 4);
    assert.equal(historyStride(P, 10), 1);
    const history = record(spec, { ...ADAM, steps: 10 }, P * 3);
    assert.equal(history.stride, 4);
    assert.deepEqual(history.kept, [0, 4, 8, 10]);
    assert.equal(history.loss.length, 11, 'the curves keep every step');
    assert.equal(nearestKept(history, 5), 4);
    assert.equal(nearestKept(history, 9), 8);
    assert.equal(thetaAt(history, 5), undefined);
  });

  it('a stopped run keeps the steps taken so far', () => {
    const model = trainModelOf(spec);
    const recorder = new TrainRecorder(model, ADAM);
    let taken = 0;
    const result = train(model, { steps: 12, optimizer: optimizerOf(ADAM), shouldStop: () => taken >= 3, onProgress: p => { taken = p.step; recorder.onProgress(p); } });
    const history = recorder.finish(result);
    assert.equal(history.stopped, true);
    assert.deepEqual(history.kept, [0, 1, 2, 3]);
    assert.equal(history.loss.length, 4);
    assert.equal(history.gates[0].mean.length, 4);
  });

  it('deltas hand out each curve entry once', () => {
    const model = trainModelOf(spec);
    const recorder = new TrainRecorder(model, { ...ADAM, steps: 4 });
    const deltas: number[][] = [];
    train(model, { steps: 4, optimizer: optimizerOf(ADAM), onProgress: p => { recorder.onProgress(p); if (p.step % 2 === 0) deltas.push(recorder.takeDelta().loss); } });
    const whole = train(trainModelOf(spec), { steps: 4, optimizer: optimizerOf(ADAM) });
    assert.deepEqual(deltas.flat(), Array.from(whole.loss.subarray(0, 4)));
  });

  it('refuses θ that does not fit the spec (its parameters changed since training)', () => {
    const history = record(spec, { ...ADAM, steps: 1 });
    assert.throws(() => specWithTheta(example('this-movie-is-good.lstm.json'), history.parameters, history.thetas[1]), /changed since training/);
  });
});

describe('Train… prompts: validation', () => {
  it('says what is expected', () => {
    assert.equal(learningRateProblem('0.05'), undefined);
    assert.equal(learningRateProblem(' 1e-3 '), undefined);
    assert.match(learningRateProblem('abc')!, /not a number/);
    assert.match(learningRateProblem('0')!, /greater than 0/);
    assert.match(learningRateProblem('-1')!, /not a number|greater than 0/);
    assert.match(momentumProblem('1')!, /below 1/);
    assert.equal(momentumProblem('0.9'), undefined);
    assert.match(stepsProblem('2.5')!, /whole number/);
    assert.match(stepsProblem('0')!, /at least 1/);
    assert.match(stepsProblem('1000000')!, /at most/);
    assert.equal(stepsProblem('100'), undefined);
    assert.match(clipNormProblem('0')!, /greater than 0/);
    assert.equal(clipNormProblem('1'), undefined);
  });

  it('reads a remembered choice back, malformed fields taking the defaults', () => {
    assert.deepEqual(rememberedSettings({ optimizer: 'sgd', lr: 0.1, momentum: 0.9, steps: 7, clipNorm: 2 }), { optimizer: 'sgd', lr: 0.1, momentum: 0.9, steps: 7, clipNorm: 2 });
    const bad = rememberedSettings({ optimizer: 'rmsprop', lr: -1, steps: 'x', clipNorm: 0 });
    assert.equal(bad.optimizer, 'adam');
    assert.ok(bad.lr > 0);
    assert.equal(bad.clipNorm, undefined);
    assert.equal(settingsLabel({ optimizer: 'sgd', lr: 0.01, momentum: 0.9, steps: 1, clipNorm: 1 }), 'SGD momentum 0.9, lr 0.01, 1 step, clip norm 1');
  });
});

describe('head gradients: the views name them as training names the parameters', () => {
  it('an inline head with PyTorch-named weights: head.weight / head.bias in both', () => {
    const source = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'pytorch-lstm.lstm.json'), 'utf8'));
    const text = JSON.stringify({ ...source, loss: { kind: 'crossEntropy', target: 1, head: { weight: [[0.5, -0.5], [0.25, 1]], bias: [0, 0.1] } } });
    const spec = parseSpec(text).spec!;
    const shown = frameworkGradsFor(computeTrace(spec), 0, 'forward', spec.framework).map(g => g.name).sort();
    const trained = parameterSet(trainModelOf(spec)).parameters.map(p => p.name).sort();
    assert.deepEqual(shown, trained);
    assert.ok(shown.includes('head.weight') && shown.includes('head.bias'));
  });
});
