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
