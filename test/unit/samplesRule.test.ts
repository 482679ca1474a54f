// The samples rule (docs/spec-format.md, "Samples"): L is the mean over the `samples` array only;
// the stepper shows samples[0], or the top-level inputs — the sample with equal inputs, or else a
// display-only run outside L and the summed gradients whose per-step gradients are its own loss's
// weighted 1/N. The reference for every figure is the single-layer engine on one sequence at a
// time (a plain spec with top-level inputs and no samples), averaged here by hand.

import * as assert from 'node:assert/strict';
import { computeTrace, parseSpec, type Spec, type Trace } from '../../src/engine';

const base = { cell: 'lstm', inputSize: 2, hiddenSize: 2, init: { seed: 7 }, h0: [0.1, -0.2], c0: [0.3, 0.05] };
const s1 = { inputs: [[0.5, -1], [0.25, 0.75], [-0.5, 0.1]], target: [0.2, -0.4] };
const s2 = { inputs: [[1, 0.5], [-0.3, 0.2]], target: [-0.1, 0.6] };
const x0 = { inputs: [[0.9, -0.6], [0.4, 0.4], [0.1, -0.2], [0.7, 0.3]], target: [0.5, 0.5] };

function specOf(value: object): Spec {
  const { spec, issues } = parseSpec(JSON.stringify(value));
  assert.ok(spec, issues.map(i => i.message).join('\n'));
  return spec;
}

/** The trace of one sequence alone (single-layer engine, no samples). */
function alone(sample: { inputs: number[][]; target: number[] }): Trace {
  return computeTrace(specOf({ ...base, inputs: sample.inputs, loss: { kind: 'mse', target: sample.target } }));
}

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < actual.length; k++) {
    assert.ok(Math.abs(actual[k] - expected[k]) <= 1e-12 * (1 + Math.abs(expected[k])), `${what}[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
}

function mean(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return Array.from(a, (v, k) => (v + b[k]) / 2);
}

function half(a: ArrayLike<number>): number[] {
  return Array.from(a, v => v / 2);
}

describe('samples: the loss is the mean over the samples array only', () => {
  const a = alone(s1), b = alone(s2), shown = alone(x0);
  const withSamples = (extra: object): Trace => computeTrace(specOf({ ...base, loss: { kind: 'mse' }, samples: [s1, s2], ...extra }));

  function checkSummed(trace: Trace): void {
    close([trace.loss.L], [(a.loss.L + b.loss.L) / 2], 'L');
    close(trace.loss.sampleLosses ?? [], [a.loss.L, b.loss.L], 'sampleLosses');
    for (const name of Object.keys(a.backward.dL_dW)) close(trace.backward.dL_dW[name], mean(a.backward.dL_dW[name], b.backward.dL_dW[name]), `dL_dW.${name}`);
    for (const name of Object.keys(a.backward.dL_db)) close(trace.backward.dL_db[name], mean(a.backward.dL_db[name], b.backward.dL_db[name]), `dL_db.${name}`);
    close(trace.backward.dL_dh0, mean(a.backward.dL_dh0, b.backward.dL_dh0), 'dL_dh0');
  }

  it('no top-level inputs: L and the summed gradients are the mean of the two; samples[0] is shown', () => {
    const trace = withSamples({});
    checkSummed(trace);
    assert.equal(trace.T, 3);
    close(trace.forward.h, a.forward.h, 'h');
    close(trace.backward.perStep.dL_dx, half(a.backward.perStep.dL_dx), 'dL_dx (1/N of samples[0]\'s)');
  });

  it('top-level inputs equal to samples[1]: that sample is shown, L is still the mean of the two', () => {
    const trace = withSamples({ inputs: s2.inputs });
    checkSummed(trace);
    assert.equal(trace.T, 2);
    close(trace.forward.h, b.forward.h, 'h');
    close(trace.backward.perStep.dL_dx, half(b.backward.perStep.dL_dx), 'dL_dx');
  });

  it('other top-level inputs: shown display-only, outside L and the summed gradients; per-step gradients its own, weighted 1/N', () => {
    const trace = withSamples({ inputs: x0.inputs, loss: { kind: 'mse', target: x0.target } });
    checkSummed(trace);
    assert.equal(trace.T, 4);
    close(trace.forward.h, shown.forward.h, 'h');
    close([trace.loss.displayL ?? NaN], [shown.loss.L], 'displayL');
    close(trace.backward.perStep.dL_dx, half(shown.backward.perStep.dL_dx), 'dL_dx');
    close(trace.backward.perStep.dL_dh, half(shown.backward.perStep.dL_dh), 'dL_dh');
  });

  it('a sample without its own target is an error at samples[k].target, even with loss.target', () => {
    const { spec, issues } = parseSpec(JSON.stringify({ ...base, inputs: x0.inputs, loss: { kind: 'mse', target: x0.target }, samples: [s1, { inputs: s2.inputs }] }));
    assert.equal(spec, undefined);
    assert.ok(issues.some(i => i.severity === 'error' && i.path === 'samples[1].target'), issues.map(i => `${i.path}: ${i.message}`).join('\n'));
  });
});
