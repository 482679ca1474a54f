// A stack trace crosses the worker boundary (packTrace / structured clone with transfer /
// unpackTrace) whole: its stack-wide fields, every layer view, the losses' additions and
// frameworkGrads arrive equal to a trace computed on this thread, and the layer views still work.
// Also the layer-view API the views use (layerCount, layerView, layerLabel).
import * as assert from 'node:assert/strict';
import { computeTrace, layerCount, layerLabel, layerView, parseSpec, traceToJson } from '../../src/engine';
import { packTrace, unpackTrace } from '../../src/engine/traceTransfer';
import { loadGoldenCases } from './helpers/stackGolden';
import { caseSpecText } from './helpers/traceCheck';

const golden = loadGoldenCases().find(c => c.name === 'lstm-l2-bi-ce-every')!;

function stackTrace() {
  const { spec, issues } = parseSpec(caseSpecText(golden)!);
  assert.deepEqual(issues, []);
  return computeTrace(spec!);
}

describe('stack traces: transfer and layer views', () => {
  it('round-trips through a transferring structured clone with every field equal', () => {
    const reference = JSON.stringify(traceToJson(stackTrace()));
    const sent = stackTrace();
    const { plain, buffers } = packTrace(sent);
    assert.equal(new Set(buffers).size, buffers.length, 'a buffer is listed twice');
    const received = unpackTrace(structuredClone(plain, { transfer: buffers }));
    assert.equal(buffers[0].byteLength, 0, 'the buffers were transferred, not copied');
    assert.ok(received.stack, 'the stack arrived');
    assert.equal(received.stack.layers.length, 4);
    assert.equal(JSON.stringify(traceToJson(received)), reference);
    // each view is a whole single-layer trace after the transfer too
    for (let k = 0; k < layerCount(received); k++) {
      const view = layerView(received, k);
      assert.equal(view.backward.perStep.dL_dx.length, view.T * view.inputSize);
      assert.equal(view.forward.h.length, view.T * view.hiddenSize);
    }
  });

  it('layer views in PyTorch order, each a single-layer Trace with its own input size and labels', () => {
    const trace = stackTrace();
    const { hiddenSize: H, inputSize: I } = golden;
    assert.equal(layerCount(trace), 4);
    assert.deepEqual([0, 1, 2, 3].map(k => layerLabel(trace, k)), ['L1 →', 'L1 ←', 'L2 →', 'L2 ←']);
    assert.deepEqual([0, 1, 2, 3].map(k => layerView(trace, k).inputSize), [I, I, 2 * H, 2 * H]);
    // layer 2 reads [h_fwd | h_rev] of layer 1: its source inputs are those rows
    const l2 = layerView(trace, 2), f = layerView(trace, 0).forward.h, r = layerView(trace, 1).forward.h;
    for (let t = 0; t < trace.T; t++) {
      assert.deepEqual(Array.from(l2.source.inputs.subarray(t * 2 * H, t * 2 * H + H)), Array.from(f.subarray(t * H, (t + 1) * H)));
      assert.deepEqual(Array.from(l2.source.inputs.subarray(t * 2 * H + H, (t + 1) * 2 * H)), Array.from(r.subarray(t * H, (t + 1) * H)));
    }
    // the stack's dL_dx is the sum of layer 1's two directions' dL_dinput
    const d0 = layerView(trace, 0).backward.perStep.dL_dx, d1 = layerView(trace, 1).backward.perStep.dL_dx;
    trace.stack!.dL_dx.forEach((v, k) => assert.ok(Math.abs(v - (d0[k] + d1[k])) < 1e-15));
    assert.throws(() => layerView(trace, 4), RangeError);
  });

  it('a single-layer trace is its own only view', () => {
    const one = loadGoldenCases().find(c => c.name === 'lstm-l1-uni-sum-last')!;
    const trace = computeTrace(parseSpec(caseSpecText(one)!).spec!);
    assert.equal(trace.stack, undefined);
    assert.equal(layerCount(trace), 1);
    assert.equal(layerView(trace, 0), trace);
    assert.equal(layerLabel(trace, 0), '');
  });
});

describe('stack layer views: the comparison RNN and the state rows of each entry', () => {
  // a one-layer bidirectional stack: its forward entry is the single-layer spec of the same
  // weights; its reverse entry is the single-layer spec on the time-reversed inputs, rows reversed
  const H = 2, I = 3, T = 4;
  const rand = (n: number, seed: number) => Array.from({ length: n }, (_, k) => Math.sin(seed * 7.1 + k * 1.3) * 0.6);
  const rows = (flat: number[], r: number, c: number) => Array.from({ length: r }, (_, k) => flat.slice(k * c, (k + 1) * c));
  const tensors = (seed: number) => ({ weight_ih_l0: rows(rand(4 * H * I, seed), 4 * H, I), weight_hh_l0: rows(rand(4 * H * H, seed + 1), 4 * H, H), bias_ih_l0: rand(4 * H, seed + 2), bias_hh_l0: rand(4 * H, seed + 3) });
  const fwd = tensors(1), rev = tensors(5);
  const inputs = rows(rand(T * I, 9), T, I);
  const h0 = [rand(H, 11), rand(H, 12)], c0 = [rand(H, 13), rand(H, 14)];
  const stackText = JSON.stringify({
    inputSize: I, hiddenSize: H, bidirectional: true, h0, c0, inputs,
    weights: { ...fwd, ...Object.fromEntries(Object.entries(rev).map(([k, v]) => [`${k}_reverse`, v])) },
  });
  const single = (w: object, xs: number[][], h: number[], c: number[]) =>
    computeTrace(parseSpec(JSON.stringify({ inputSize: I, hiddenSize: H, h0: h, c0: c, inputs: xs, weights: w })).spec!);
  const reversedRows = (a: Float64Array, width: number) => {
    const out = new Float64Array(a.length);
    for (let t = 0; t < a.length / width; t++) out.set(a.subarray(t * width, (t + 1) * width), a.length - (t + 1) * width);
    return out;
  };
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    assert.equal(a.length, b.length, what);
    for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k] - b[k]) < 1e-12, `${what}[${k}]: ${a[k]} vs ${b[k]}`);
  };

  it('the forward entry shows the single-layer trace of its weights', () => {
    const stack = computeTrace(parseSpec(stackText).spec!);
    const view = layerView(stack, 0), ref = single(fwd, inputs, h0[0], c0[0]);
    close(view.forward.h, ref.forward.h, 'h');
    close(view.vanillaRNN.h, ref.vanillaRNN.h, 'vanillaRNN.h');
    close(view.vanillaRNN.dL_dh_norm, ref.vanillaRNN.dL_dh_norm, 'vanillaRNN.dL_dh_norm');
    close(view.source.h0, h0[0], 'source.h0');
    close(view.source.c0, c0[0], 'source.c0');
  });

  it('the reverse entry is the single-layer trace on the reversed inputs, rows back in time order', () => {
    const stack = computeTrace(parseSpec(stackText).spec!);
    const view = layerView(stack, 1), ref = single(rev, [...inputs].reverse(), h0[1], c0[1]);
    close(view.forward.h, reversedRows(ref.forward.h, H), 'h');
    close(view.forward.f, reversedRows(ref.forward.f, H), 'f');
    close(view.vanillaRNN.h, reversedRows(ref.vanillaRNN.h, H), 'vanillaRNN.h');
    close(view.vanillaRNN.dL_dh, reversedRows(ref.vanillaRNN.dL_dh, H), 'vanillaRNN.dL_dh');
    close(view.vanillaRNN.dL_dh_norm, reversedRows(ref.vanillaRNN.dL_dh_norm, 1), 'vanillaRNN.dL_dh_norm');
    close(view.source.h0, h0[1], 'source.h0');
    close(view.source.inputs, inputs.flat(), 'source.inputs (time order)');
  });
});
