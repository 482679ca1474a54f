// Finite differences on every gradient of a stack, for every cell kind (lstm, lstm_peephole, gru,
// the GRU with resetAfter = false, rnn), stacks of 1–3 layers in one or two directions, and every
// loss kind and placement. The reference loss is the naive stack of helpers/naiveStack.ts (no
// engine code). Checked: every entry's weights, biases and peepholes, h0, c0, the inputs, the
// head, each entry's TOTAL per-step dL/dh_t and dL/dc_t (time order, also for the reverse
// direction), and the mean over samples. The forward output and h_n are checked to 1e-12.
import * as assert from 'node:assert/strict';
import type { StackLoss } from '../../src/engine/loss';
import { reverseRows, type StackConfig } from '../../src/engine/stack';
import { computeStackTrace, type StackSample, type StackSpec } from '../../src/engine/stackTrace';
import { naiveLoss, naiveStack, type StackInjection } from './helpers/naiveStack';
import { parameterShapes, seededRandom } from './helpers/referenceCells';
import { assertGradient, EPS } from './helpers/finiteDifference';


type Variant = 'lstm' | 'lstm_peephole' | 'gru' | 'gru_resetBefore' | 'rnn';

function configOf(variant: Variant, L: number, bidirectional: boolean, H: number, I: number): StackConfig {
  if (variant === 'gru_resetBefore') return { cell: 'gru', resetAfter: false, inputSize: I, hiddenSize: H, numLayers: L, bidirectional };
  return { cell: variant, inputSize: I, hiddenSize: H, numLayers: L, bidirectional };
}

function randomStackSpec(config: StackConfig, Ts: number[], losses: ((T: number, W: number, vec: (n: number) => Float64Array) => StackLoss)[], seed: number): StackSpec {
  const rand = seededRandom(seed);
  const vec = (n: number, s = 1): Float64Array => Float64Array.from({ length: n }, () => (2 * rand() - 1) * s);
  const { hiddenSize: H, numLayers: L } = config;
  const D = config.bidirectional ? 2 : 1;
  const entries: Record<string, Float64Array>[] = [];
  for (let layer = 0; layer < L; layer++) {
    for (let d = 0; d < D; d++) {
      const entry: Record<string, Float64Array> = {};
      for (const [name, size] of Object.entries(parameterShapes(config.cell, H, layer === 0 ? config.inputSize : D * H))) entry[name] = vec(size, 0.8);
      entries.push(entry);
    }
  }
  const samples: StackSample[] = Ts.map((T, s) => ({ T, inputs: vec(T * config.inputSize), loss: losses[s](T, D * H, n => vec(n)) }));
  return { params: { ...config, entries }, h0: vec(L * D * H, 0.5), c0: vec(L * D * H, 0.5), samples };
}

/** the naive mean loss of a spec, optionally with one injection into sample 0 */
function naiveMeanLoss(spec: StackSpec, injection?: StackInjection): number {
  let total = 0;
  spec.samples.forEach((s, k) => {
    const run = naiveStack(spec.params, spec.params.entries, s.inputs, spec.h0, spec.c0, s.T, k === 0 ? injection : undefined);
    total += naiveLoss(s.loss, run, s.T);
  });
  return total / spec.samples.length;
}

function central(f: (delta: number) => number): number {
  return (f(EPS) - f(-EPS)) / (2 * EPS);
}

/** dL/d(array[index]) by moving the array in place (and restoring it) */
function numeric(spec: StackSpec, array: Float64Array, index: number): number {
  const saved = array[index];
  const value = central(delta => {
    array[index] = saved + delta;
    const L = naiveMeanLoss(spec);
    array[index] = saved;
    return L;
  });
  return value;
}

const head = (W: number, vec: (n: number) => Float64Array) => ({ classes: 3, weight: vec(3 * W), bias: vec(3) });
const LOSSES: Record<string, (T: number, W: number, vec: (n: number) => Float64Array) => StackLoss> = {
  'sum last': () => ({ kind: 'sum' }),
  'mse every': (T, W, vec) => ({ kind: 'mse', at: 'every', target: vec(T * W) }),
  'crossEntropy last': (_T, W, vec) => ({ kind: 'crossEntropy', head: head(W, vec), target: 2 }),
  'given every': (T, W, vec) => ({ kind: 'given', at: 'every', dL_dy: vec(T * W) }),
  'mse on h_n': (_T, W, vec) => ({ kind: 'mse', on: 'h_n', target: vec(W) }),
  'crossEntropy every': (T, W, vec) => ({ kind: 'crossEntropy', at: 'every', head: head(W, vec), target: Array.from({ length: T }, (_, t) => t % 3) }),
};
const LOSS_NAMES = Object.keys(LOSSES);
const SHAPES: [number, boolean, number, number, number][] = [
  // L, bidirectional, H, I, T
  [1, false, 3, 2, 4],
  [1, true, 2, 3, 3],
  [2, true, 2, 2, 4],
  [3, false, 2, 1, 3],
];

let caseNumber = 0;
for (const variant of ['lstm', 'lstm_peephole', 'gru', 'gru_resetBefore', 'rnn'] as Variant[]) {
  describe(`stack gradients by finite differences: ${variant}`, () => {
    for (const [L, bi, H, I, T] of SHAPES) {
      const lossName = LOSS_NAMES[caseNumber % LOSS_NAMES.length];
      caseNumber++;
      const config = configOf(variant, L, bi, H, I);
      const spec = randomStackSpec(config, [T], [LOSSES[lossName]], 1000 + caseNumber);
      const label = `L=${L} ${bi ? 'bidirectional' : 'one direction'} H=${H} I=${I} T=${T}, loss ${lossName}`;
      const D = bi ? 2 : 1;

      it(`${label}: output, h_n and L match the naive stack`, () => {
        const trace = computeStackTrace(spec);
        const run = naiveStack(config, spec.params.entries, spec.samples[0].inputs, spec.h0, spec.c0, T);
        const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
        run.output.flat().forEach((v, k) => close(trace.output[k], v, `output[${k}]`));
        run.hN.flat().forEach((v, k) => close(trace.hN[k], v, `h_n[${k}]`));
        close(trace.loss.L, naiveLoss(spec.samples[0].loss, run, T), 'L');
        // each entry's h is in time order, also for the reverse direction
        trace.stack.forEach((entry, e) => {
          for (let t = 0; t < T; t++) {
            for (let k = 0; k < H; k++) close(entry.forward.h[t * H + k], run.entryH[e][t][k], `stack[${e}].h t=${t + 1}`);
          }
        });
      });

      it(`${label}: every weight, bias, peephole, h0, c0, input and head entry`, () => {
        const trace = computeStackTrace(spec);
        spec.params.entries.forEach((entry, e) => {
          const grads = trace.stack[e].backward;
          for (const [name, array] of Object.entries(entry)) {
            const analytic = grads.dL_dW[name] ?? grads.dL_db[name] ?? grads.dL_dp?.[name];
            assert.ok(analytic, `stack[${e}] has a gradient for ${name}`);
            for (let k = 0; k < array.length; k++) assertGradient(analytic[k], numeric(spec, array, k), `stack[${e}].${name}[${k}]`);
          }
        });
        for (let k = 0; k < spec.h0.length; k++) assertGradient(trace.backward.dL_dh0[k], numeric(spec, spec.h0, k), `h0[${k}]`);
        if (variant === 'lstm' || variant === 'lstm_peephole') {
          for (let k = 0; k < spec.c0.length; k++) assertGradient((trace.backward.dL_dc0 as Float64Array)[k], numeric(spec, spec.c0, k), `c0[${k}]`);
        }
        const x = spec.samples[0].inputs;
        for (let k = 0; k < x.length; k++) assertGradient(trace.backward.dL_dx[k], numeric(spec, x, k), `x[${k}]`);
        const loss = spec.samples[0].loss;
        if (loss.kind === 'crossEntropy') {
          for (let k = 0; k < loss.head.weight.length; k++) assertGradient((trace.backward.dL_dHeadWeight as Float64Array)[k], numeric(spec, loss.head.weight, k), `head.weight[${k}]`);
          for (let k = 0; k < loss.head.bias.length; k++) assertGradient((trace.backward.dL_dHeadBias as Float64Array)[k], numeric(spec, loss.head.bias, k), `head.bias[${k}]`);
        }
      });

      it(`${label}: every entry's total dL/dh_t${variant.startsWith('lstm') ? ' and dL/dc_t' : ''} in time order, and dL_dinput`, () => {
        const trace = computeStackTrace(spec);
        const states: ('h' | 'c')[] = variant.startsWith('lstm') ? ['h', 'c'] : ['h'];
        trace.stack.forEach((entry, e) => {
          assert.equal(entry.layer, Math.floor(e / D));
          assert.equal(entry.direction, e % D === 1 ? 'reverse' : 'forward');
          for (const state of states) {
            const field = entry.backward.perStep[state === 'h' ? 'dL_dh' : 'dL_dc'];
            for (let t = 1; t <= T; t++) {
              for (let unit = 0; unit < H; unit++) {
                const fd = central(delta => naiveMeanLoss(spec, { entry: e, t, state, unit, delta }));
                assertGradient(field[(t - 1) * H + unit], fd, `stack[${e}] dL_d${state} t=${t} unit ${unit}`);
              }
            }
          }
        });
        // layer 0's dL_dinput, summed over directions, is dL_dx
        const I0 = config.inputSize, sum = new Float64Array(T * I0);
        for (let d = 0; d < D; d++) trace.stack[d].backward.perStep.dL_dinput.forEach((v, k) => { sum[k] += v; });
        sum.forEach((v, k) => assertGradient(v, trace.backward.dL_dx[k], `sum of layer 0's dL_dinput [${k}]`));
      });
    }
  });
}

describe('stack gradients by finite differences: the mean over samples', () => {
  for (const variant of ['lstm', 'gru_resetBefore'] as Variant[]) {
    const config = configOf(variant, 2, true, 2, 2);
    const spec = randomStackSpec(config, [3, 2, 4], [LOSSES['crossEntropy last'], LOSSES['crossEntropy last'], LOSSES['mse every']], 77);
    // one head for all samples, as a model has
    const shared = (spec.samples[0].loss as { head: object }).head;
    (spec.samples[1].loss as { head: object }).head = shared;
    it(`${variant}: L is the mean, and every summed gradient is the mean loss's`, () => {
      const trace = computeStackTrace(spec);
      assert.ok(Math.abs(trace.loss.L - naiveMeanLoss(spec)) <= 1e-12);
      assert.equal(trace.loss.sampleLosses.length, 3);
      spec.params.entries.forEach((entry, e) => {
        const grads = trace.stack[e].backward;
        for (const [name, array] of Object.entries(entry)) {
          const analytic = grads.dL_dW[name] ?? grads.dL_db[name];
          for (let k = 0; k < array.length; k++) assertGradient(analytic[k], numeric(spec, array, k), `stack[${e}].${name}[${k}]`);
        }
      });
      for (let k = 0; k < spec.h0.length; k++) assertGradient(trace.backward.dL_dh0[k], numeric(spec, spec.h0, k), `h0[${k}]`);
      const x = spec.samples[0].inputs;
      for (let k = 0; k < x.length; k++) assertGradient(trace.backward.dL_dx[k], numeric(spec, x, k), `sample 0 x[${k}]`);
      const h = (spec.samples[0].loss as { head: { weight: Float64Array } }).head.weight;
      for (let k = 0; k < h.length; k++) assertGradient((trace.backward.dL_dHeadWeight as Float64Array)[k], numeric(spec, h, k), `head.weight[${k}]`);
    });
  }
});

describe('reverseRows', () => {
  it('reverses the rows of a (T, width) field', () => {
    assert.deepEqual(Array.from(reverseRows(Float64Array.from([1, 2, 3, 4, 5, 6]), 3, 2)), [5, 6, 3, 4, 1, 2]);
  });
});
