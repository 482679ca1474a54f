// The chart panel's Analytics and Compare payloads (src/views/analyticsSnapshot.ts,
// compareSnapshot.ts): the saturation rows against a naive count over the trace's gate values,
// a trace whose gradient is Inf or 1e11 said in words (not only a gap or a point off the chart),
// the idealised curves against the seeds' literal figures, and the Compare overlay's lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeTrace, parseSpec, type Trace } from '../../src/engine';
import { compareCells } from '../../src/engine/compare';
import { MAX_SATURATION_ROWS, buildAnalytics, buildIdealised, gradientNote, sig3 } from '../../src/views/analyticsSnapshot';
import { buildCompare, initOptionsOf } from '../../src/views/compareSnapshot';

const exampleDir = path.join(__dirname, '..', '..', 'examples');
const read = (name: string): string => fs.readFileSync(path.join(exampleDir, name), 'utf8');
const traceOf = (name: string): Trace => computeTrace(parseSpec(read(name)).spec!);

describe('Analytics payload', () => {
  it('the seed example: no finding, and per gate and unit the shares and slope of a naive count', () => {
    const trace = traceOf('this-movie-is-good.lstm.json');
    const payload = buildAnalytics(trace);
    assert.deepEqual(payload.findings, []);
    assert.equal(payload.title, 'Analytics: no finding');
    assert.equal(payload.saturation.length, 3 * 2);
    for (const row of payload.saturation) {
      const values = Array.from({ length: trace.T }, (_, k) => trace.forward[row.gate][k * 2 + row.unit]);
      assert.equal(row.lowShare, values.filter(g => g < 0.1).length / trace.T);
      assert.equal(row.highShare, values.filter(g => g > 0.9).length / trace.T);
      const slope = values.reduce((s, g) => s + g * (1 - g), 0) / trace.T;
      assert.ok(Math.abs(row.meanSlope - slope) < 1e-15, `${row.gate}[${row.unit}]`);
    }
    assert.deepEqual(payload.saturation.map(r => r.gate), ['f', 'f', 'i', 'i', 'o', 'o']);
    assert.equal(payload.saturationNote, '');
    assert.ok(payload.gradient);
    assert.equal(payload.gradient.lines[0].series.v.length, 4);
  });

  it('long-sequence (forget bias 3): the saturated forget gates and the running sums, with steps, units and equations', () => {
    const payload = buildAnalytics(traceOf('long-sequence.lstm.json'));
    const saturated = payload.findings.find(f => f.kind === 'saturated' && f.field === 'f');
    assert.ok(saturated);
    assert.deepEqual(saturated.units, [0, 1, 2, 3]);
    assert.equal(saturated.steps, '1–100');
    assert.match(saturated.message, /passes the gradient .* stopped learning/);
    assert.ok(payload.findings.some(f => f.kind === 'cellGrowth' && /running sum/.test(f.equation)));
    // the table's shares are those of a naive count (f sits near σ(3) = 0.95: many steps above 0.9)
    const trace = traceOf('long-sequence.lstm.json');
    let seen = 0;
    for (const row of payload.saturation) {
      const values = Array.from({ length: trace.T }, (_, k) => trace.forward[row.gate][k * 4 + row.unit]);
      assert.equal(row.lowShare, values.filter(g => g < 0.1).length / trace.T, `${row.gate}[${row.unit}] low`);
      assert.equal(row.highShare, values.filter(g => g > 0.9).length / trace.T, `${row.gate}[${row.unit}] high`);
      if (row.highShare !== row.lowShare) seen++;
    }
    assert.ok(seen >= 4);
  });

  it('a wide trace sends a bounded table, the units of a finding first', () => {
    const text = JSON.stringify({ cell: 'lstm', inputSize: 1, hiddenSize: 40, init: { seed: 2, scale: 0.1, forgetBias: 7 }, inputs: [[0.1], [0.2], [0.3]] });
    const payload = buildAnalytics(computeTrace(parseSpec(text).spec!));
    assert.equal(payload.saturation.length, MAX_SATURATION_ROWS);
    assert.equal(payload.saturationNote, `${MAX_SATURATION_ROWS} of 120 gate units shown (the units of a finding first)`);
    // all 40 forget units (each saturated: a finding names them) come before the other gates' first units
    assert.deepEqual(payload.saturation.slice(0, 40).map(r => `${r.gate}${r.unit}`), Array.from({ length: 40 }, (_, j) => `f${j}`));
    assert.deepEqual(payload.saturation.slice(40).map(r => r.gate), Array(8).fill('i'));
  });

  it('a gradient that reaches 1e11 or is not finite is said in words', () => {
    const huge = gradientNote([1.4e11, 3e5, 1]);
    assert.match(huge, /up to 1\.40e\+11 \(t = 1\)/);
    const broken = gradientNote([Infinity, NaN, 2, 1]);
    assert.match(broken, /not finite \(NaN or ±Inf\) at t = 1–2/);
    assert.match(broken, /largest finite value is 2\.00e\+0 at t = 3/);
    assert.match(gradientNote([NaN]), /no value is finite/);
  });

  it('an exploding example: the finding and the note carry the peak', () => {
    const payload = buildAnalytics(traceOf('exploding-rnn.lstm.json'));
    assert.deepEqual(payload.findings.map(f => f.kind), ['exploding']);
    assert.deepEqual(payload.saturation, []);
    assert.match(payload.gradientNote, /up to \d\.\d\de\+7 \(t = 1\)/);
  });
});

describe('idealised decay payload', () => {
  it('the seed example: 0.5³ = 0.125 at t = 1, the spec\'s ∏f 0.26, and the RNN line normalised to 1 at t = T', () => {
    const trace = traceOf('this-movie-is-good.lstm.json');
    const { chart, notes } = buildIdealised(trace);
    assert.equal(chart.logScale, true);
    assert.deepEqual(chart.lines.map(l => l.key), ['w0.5', 'w0.95', 'rnn', 'path']);
    assert.deepEqual(chart.lines[0].series.v, [Math.pow(0.5, 3), Math.pow(0.5, 2), 0.5, 1]);
    const rnn = chart.lines[2].series.v;
    assert.equal(rnn[3], 1);
    const norms = trace.vanillaRNN.dL_dh_norm;
    assert.ok(Math.abs(rnn[0]! - norms[0] / norms[3]) < 1e-15);
    assert.match(notes[0], /0\.5\^3 = 0\.125/);
    assert.match(notes[0], /mean ∏f 0\.26/);
    assert.match(notes[2], /w·\(1 − h_t²\) < w/);
  });

  it('100 steps: 0.95^99 ≈ 0.0062 (2 significant digits), 0.5^99 ≈ 1.6e-30', () => {
    const { chart, notes } = buildIdealised(traceOf('long-sequence.lstm.json'));
    const at1 = (key: string): number => chart.lines.find(l => l.key === key)!.series.v[0]!;
    assert.equal(Number(at1('w0.95').toPrecision(2)), 0.0062);
    assert.equal(Number(at1('w0.5').toPrecision(2)), 1.6e-30);
    assert.match(notes[0], /0\.95\^99 = 0\.00623/);
    assert.match(notes[0], /0\.5\^99 = 1\.58e-30/);
  });

  it('sig3 writes the seeds\' style', () => {
    assert.deepEqual([0.125, 0.006232136, 1.5777e-30, 1, 0].map(sig3), ['0.125', '0.00623', '1.58e-30', '1', '0']);
  });
});

describe('the seed\'s rounded table', () => {
  it('this-movie-is-good\'s description explains h_4 = 0.483 against the exact value, with the trace\'s own o_4, c_4 and h_4', () => {
    const text = read('this-movie-is-good.lstm.json');
    const description = (JSON.parse(text) as { description: string }).description;
    const trace = traceOf('this-movie-is-good.lstm.json');
    const at4 = (field: string): number => trace.forward[field][3 * 2];
    const exact = `h_4 = o_4·tanh(c_4) = ${at4('o').toFixed(4)}·tanh(${at4('c').toFixed(4)}) = ${at4('o').toFixed(4)}·${Math.tanh(at4('c')).toFixed(4)} = ${at4('h').toFixed(4)}`;
    assert.ok(description.includes('h_4 = 0.483'), description);
    assert.ok(description.includes(exact), `${exact} not in ${description}`);
    assert.equal(at4('h').toFixed(4), '0.4841');
  });
});

describe('Compare payload', () => {
  it('the seed example: three cells overlaid, one state line per cell and unit, their decay and path lines', () => {
    const text = read('this-movie-is-good.lstm.json');
    const comparison = compareCells(parseSpec(text).spec!, initOptionsOf(text));
    const payload = buildCompare(comparison, 'This movie is good', [0, 1, 7]);
    assert.deepEqual(payload.cells.map(c => c.cell), ['lstm', 'gru', 'rnn']);
    assert.deepEqual(payload.states.lines.map(l => l.key), ['lstm[0]', 'lstm[1]', 'gru[0]', 'gru[1]', 'rnn[0]', 'rnn[1]']);
    assert.deepEqual(payload.decay.lines.map(l => l.key), ['lstm', 'lstm:path', 'gru', 'gru:path', 'rnn']);
    assert.equal(payload.decay.logScale, true);
    // each line is the cell's own numbers
    comparison.cells.forEach((run, c) => {
      assert.deepEqual(payload.states.lines[2 * c + 1].series.v, Array.from({ length: 4 }, (_, k) => run.trace.forward.h[k * 2 + 1]));
    });
    assert.equal(payload.summary.length, 3);
    assert.match(payload.summary[0], /^lstm \(the spec's weights\): L = 0\.9682/);
    assert.match(payload.title, /H = 2, T = 4/);
  });

  it('no valid unit asked: unit 0 is drawn', () => {
    const text = read('rnn-movie.lstm.json');
    const payload = buildCompare(compareCells(parseSpec(text).spec!), 'x', [9]);
    assert.deepEqual(payload.states.lines.map(l => l.unit), [0, 0, 0]);
  });
});
