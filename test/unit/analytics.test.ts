// Saturation and growth analytics (src/engine/analytics.ts) on constructed traces whose answer is
// known by construction (a forget gate pinned at 0.999, a cell that grows linearly, gradients that
// explode or vanish geometrically), on an engine trace with a forget bias of 7, and on the seed
// example, which must give no finding at all.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTrace, formatSteps, type AnalyticsInput } from '../../src/engine/analytics';
import { computeTrace, parseSpec } from '../../src/engine';

const T = 20, H = 2;

function field(value: (t: number, j: number) => number): Float64Array {
  const out = new Float64Array(T * H);
  for (let t = 1; t <= T; t++) for (let j = 0; j < H; j++) out[(t - 1) * H + j] = value(t, j);
  return out;
}

function lstmTrace(overrides: Partial<Record<string, Float64Array>>, dL_dh?: Float64Array): AnalyticsInput {
  const half = field(() => 0.5);
  const forward: Record<string, Float64Array> = { f: half, i: half, g: half, o: half, c: field(() => 0.3), h: field(() => 0.1) };
  for (const [k, v] of Object.entries(overrides)) if (v) forward[k] = v;
  return { cell: 'lstm', T, hiddenSize: H, forward, backward: { perStep: { dL_dh: dL_dh ?? field(() => 1) } } };
}

describe('analytics', () => {
  it('formats step lists as ranges', () => {
    assert.equal(formatSteps([1, 2, 3, 5, 7, 8]), '1–3, 5, 7–8');
  });

  it('a forget gate pinned at 0.999: saturated on every step, slope ≈ 0.001, passes the gradient but stopped learning', () => {
    const { saturation, findings } = analyzeTrace(lstmTrace({ f: field((_, j) => (j === 0 ? 0.999 : 0.5)) }));
    const f0 = saturation.find(s => s.gate === 'f' && s.unit === 0)!;
    assert.equal(f0.highShare, 1);
    assert.ok(Math.abs(f0.meanSlope - 0.999 * 0.001) < 1e-15);
    assert.equal(saturation.find(s => s.gate === 'f' && s.unit === 1)!.highShare, 0);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.kind, 'saturated');
    assert.equal(finding.field, 'f');
    assert.deepEqual(finding.units, [0]);
    assert.deepEqual(finding.steps, Array.from({ length: T }, (_, k) => k + 1));
    assert.match(finding.message, /passes the gradient .* stopped learning/);
    assert.match(finding.message, /t = 1–20/);
    assert.match(finding.equation, /f\(1 − f\)/);
  });

  it('a gate saturated on only half the steps is not reported', () => {
    const { findings } = analyzeTrace(lstmTrace({ i: field(t => (t % 2 ? 0.95 : 0.5)) }));
    assert.deepEqual(findings, []);
  });

  it('a cell that grows linearly while f ≈ 1 is a running sum', () => {
    const f = field(() => 0.95);
    const { findings } = analyzeTrace(lstmTrace({ f, c: field((t, j) => (j === 1 ? 0.1 * t : 0.3)) }));
    const growth = findings.filter(x => x.kind === 'cellGrowth');
    assert.equal(growth.length, 1);
    assert.deepEqual(growth[0].units, [1]);
    assert.deepEqual(growth[0].steps, Array.from({ length: T - 1 }, (_, k) => k + 2));
    assert.match(growth[0].equation, /running sum/);
  });

  it('the same growth with f = 0.5 is not the running sum', () => {
    const { findings } = analyzeTrace(lstmTrace({ c: field((t, j) => (j === 1 ? 0.1 * t : 0.3)) }));
    assert.deepEqual(findings.filter(x => x.kind === 'cellGrowth'), []);
  });

  it('an exploding trace: ‖dL/dh‖ reaching 1e11 is reported with its steps', () => {
    const { findings } = analyzeTrace(lstmTrace({}, field(t => 10 ** ((T - t) * 11 / (T - 1)))));
    const exploding = findings.filter(x => x.kind === 'exploding');
    assert.equal(exploding.length, 1);
    assert.ok(exploding[0].steps.includes(1));
    assert.ok(!exploding[0].steps.includes(T));
    assert.match(exploding[0].message, /1\.41e\+11|1\.4\de\+11/);
  });

  it('a vanishing trace: steps whose gradient is below 1e-4 of the largest', () => {
    const { findings } = analyzeTrace(lstmTrace({}, field(t => 0.5 ** (T - t))));
    const vanishing = findings.filter(x => x.kind === 'vanishing');
    assert.equal(vanishing.length, 1);
    // 0.5^k < 1e-4 for k ≥ 14: t ≤ 6
    assert.deepEqual(vanishing[0].steps, [1, 2, 3, 4, 5, 6]);
  });

  it('an engine trace with forget bias 7 reports every forget unit', () => {
    const text = JSON.stringify({ cell: 'lstm', inputSize: 1, hiddenSize: 3, init: { seed: 2, scale: 0.1, forgetBias: 7 }, inputs: [[0.1], [0.2], [0.3], [0.4]] });
    const trace = computeTrace(parseSpec(text).spec!);
    const { findings } = analyzeTrace(trace);
    const f = findings.find(x => x.kind === 'saturated' && x.field === 'f');
    assert.ok(f);
    assert.deepEqual(f.units, [0, 1, 2]);
  });

  it('seed 003 example 3: f = 1 exactly and c_t = c_{t−1} + i_t·g_t accumulated step by step is a running sum, and f is saturated', () => {
    // i·g = 0.5·0.4 = 0.2 added at every step, accumulated here (not by the analytics)
    const c = new Float64Array(T * H);
    let sum = 0;
    for (let t = 1; t <= T; t++) { sum += 0.5 * 0.4; for (let j = 0; j < H; j++) c[(t - 1) * H + j] = sum; }
    const { findings, saturation } = analyzeTrace(lstmTrace({ f: field(() => 1), g: field(() => 0.4), c }));
    const growth = findings.filter(x => x.kind === 'cellGrowth');
    assert.deepEqual(growth.map(x => x.units), [[0], [1]]);
    assert.deepEqual(growth[0].steps, Array.from({ length: T - 1 }, (_, k) => k + 2));
    assert.match(growth[0].message, /from 0\.200 to 4\.00/);
    const f = findings.find(x => x.kind === 'saturated' && x.field === 'f');
    assert.ok(f);
    assert.deepEqual(f.units, [0, 1]);
    // f(1 − f) = 0 exactly: the gate has stopped learning
    assert.ok(saturation.filter(s => s.gate === 'f').every(s => s.meanSlope === 0));
  });

  it('a gradient that overflows to Inf or NaN is flagged as exploding, not hidden', () => {
    const dh = field(t => (t <= 3 ? Infinity : t === 4 ? NaN : 1));
    const { findings } = analyzeTrace(lstmTrace({}, dh));
    const exploding = findings.filter(x => x.kind === 'exploding');
    assert.equal(exploding.length, 1);
    assert.deepEqual(exploding[0].steps, [1, 2, 3, 4]);
    assert.match(exploding[0].message, /non-finite/);
  });

  it('the seed example gives no warning', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'this-movie-is-good.lstm.json'), 'utf8');
    const trace = computeTrace(parseSpec(text).spec!);
    assert.deepEqual(analyzeTrace(trace).findings, []);
  });
});
