// The loss functions' edges and the stack API's contracts that the PyTorch cases do not reach:
// a one-layer, one-direction stack gives bit for bit the single-layer trace (computeTrace);
// cross-entropy stays finite for huge logits (log-sum-exp around the largest); bad loss arrays,
// class indices and `on: "h_n"` with `at: "every"` are refused with the field's name; the
// PyTorch mapping names a missing or mis-sized tensor and refuses lstm_peephole; the first NaN is
// reported with its layer, direction and step.
import * as assert from 'node:assert/strict';
import { computeTrace, type CellKind } from '../../src/engine';
import { frameworkGrads, pytorchToStackParams } from '../../src/engine/framework';
import { stackLoss } from '../../src/engine/loss';
import type { StackConfig } from '../../src/engine/stack';
import { computeStackTrace } from '../../src/engine/stackTrace';
import { randomSpec } from './helpers/referenceCells';

describe('stack API: one layer, one direction is the single-layer trace', () => {
  for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn'] as CellKind[]) {
    for (const lossKind of ['sum', 'mse'] as const) {
      it(`${cell}, loss ${lossKind}: same forward fields and gradients, bit for bit`, () => {
        const spec = randomSpec(cell, 3, 2, 5, lossKind, 4242);
        const single = computeTrace(spec);
        const stack = computeStackTrace({
          params: { cell, inputSize: 2, hiddenSize: 3, numLayers: 1, bidirectional: false, entries: [spec.params] },
          h0: spec.h0, c0: spec.c0,
          samples: [{ T: spec.T, inputs: spec.inputs, loss: spec.loss.kind === 'sum' ? { kind: 'sum' } : { kind: 'mse', target: spec.loss.target } }],
        });
        assert.equal(stack.loss.L, single.loss.L);
        const entry = stack.stack[0];
        for (const [name, field] of Object.entries(single.forward)) assert.deepEqual(Array.from(entry.forward[name]), Array.from(field), `forward.${name}`);
        for (const [name, field] of Object.entries(single.backward.perStep)) {
          const mine = name === 'dL_dx' ? entry.backward.perStep.dL_dinput : entry.backward.perStep[name];
          assert.deepEqual(Array.from(mine), Array.from(field), `backward.${name}`);
        }
        for (const [name, field] of Object.entries({ ...single.backward.dL_dW, ...single.backward.dL_db, ...single.backward.dL_dp })) {
          const mine = entry.backward.dL_dW[name] ?? entry.backward.dL_db[name] ?? entry.backward.dL_dp?.[name];
          assert.deepEqual(Array.from(mine), Array.from(field), name);
        }
        assert.deepEqual(Array.from(stack.backward.dL_dh0), Array.from(single.backward.dL_dh0));
        assert.deepEqual(Array.from(stack.backward.dL_dx), Array.from(single.backward.perStep.dL_dx));
        const decay = single.pathDecay;
        if (decay?.kind === 'cellPathDecay') assert.deepEqual(Array.from((entry.pathDecay as { forgetProduct: Float64Array }).forgetProduct), Array.from(decay.forgetProduct));
      });
    }
  }
});

describe('stack losses: edges', () => {
  const head = { classes: 2, weight: Float64Array.from([1, 0, 0, 1]), bias: Float64Array.from([0, 0]) };
  it('cross-entropy stays finite and exact for logits of ±1000', () => {
    const out = stackLoss({ kind: 'crossEntropy', head, target: 1 }, Float64Array.from([1000, -1000]), new Float64Array(2), 1, 2);
    // log(e^1000 + e^-1000) - (-1000) = 2000 (+ e^-2000, below float64's resolution)
    assert.equal(out.L, 2000);
    assert.deepEqual(Array.from(out.probs as Float64Array), [1, 0]);
    assert.deepEqual(Array.from(out.dL_doutput), [1, -1]);
  });
  it('T = 0 with at: last reads the final state (the initial state), as the single-layer trace does', () => {
    const out = stackLoss({ kind: 'sum' }, new Float64Array(0), Float64Array.from([0.5, 2]), 0, 2);
    assert.equal(out.L, 2.5);
    assert.deepEqual(Array.from(out.dL_dtopFinal), [1, 1]);
  });
  it('refuses bad arrays, naming the field', () => {
    const y = new Float64Array(6);
    assert.throws(() => stackLoss({ kind: 'mse', target: new Float64Array(3) }, y, y, 3, 2), /loss\.target: expected 2 numbers, found 3/);
    assert.throws(() => stackLoss({ kind: 'mse', at: 'every', target: new Float64Array(2) }, y, y, 3, 2), /loss\.target: expected 3 × 2 numbers/);
    assert.throws(() => stackLoss({ kind: 'given', dL_dy: new Float64Array(1) }, y, y, 3, 2), /loss\.dL_dy/);
    assert.throws(() => stackLoss({ kind: 'sum', at: 'every', on: 'h_n' }, y, y, 3, 2), /"h_n".*"every"/);
    assert.throws(() => stackLoss({ kind: 'crossEntropy', head, target: 2 }, y, y, 3, 2), /loss\.target: expected a class index 0\.\.1, found 2/);
    assert.throws(() => stackLoss({ kind: 'crossEntropy', head, at: 'every', target: [0, 1] }, y, y, 3, 2), /expected 3 class indices/);
    assert.throws(() => stackLoss({ kind: 'crossEntropy', head: { ...head, bias: new Float64Array(3) }, target: 0 }, y, y, 3, 2), /loss\.head\.bias/);
  });
});

describe('PyTorch names: refusals', () => {
  const config: StackConfig = { cell: 'lstm', inputSize: 2, hiddenSize: 1, numLayers: 2, bidirectional: false };
  const tensors = (): Record<string, Float64Array> => ({
    weight_ih_l0: new Float64Array(8), weight_hh_l0: new Float64Array(4), bias_ih_l0: new Float64Array(4), bias_hh_l0: new Float64Array(4),
    weight_ih_l1: new Float64Array(4), weight_hh_l1: new Float64Array(4), bias_ih_l1: new Float64Array(4), bias_hh_l1: new Float64Array(4),
  });
  it('maps a complete state_dict, with or without a prefix', () => {
    assert.equal(pytorchToStackParams(config, tensors()).entries.length, 2);
    const prefixed = Object.fromEntries(Object.entries(tensors()).map(([k, v]) => [`encoder.lstm.${k}`, v]));
    assert.equal(pytorchToStackParams(config, prefixed, 'encoder.lstm').entries.length, 2);
  });
  it('names a missing tensor and a mis-sized one', () => {
    const missing = tensors();
    delete missing.weight_hh_l1;
    assert.throws(() => pytorchToStackParams(config, missing), /weight_hh_l1: tensor missing \(expected shape \[4, 1\]\)/);
    const wrong = tensors();
    wrong.weight_ih_l1 = new Float64Array(8);
    assert.throws(() => pytorchToStackParams(config, wrong), /weight_ih_l1: expected 4 numbers \(shape \[4, 1\]\), found 8/);
    const noBias = tensors();
    delete noBias.bias_hh_l0;
    assert.throws(() => pytorchToStackParams(config, noBias), /bias_hh_l0: tensor missing/);
    assert.equal(pytorchToStackParams(config, noBias, '', true).entries.length, 2);
  });
  it('refuses lstm_peephole, which PyTorch has no layout for', () => {
    assert.throws(() => pytorchToStackParams({ ...config, cell: 'lstm_peephole' }, tensors()), /lstm_peephole has no PyTorch layout/);
    assert.throws(() => frameworkGrads({ ...config, cell: 'lstm_peephole' }, { entries: [] }), /lstm_peephole/);
  });
});

describe('stack: the first non-finite value is reported with its layer, direction and step', () => {
  const config: StackConfig = { cell: 'lstm', inputSize: 1, hiddenSize: 2, numLayers: 2, bidirectional: true };
  const spec = randomSpec('lstm', 2, 1, 3, 'sum', 5);
  const entries = [spec.params, spec.params, ...[0, 1].map(() => randomSpec('lstm', 2, 4, 3, 'sum', 6).params)];
  const run = (inputs: Float64Array, target: Float64Array) => computeStackTrace({
    params: { ...config, entries }, h0: new Float64Array(8), c0: new Float64Array(8),
    samples: [{ T: 3, inputs, loss: { kind: 'mse', target } }],
  });
  it('a NaN input at t = 2 first shows in layer 0, forward direction, t = 2', () => {
    assert.deepEqual(run(Float64Array.from([0.1, NaN, 0.3]), new Float64Array(4)).nonFinite,
      { phase: 'forward', layer: 0, direction: 'forward', t: 2, field: 'a_f' });
  });
  it('a NaN target shows at the loss; finite values report nothing', () => {
    assert.deepEqual(run(Float64Array.from([0.1, 0.2, 0.3]), Float64Array.from([0, NaN, 0, 0])).nonFinite,
      { phase: 'backward', layer: 1, direction: 'reverse', t: 3, field: 'loss' });
    assert.equal(run(Float64Array.from([0.1, 0.2, 0.3]), new Float64Array(4)).nonFinite, undefined);
  });
});
