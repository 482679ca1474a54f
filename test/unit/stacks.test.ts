// Stacks and losses against PyTorch itself: every case of test/fixtures/golden/stacks (written by
// scripts/golden/make_stacks.py from nn.LSTM / nn.GRU / nn.RNN in float64, and a hand-written
// autograd GRU for resetAfter = false) is run through computeStackTrace, and output, h_n, c_n, the
// loss (mean over samples, per sample, per step), logits, probs, every parameter's .grad under
// its PyTorch name (frameworkGrads), and the gradients on the inputs, h0 and c0 must agree to 1e-9;
// the JSON form (stackJson.ts) must nest them as PyTorch's tensors, one record per layer and direction.
import * as assert from 'node:assert/strict';
import { stackTraceToJson } from '../../src/engine/stackJson';
import { computeStackTrace } from '../../src/engine/stackTrace';
import { flat, loadGoldenCases, goldenSpec, type GoldenCase } from './helpers/stackGolden';

const TOL = 1e-9;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k], e = expected[k];
    assert.ok(Math.abs(a - e) <= TOL * Math.max(1, Math.abs(e)), `${what}[${k}]: engine ${a} vs PyTorch ${e}`);
  }
}

const cases: GoldenCase[] = loadGoldenCases();

describe('stacks against PyTorch (golden cases)', () => {
  it('has the generated cases', () => {
    assert.ok(cases.length >= 12, `found ${cases.length} cases`);
  });
  for (const c of cases) {
    describe(c.name, () => {
      const run = () => computeStackTrace(goldenSpec(c));
      it('output, h_n and c_n', () => {
        const trace = run();
        assertClose(trace.output, flat(c.expected.output), 'output');
        assertClose(trace.hN, flat(c.expected.h_n), 'h_n');
        if (c.expected.c_n) assertClose(trace.cN as Float64Array, flat(c.expected.c_n), 'c_n');
      });
      it('loss, per-sample and per-step losses, logits and probs', () => {
        const trace = run();
        assertClose([trace.loss.L], [c.expected.L], 'L');
        assertClose(trace.loss.sampleLosses, c.expected.sampleLosses, 'sampleLosses');
        if (c.expected.perStep) assertClose(trace.loss.perStep as Float64Array, c.expected.perStep, 'perStep');
        else assert.equal(trace.loss.perStep, undefined);
        if (c.expected.logits) {
          assertClose(trace.loss.logits as Float64Array, flat(c.expected.logits), 'logits');
          assertClose(trace.loss.probs as Float64Array, flat(c.expected.probs as number[]), 'probs');
        }
      });
      it('every parameter .grad under its PyTorch name (frameworkGrads)', () => {
        const grads = run().frameworkGrads ?? {};
        assert.deepEqual(Object.keys(grads).sort(), Object.keys(c.expected.grads).sort(), 'names');
        for (const [name, expected] of Object.entries(c.expected.grads)) {
          assertClose(grads[name].data, flat(expected), name);
          const shape = [] as number[];
          for (let v: unknown = expected; Array.isArray(v); v = v[0]) shape.push(v.length);
          assert.deepEqual(grads[name].shape, shape, `${name} shape`);
        }
      });
      it('dL/dx, dL/dh0 and dL/dc0', () => {
        const trace = run();
        assertClose(trace.backward.dL_dx, flat(c.expected.dL_dx), 'dL_dx');
        assertClose(trace.backward.dL_dh0, flat(c.expected.dL_dh0), 'dL_dh0');
        if (c.expected.dL_dc0) assertClose(trace.backward.dL_dc0 as Float64Array, flat(c.expected.dL_dc0), 'dL_dc0');
      });
    });
  }
});

/** deep comparison of nested number arrays (and records of them) to TOL */
function assertNestedClose(actual: unknown, expected: unknown, what: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${what}: expected an array`);
    assert.equal(actual.length, expected.length, `${what}: length`);
    expected.forEach((e, k) => assertNestedClose(actual[k], e, `${what}[${k}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    const a = actual as Record<string, unknown>, e = expected as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${what}: keys`);
    for (const key of Object.keys(e)) assertNestedClose(a[key], e[key], `${what}.${key}`);
  } else {
    assert.equal(typeof actual, 'number', `${what}: expected a number`);
    const a = actual as number, e = expected as number;
    assert.ok(Math.abs(a - e) <= TOL * Math.max(1, Math.abs(e)), `${what}: engine ${a} vs PyTorch ${e}`);
  }
}

describe('stack trace JSON against PyTorch (golden cases)', () => {
  for (const c of cases) {
    it(`${c.name}: output, h_n, logits, frameworkGrads and dL_dx nested as PyTorch's tensors; one record per layer and direction`, () => {
      const json = stackTraceToJson(computeStackTrace(goldenSpec(c))) as Record<string, unknown>;
      assert.equal(json.numLayers, c.numLayers);
      assert.equal(json.bidirectional, c.bidirectional);
      assertNestedClose(json.output, c.expected.output, 'output');
      assertNestedClose(json.h_n, c.expected.h_n, 'h_n');
      const loss = json.loss as Record<string, unknown>;
      if (c.expected.logits) {
        const every = c.samples[0].loss.at === 'every';
        assertNestedClose(loss.logits, every ? c.expected.logits : (c.expected.logits as unknown[])[0], 'logits');
      }
      assertNestedClose(json.frameworkGrads, c.expected.grads, 'frameworkGrads');
      assertNestedClose((json.backward as Record<string, unknown>).dL_dx, c.expected.dL_dx, 'dL_dx');
      const D = c.bidirectional ? 2 : 1, T = c.samples[0].T;
      const stack = json.stack as { layer: number; direction: string; backward: { dL_dinput: number[][] } }[];
      assert.deepEqual(stack.map(e => `${e.layer}${e.direction}`),
        Array.from({ length: c.numLayers * D }, (_, e) => `${Math.floor(e / D)}${e % D ? 'reverse' : 'forward'}`));
      stack.forEach(e => {
        assert.equal(e.backward.dL_dinput.length, T);
        assert.equal(e.backward.dL_dinput[0].length, e.layer === 0 ? c.inputSize : D * c.hiddenSize);
      });
    });
  }
});
