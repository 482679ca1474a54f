// The chart panel's message protocol and payload builders, on plain node: message guards and
// their exhaustiveness, view-option clamping, min/max decimation and the heatmap grid checked
// against the trace they came from, the decay aggregates against independently computed norms,
// the equations against the seeds' own numbers, the stale-trace banner, and the exports: the CSV
// of a tiny trace against its text written out by hand, larger CSVs read back and compared cell by
// cell with the trace arrays, the JSON fragments against JSON.stringify, the chunked writer and
// the file sink (a cancelled export keeps the file it would have replaced).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Trace } from '../../src/engine/types';
import { parseSpec } from '../../src/engine/specParse';
import { computeTrace } from '../../src/engine/trace';
import { traceToJson } from '../../src/engine/traceJson';
import {
  FRESH, HostToWebviewMessage, MAX_LINE_UNITS, MAX_SERIES_POINTS, WebviewToHostMessage, assertNever, freshnessBanner, isHostMessage,
  isWebviewMessage, normalizeView,
} from '../../src/protocol/messages';
import { buildBelt, buildDecay, buildEquations, buildHeatmap, buildSnapshot, decimateColumn, fmt } from '../../src/views/chartSnapshot';
import { csvField, traceCsvLineCount, traceCsvLines, traceToCsv } from '../../src/views/traceCsv';
import { ChunkSink, fileSink, jsonPieces, memorySink, writeChunked } from '../../src/views/traceExport';
import { seededRandom } from './helpers/referenceCells';

/** The shared seeded stream (mulberry32), so failures reproduce. */
const rng = seededRandom;

const fill = (n: number, f: (k: number) => number): Float64Array => Float64Array.from({ length: n }, (_, k) => f(k));

/** A hand-made lstm trace with random fields: the builders only read it, so any numbers do. */
function syntheticTrace(T: number, H: number, seed = 1, tokens?: string[]): Trace {
  const r = rng(seed);
  const field = (lo: number, hi: number): Float64Array => fill(T * H, () => lo + (hi - lo) * r());
  const forward: Record<string, Float64Array> = {};
  for (const name of ['a_f', 'a_i', 'a_g', 'a_o']) forward[name] = field(-3, 3);
  for (const name of ['f', 'i', 'o']) forward[name] = field(0, 1);
  forward.g = field(-1, 1);
  forward.c = field(-2, 2);
  forward.h = field(-1, 1);
  const perStep: Record<string, Float64Array> = { dL_dh: field(-1, 1), dL_dc: field(-1, 1) };
  for (const name of ['dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o']) perStep[name] = field(-1, 1);
  return {
    cell: 'lstm', inputSize: 1, hiddenSize: H, T, tokens,
    forward, loss: { kind: 'sum', L: 1 },
    backward: { perStep, dL_dh0: new Float64Array(H), dL_dc0: new Float64Array(H), dL_dW: {}, dL_db: {} },
    pathDecay: { kind: 'cellPathDecay', forgetProduct: field(0, 1) },
    vanillaRNN: { h: field(-1, 1), dL_dh: field(-1, 1), dL_dh_norm: fill(T, k => 0.5 ** (T - 1 - k)) },
    source: { h0: new Float64Array(H), c0: new Float64Array(H), inputs: new Float64Array(T) },
  };
}

/** One valid example of every webview message: a new message type must be added here to compile. */
const WEBVIEW_EXAMPLES: { [K in WebviewToHostMessage['type']]: Extract<WebviewToHostMessage, { type: K }> } = {
  ready: { type: 'ready', view: { units: [0, 1] } },
  step: { type: 'step' },
  stepBack: { type: 'stepBack' },
  runToEnd: { type: 'runToEnd' },
  runBackward: { type: 'runBackward' },
  reset: { type: 'reset' },
  goTo: { type: 'goTo', phase: 'backward', t: 3 },
  selectUnits: { type: 'selectUnits', units: [2, 5] },
  chooseEquationUnit: { type: 'chooseEquationUnit', unit: 1 },
  selectLayer: { type: 'selectLayer', index: 3 },
  setGateView: { type: 'setGateView', gateView: 'heatmap', heatmapField: 'f' },
  exportPng: { type: 'exportPng', requestId: 7, dataUrl: 'data:image/png;base64,AAAA' },
  rendered: { type: 'rendered', kind: 'snapshot', ms: 12.5 },
  error: { type: 'error', message: 'boom' },
  whatIfPreview: { type: 'whatIfPreview', target: { kind: 'param', name: 'b_f', row: 0, col: 0 }, value: 0.25 },
  whatIfCommit: { type: 'whatIfCommit', target: { kind: 'input', t: 1, col: 1 }, value: -0.5 },
  whatIfCancel: { type: 'whatIfCancel' },
  scrubTraining: { type: 'scrubTraining', step: 4 },
  applyTrainedWeights: { type: 'applyTrainedWeights' },
};

const HOST_EXAMPLES: { [K in HostToWebviewMessage['type']]: Extract<HostToWebviewMessage, { type: K }> } = {
  snapshot: { type: 'snapshot', status: 'No LSTM spec is open.', freshness: FRESH },
  cursor: {
    type: 'cursor',
    step: { cursor: { phase: 'forward', t: 1 }, token: '', label: 't=1/1 forward', equationUnit: 0, equations: [], beltLabels: ['a', 'b', 'c'], belt: [] },
  },
  trace: { type: 'trace', status: '', freshness: { stale: true, computeState: 'failed', hasErrors: false, error: 'out of memory' } },
  freshness: { type: 'freshness', freshness: { stale: true, computeState: 'computing', hasErrors: false } },
  requestPng: { type: 'requestPng', requestId: 1 },
  analytics: { type: 'analytics' },
  compare: { type: 'compare', status: 'run it again' },
  training: {
    type: 'training', training: {
      specName: 'x', settingsLabel: 'Adam', steps: 2, stepsTaken: 2, running: false, stopped: false, stride: 1,
      loss: [1, 0.5, 0.25], gradNorm: [2, 1], gates: [{ name: 'f', role: 'forget gate f', mean: [0.7, 0.8, 0.9] }], note: '',
    },
  },
  trainingDelta: { type: 'trainingDelta', delta: { from: 0, loss: [1], gradNorm: [2], gates: [[0.7]], forgetBias: [1] }, stepsTaken: 1 },
  trainingStep: { type: 'trainingStep', step: 2, label: 'training step 2 of 2 (not applied)' },
};

describe('chart panel protocol: message guards', () => {
  it('accepts one valid example of every webview message type', () => {
    for (const message of Object.values(WEBVIEW_EXAMPLES)) assert.ok(isWebviewMessage(message), JSON.stringify(message));
  });

  it('accepts one valid example of every host message type', () => {
    for (const message of Object.values(HOST_EXAMPLES)) assert.ok(isHostMessage(message), JSON.stringify(message));
  });

  it('rejects malformed and unknown webview messages', () => {
    const bad: unknown[] = [
      null, undefined, 42, 'step', [], {}, { type: 'nope' }, { type: 'snapshot', status: '' },
      { type: 'goTo', phase: 'sideways', t: 1 }, { type: 'goTo', phase: 'forward', t: '1' }, { type: 'goTo', phase: 'forward', t: 1.5 },
      { type: 'selectUnits', units: [-1] }, { type: 'selectUnits', units: 'all' }, { type: 'selectUnits', units: [0.5] },
      { type: 'chooseEquationUnit', unit: -2 }, { type: 'setGateView', gateView: 'pie' },
      { type: 'exportPng', requestId: 'x' }, { type: 'rendered', kind: 'snapshot' }, { type: 'error' },
      { type: 'ready', view: 'x' }, { type: 'selectLayer', index: -1 }, { type: 'selectLayer', index: '1' },
      { type: 'scrubTraining', step: -1 }, { type: 'scrubTraining', step: 1.5 }, { type: 'scrubTraining', step: '2' },
    ];
    for (const message of bad) assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
  });

  it('rejects host messages of the wrong shape, and webview messages posing as host messages', () => {
    for (const message of [
      { type: 'cursor' }, { type: 'snapshot' }, { type: 'requestPng', requestId: 'a' }, { type: 'step' }, { type: 'ready' },
      // a snapshot must say whether it is current
      { type: 'snapshot', status: '' }, { type: 'trace', status: '', freshness: { stale: 'yes', computeState: 'idle', hasErrors: false } },
      { type: 'freshness', freshness: { stale: true, computeState: 'paused', hasErrors: false } }, { type: 'freshness' },
      { type: 'analytics', analytics: { findings: 'none' } }, { type: 'compare' }, { type: 'compare', status: '', compare: { cells: [] } },
    ]) {
      assert.equal(isHostMessage(message), false, JSON.stringify(message));
    }
  });

  it('assertNever throws for a value that escaped an exhaustive switch', () => {
    assert.throws(() => assertNever({ type: 'surprise' } as never), /unexpected message/);
  });
});

describe('chart panel protocol: the stale-trace banner', () => {
  const banner = (stale: boolean, computeState: 'idle' | 'computing' | 'failed' | 'cancelled', hasErrors = false, error?: string): string =>
    freshnessBanner({ stale, computeState, hasErrors, error });

  it('is empty when the trace is the current one', () => {
    assert.equal(banner(false, 'idle'), '');
    assert.equal(freshnessBanner(FRESH), '');
  });

  it('says the last valid trace is shown when the spec has errors', () => {
    assert.match(banner(true, 'idle', true), /^Showing the last valid trace: the spec has errors/);
  });

  it('says a computation is running, before any older errors or failures', () => {
    for (const text of [banner(true, 'computing'), banner(true, 'computing', true)]) assert.match(text, /^Computing the trace…/);
  });

  it('points to "LSTM: Recompute Trace" after a cancellation, and gives the reason of a failure', () => {
    const cancelled = banner(true, 'cancelled');
    assert.match(cancelled, /cancelled/i);
    assert.ok(cancelled.includes('LSTM: Recompute Trace'), cancelled);
    const failed = banner(true, 'failed', false, 'worker crashed');
    assert.ok(failed.includes('failed: worker crashed') && failed.includes('last valid trace'), failed);
  });

  it('says something for any other stale trace', () => {
    assert.notEqual(banner(true, 'idle'), '');
  });
});

describe('chart panel protocol: view options', () => {
  it('keeps valid distinct units in range, sorted, at most MAX_LINE_UNITS', () => {
    const view = normalizeView({ units: [9, 3, 3, -1, 100, 2.5, 0, 1, 2, 4, 5, 6, 7, 8] }, 12, ['f']);
    // the first 8 valid distinct units in the order given (9, 3, 0, 1, 2, 4, 5, 6), sorted
    assert.deepEqual(view.units, [0, 1, 2, 3, 4, 5, 6, 9]);
    assert.equal(view.units.length, MAX_LINE_UNITS);
    assert.ok(view.units.every(u => u >= 0 && u < 12));
  });

  it('defaults to all units as lines for H ≤ 8 and to the heatmap for larger H', () => {
    assert.deepEqual(normalizeView(undefined, 2, ['f']).units, [0, 1]);
    assert.equal(normalizeView(undefined, 8, ['f']).gateView, 'lines');
    const big = normalizeView({}, 512, ['f', 'c']);
    assert.equal(big.gateView, 'heatmap');
    assert.equal(big.heatmapField, 'f');
    assert.ok(big.units.length >= 1 && big.units.length <= MAX_LINE_UNITS);
  });

  it('clamps the equation unit and the heatmap field', () => {
    const view = normalizeView({ equationUnit: 40, heatmapField: 'zz' }, 4, ['f', 'c']);
    assert.equal(view.equationUnit, 0);
    assert.equal(view.heatmapField, 'f');
    assert.equal(normalizeView({ equationUnit: 3 }, 4, ['f']).equationUnit, 3);
  });
});

describe('chart panel protocol: decimation', () => {
  const T = 5000;
  const H = 3;
  const r = rng(7);
  // a random walk per unit, plus one spike in unit 1 that a stride sampler would miss
  const field = new Float64Array(T * H);
  for (let u = 0; u < H; u++) for (let k = 0; k < T; k++) field[k * H + u] = (k > 0 ? field[(k - 1) * H + u] : 0) + (r() - 0.5) * 0.1;
  const spikeK = 3217;
  field[spikeK * H + 1] = 50;

  it('returns every step unchanged when T fits', () => {
    const small = fill(10 * 2, k => k * 0.5);
    const s = decimateColumn(small, 2, 1, 10, MAX_SERIES_POINTS);
    assert.deepEqual(s.t, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(s.v, s.t.map(t => small[(t - 1) * 2 + 1]));
  });

  for (let unit = 0; unit < H; unit++) {
    it(`unit ${unit}: every point is an exact trace value, in time order, within the budget, extremes kept`, () => {
      const s = decimateColumn(field, H, unit, T, 600);
      assert.ok(s.t.length <= 600, `length ${s.t.length}`);
      assert.ok(s.t.length > 100);
      assert.equal(s.t[0], 1);
      assert.equal(s.t[s.t.length - 1], T);
      for (let k = 1; k < s.t.length; k++) assert.ok(s.t[k] > s.t[k - 1], 'strictly increasing t');
      s.t.forEach((t, k) => assert.equal(s.v[k], field[(t - 1) * H + unit]));
      let minK = 0;
      let maxK = 0;
      for (let k = 0; k < T; k++) {
        if (field[k * H + unit] < field[minK * H + unit]) minK = k;
        if (field[k * H + unit] > field[maxK * H + unit]) maxK = k;
      }
      assert.ok(s.t.includes(minK + 1), 'global minimum kept');
      assert.ok(s.t.includes(maxK + 1), 'global maximum kept');
    });
  }

  it('keeps a one-step spike', () => {
    const s = decimateColumn(field, H, 1, T, 600);
    assert.ok(s.t.includes(spikeK + 1));
    assert.equal(s.v[s.t.indexOf(spikeK + 1)], 50);
  });

  it('turns non-finite values (and ≤ 0 on a log axis) into null gaps instead of dropping them', () => {
    const values = fill(2000, k => (k === 1500 ? NaN : k === 700 ? 0 : 1 + k));
    const s = decimateColumn(values, 1, 0, 2000, 200, true);
    assert.ok(s.t.includes(1501) && s.v[s.t.indexOf(1501)] === null);
    assert.ok(s.t.includes(701) && s.v[s.t.indexOf(701)] === null);
    assert.ok(s.v.every(v => v === null || v > 0));
  });
});

describe('chart panel protocol: heatmap grid', () => {
  it('is the mean of each units × steps bucket', () => {
    const T = 7;
    const H = 10;
    const trace = syntheticTrace(T, H, 3);
    const f = trace.forward.f;
    const hm = buildHeatmap('f', f, T, H, 3, 2);
    assert.equal(hm.rows, 3);
    assert.equal(hm.cols, 2);
    assert.equal(hm.rowStart[0], 0);
    assert.equal(hm.rowStart[3], H);
    assert.equal(hm.colStart[0], 1);
    assert.equal(hm.colStart[2], T + 1);
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 2; col++) {
        let sum = 0;
        let n = 0;
        for (let t = hm.colStart[col]; t < hm.colStart[col + 1]; t++) {
          for (let u = hm.rowStart[row]; u < hm.rowStart[row + 1]; u++) { sum += f[(t - 1) * H + u]; n++; }
        }
        assert.ok(Math.abs((hm.values[row * 2 + col] as number) - sum / n) <= 5e-5);
      }
    }
  });

  it('is the field itself when it fits, and never exceeds the grid bounds', () => {
    const trace = syntheticTrace(5, 4, 4);
    const hm = buildHeatmap('c', trace.forward.c, 5, 4);
    assert.equal(hm.rows * hm.cols, 20);
    for (let u = 0; u < 4; u++) for (let t = 1; t <= 5; t++) assert.ok(Math.abs((hm.values[u * 5 + t - 1] as number) - trace.forward.c[(t - 1) * 4 + u]) <= 5e-5);
    const big = syntheticTrace(1000, 512, 5);
    const grid = buildHeatmap('f', big.forward.f, 1000, 512);
    assert.ok(grid.rows <= 256 && grid.cols <= 256);
  });
});

describe('chart panel protocol: snapshot', () => {
  it('carries only the selected units, decimated, for a large trace', () => {
    const trace = syntheticTrace(1000, 512, 9);
    const snapshot = buildSnapshot({ trace, cursor: { phase: 'forward', t: 10 }, view: { units: [3, 500], gateView: 'lines' }, fileName: 'big.lstm.json' });
    assert.deepEqual(snapshot.view.units, [3, 500]);
    assert.ok(snapshot.gates);
    assert.deepEqual(new Set(snapshot.gates.lines.map(l => l.unit)), new Set([3, 500]));
    assert.deepEqual(new Set(snapshot.gates.lines.map(l => l.field)), new Set(['f', 'i', 'o', 'g']));
    for (const line of [...snapshot.gates.lines, ...snapshot.states.lines]) {
      assert.ok(line.series.t.length <= MAX_SERIES_POINTS);
      line.series.t.forEach((t, k) => assert.equal(line.series.v[k], trace.forward[line.field][(t - 1) * 512 + line.unit]));
    }
    assert.ok(snapshot.decimated);
    // the whole message stays small whatever T × H is
    assert.ok(JSON.stringify(snapshot).length < 1_000_000, `${JSON.stringify(snapshot).length} bytes`);
  });

  it('defaults to the heatmap for H > 8 and to all units as lines for H ≤ 8', () => {
    const big = buildSnapshot({ trace: syntheticTrace(50, 20, 2), cursor: { phase: 'forward', t: 0 }, fileName: 'x' });
    assert.equal(big.gates, undefined);
    assert.equal(big.heatmap?.field, 'f');
    const small = buildSnapshot({ trace: syntheticTrace(50, 3, 2), cursor: { phase: 'forward', t: 0 }, fileName: 'x' });
    assert.equal(small.heatmap, undefined);
    assert.deepEqual([...new Set(small.gates!.lines.map(l => l.unit))], [0, 1, 2]);
  });

  it('has a conveyor belt for lstm and gru, none for rnn (no cell state, no update gate)', () => {
    const belts: Record<string, boolean> = {};
    for (const example of ['this-movie-is-good', 'gru-movie', 'rnn-movie']) {
      const { spec } = parseSpec(fs.readFileSync(path.join(__dirname, `../../examples/${example}.lstm.json`), 'utf8'));
      assert.ok(spec, example);
      belts[spec.cell] = buildSnapshot({ trace: computeTrace(spec), cursor: { phase: 'forward', t: 1 }, fileName: example }).hasBelt;
    }
    assert.deepEqual(belts, { lstm: true, gru: true, rnn: false });
  });

  // the webview names no cell: the belt's title and result, and whether there are gates to chart,
  // come with the snapshot (mutation caught: the gru belt given the lstm equation, or rnn said to have gates)
  it('carries the belt equation, its result state and whether the cell has gates', () => {
    const seen: Record<string, unknown> = {};
    for (const example of ['this-movie-is-good', 'gru-movie', 'rnn-movie']) {
      const { spec } = parseSpec(fs.readFileSync(path.join(__dirname, `../../examples/${example}.lstm.json`), 'utf8'));
      assert.ok(spec, example);
      const snapshot = buildSnapshot({ trace: computeTrace(spec), cursor: { phase: 'forward', t: 1 }, fileName: example });
      seen[spec.cell] = { belt: snapshot.belt, hasGates: snapshot.hasGates };
    }
    assert.deepEqual(seen, {
      lstm: { belt: { equation: 'c_t = f·c_{t-1} + i·g', result: 'c' }, hasGates: true },
      gru: { belt: { equation: 'h_t = z·h_{t-1} + (1−z)·n', result: 'h' }, hasGates: true },
      rnn: { belt: undefined, hasGates: false },
    });
  });

  it('keeps user data (tokens, name) verbatim: the webview renders it as text', () => {
    const xss = '<img src=x onerror=alert(1)>';
    const trace = syntheticTrace(2, 1, 2, [xss, 'b']);
    const snapshot = buildSnapshot({ trace, cursor: { phase: 'forward', t: 1 }, specName: xss, fileName: 'x' });
    assert.equal(snapshot.tokens[0], xss);
    assert.equal(snapshot.specName, xss);
    assert.equal(snapshot.step.token, xss);
  });
});

describe('chart panel protocol: gradient decay', () => {
  it('plots ‖dL/dc_t‖, mean ∏f and the RNN norm, and prints them at t = 1', () => {
    const T = 6;
    const H = 3;
    const trace = syntheticTrace(T, H, 11);
    const { chart, summary } = buildDecay(trace);
    assert.equal(chart.logScale, true);
    assert.deepEqual(chart.lines.map(l => l.key), ['dL_dc', 'forgetProduct', 'rnn']);
    const dc = trace.backward.perStep.dL_dc;
    const fp = (trace.pathDecay as { forgetProduct: Float64Array }).forgetProduct;
    for (let t = 1; t <= T; t++) {
      const k = t - 1;
      const norm = Math.hypot(dc[k * H], dc[k * H + 1], dc[k * H + 2]);
      const mean = (fp[k * H] + fp[k * H + 1] + fp[k * H + 2]) / 3;
      assert.ok(Math.abs((chart.lines[0].series.v[k] as number) - norm) < 1e-12);
      assert.ok(Math.abs((chart.lines[1].series.v[k] as number) - mean) < 1e-12);
      assert.equal(chart.lines[2].series.v[k], 0.5 ** (T - t));
    }
    assert.match(summary, /after 5 steps back from t = 6/);
    assert.ok(summary.includes(`RNN ‖dL/dh_1‖ ${(0.5 ** 5).toExponential(1)}`), summary);
    assert.ok(summary.includes(`LSTM ‖dL/dc_1‖ ${Math.hypot(dc[0], dc[1], dc[2]).toExponential(1)}`), summary);
  });

  it('keeps 1e-300 on the log axis and reports it as such', () => {
    const trace = syntheticTrace(3, 1, 1);
    trace.vanillaRNN.dL_dh_norm = Float64Array.from([1e-300, 1e-100, 1]);
    const { chart, summary } = buildDecay(trace);
    assert.equal(chart.lines[2].series.v[0], 1e-300);
    assert.match(summary, /RNN ‖dL\/dh_1‖ 1\.0e-300/);
  });
});

describe('chart panel protocol: equations and the conveyor belt', () => {
  it("shows the seed's worked example at t = 1: a_f = 0.2000 → f = σ(0.2000) = 0.5498", () => {
    const text = fs.readFileSync(path.join(__dirname, '../../examples/this-movie-is-good.lstm.json'), 'utf8');
    const { spec } = parseSpec(text);
    assert.ok(spec);
    const trace = computeTrace(spec);
    const lines = buildEquations(trace, { phase: 'forward', t: 1 }, 0, spec);
    // the seed: W_f·z = 0.5·0.5 + 0.5·(−0.1) = 0.2, σ(0.2) = 1 / (1 + e^−0.2)
    const sigma = 1 / (1 + Math.exp(-0.2));
    assert.ok(lines.includes(`a_f = W_f·z + b_f = 0.2000 → f = σ(0.2000) = ${sigma.toFixed(4)}`), lines.join('\n'));
    assert.equal(sigma.toFixed(4), '0.5498');
    const g = Math.tanh(0.2);
    const c1 = sigma * g;
    assert.ok(lines.includes(`c_1 = f·c_0 + i·g = ${sigma.toFixed(4)}·0.0000 + ${sigma.toFixed(4)}·${g.toFixed(4)} = ${c1.toFixed(4)}`), lines.join('\n'));
    assert.ok(lines.includes(`h_1 = o·tanh(c_1) = ${sigma.toFixed(4)}·tanh(${c1.toFixed(4)}) = ${(sigma * Math.tanh(c1)).toFixed(4)}`), lines.join('\n'));
  });

  it("matches the textbook single-cell conveyor-belt example: f = .9 .5 .8, i = .1 .3 .2, c̃ = 1 2 3 gives c = 0.1, 0.65, 1.12", () => {
    const trace = syntheticTrace(3, 1, 1);
    trace.forward.f = Float64Array.from([0.9, 0.5, 0.8]);
    trace.forward.i = Float64Array.from([0.1, 0.3, 0.2]);
    trace.forward.g = Float64Array.from([1, 2, 3]);
    trace.forward.c = Float64Array.from([0.1, 0.65, 1.12]);
    const belt = [1, 2, 3].map(t => buildBelt(trace, t, [0], { h0: [0], c0: [0] }).belt[0]);
    const expected = [[0, 0.1, 0.1], [0.05, 0.6, 0.65], [0.52, 0.6, 1.12]];
    belt.forEach((b, k) => {
      assert.ok(Math.abs(b.kept - expected[k][0]) < 1e-12 && Math.abs(b.added - expected[k][1]) < 1e-12 && Math.abs(b.result - expected[k][2]) < 1e-12, JSON.stringify(b));
      assert.ok(Math.abs(b.kept + b.added - b.result) < 1e-12);
    });
    const lines = buildEquations(trace, { phase: 'forward', t: 3 }, 0, { h0: [0], c0: [0] });
    assert.ok(lines.includes('c_3 = f·c_2 + i·g = 0.8000·0.6500 + 0.2000·3.0000 = 1.1200'), lines.join('\n'));
  });

  it('shows the initial state at t = 0 and the backward gradients in the backward phase', () => {
    const trace = syntheticTrace(4, 2, 5);
    // the initial state the trace was computed from
    trace.source.h0.set([0, 0.25]);
    trace.source.c0.set([0, -0.5]);
    assert.match(buildEquations(trace, { phase: 'forward', t: 0 }, 1)[0], /h_0 = 0\.2500, c_0 = -0\.5000/);
    const back = buildEquations(trace, { phase: 'backward', t: 2 }, 1);
    assert.ok(back[0].includes(`dL/dh_2 = ${fmt(trace.backward.perStep.dL_dh[3])}`), back[0]);
    assert.ok(back.some(l => l.startsWith('dL/dc_2 = ') && l.endsWith(`= ${fmt(trace.backward.perStep.dL_dc[3])}`)), back.join('\n'));
  });

  it('formats like the seed: 4 decimals, scientific when tiny', () => {
    assert.equal(fmt(0.2), '0.2000');
    assert.equal(fmt(-0), '0.0000');
    assert.equal(fmt(1e-300), '1.000e-300');
    assert.equal(fmt(NaN), 'NaN');
  });
});

describe('chart panel: CSV export', () => {
  it('has one row per (step, unit) with the trace values at full precision', () => {
    const T = 3;
    const H = 2;
    const trace = syntheticTrace(T, H, 21, ['This', 'has, "quotes"', 'x']);
    const csv = traceToCsv(trace);
    const lines = csv.trimEnd().split('\n');
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(0, 3), ['t', 'token', 'unit']);
    for (const name of ['f', 'c', 'h', 'dL_dc', 'dL_dh', 'forgetProduct', 'rnn_dL_dh_norm']) assert.ok(header.includes(name), name);
    assert.equal(lines.length, 1 + T * H);
    // row for t = 2, unit 1: the token is quoted (it has a comma and quotes)
    const row = lines[1 + (2 - 1) * H + 1];
    assert.ok(row.startsWith('2,"has, ""quotes""",1,'), row);
    const cells = row.slice('2,"has, ""quotes""",1,'.length).split(',');
    const f = Number(cells[header.indexOf('f') - 3]);
    assert.equal(f, trace.forward.f[1 * H + 1]);
    assert.equal(Number(cells[header.indexOf('rnn_dL_dh_norm') - 3]), trace.vanillaRNN.dL_dh_norm[1]);
  });

  it('quotes exactly the fields that need it', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
  });
});

/**
 * A trace small enough to write its CSV out by hand: lstm-shaped, T = 2, H = 2, with a token that
 * needs quoting, values that need all 17 digits, a tiny one, and a per-step field of the wrong
 * width (length H, like dL/dh0) that the CSV must leave out.
 */
function handTrace(): Trace {
  const f64 = (...values: number[]): Float64Array => Float64Array.from(values);
  return {
    cell: 'lstm', inputSize: 1, hiddenSize: 2, T: 2, tokens: ['good', 'not, "bad"'],
    forward: { f: f64(0.5, 0.1 + 0.2, 1 / 3, 1), h: f64(-1, 2.5, 1e-300, -0) },
    loss: { kind: 'sum', L: 1 },
    backward: { perStep: { dL_dh: f64(1, 2, 3, 4), dL_dx: f64(9, 9) }, dL_dh0: f64(0, 0), dL_dc0: f64(0, 0), dL_dW: {}, dL_db: {} },
    pathDecay: { kind: 'cellPathDecay', forgetProduct: f64(0.25, 0.5, 0.75, 1) },
    vanillaRNN: { h: f64(0.1, 0.2, 0.3, 0.4), dL_dh: f64(-0.1, -0.2, -0.3, -0.4), dL_dh_norm: f64(7, 8) },
  } as unknown as Trace;
}

/** handTrace's CSV, written out by hand: one row per (t, unit); (T, H) arrays are row-major, row = t - 1. */
const HAND_CSV = [
  't,token,unit,f,h,dL_dh,forgetProduct,rnn_h,rnn_dL_dh,rnn_dL_dh_norm',
  '1,good,0,0.5,-1,1,0.25,0.1,-0.1,7',
  '1,good,1,0.30000000000000004,2.5,2,0.5,0.2,-0.2,7',
  '2,"not, ""bad""",0,0.3333333333333333,1e-300,3,0.75,0.3,-0.3,8',
  '2,"not, ""bad""",1,1,0,4,1,0.4,-0.4,8',
].join('\n') + '\n';

/** RFC 4180 records of a CSV text (quoted fields with doubled quotes, commas and line breaks inside). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') { field += '"'; k++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { record.push(field); field = ''; } else if (ch === '\n') { record.push(field); records.push(record); record = []; field = ''; } else field += ch;
  }
  assert.equal(field + record.join(''), '', 'the CSV ends with a line break');
  return records;
}

/** The trace array a CSV column stands for, and its width (H, or 1 for a per-step figure), by its documented name. */
function columnSource(trace: Trace, name: string): { values: ArrayLike<number>; width: number } | undefined {
  const H = trace.hiddenSize;
  if (name in trace.forward) return { values: trace.forward[name], width: H };
  if (name in trace.backward.perStep) return { values: trace.backward.perStep[name], width: H };
  const pd = trace.pathDecay as { forgetProduct?: Float64Array; zProduct?: Float64Array } | undefined;
  if (name === 'forgetProduct' && pd?.forgetProduct) return { values: pd.forgetProduct, width: H };
  if (name === 'zProduct' && pd?.zProduct) return { values: pd.zProduct, width: H };
  if (name === 'rnn_h' && trace.vanillaRNN?.h) return { values: trace.vanillaRNN.h, width: H };
  if (name === 'rnn_dL_dh' && trace.vanillaRNN?.dL_dh) return { values: trace.vanillaRNN.dL_dh, width: H };
  if (name === 'rnn_dL_dh_norm' && trace.vanillaRNN?.dL_dh_norm) return { values: trace.vanillaRNN.dL_dh_norm, width: 1 };
  return undefined;
}

/**
 * Reads a CSV export back and checks it against the trace it came from, cell by cell: every
 * forward field is a column, every column is a trace array of the right length, every row is
 * (t, token, unit) in order with each value exactly the trace's (full float64 precision).
 */
function checkCsvAgainstTrace(csv: string, trace: Trace, what: string): void {
  const { T, hiddenSize: H } = trace;
  const [header, ...rows] = parseCsv(csv);
  assert.deepEqual(header.slice(0, 3), ['t', 'token', 'unit'], what);
  for (const name of Object.keys(trace.forward)) assert.ok(header.includes(name), `${what}: no column ${name}`);
  assert.equal(new Set(header).size, header.length, `${what}: a column twice`);
  const sources = header.slice(3).map(name => {
    const source = columnSource(trace, name);
    assert.ok(source, `${what}: column ${name} is no trace array`);
    assert.equal(source.values.length, source.width === 1 ? T : T * H, `${what}: column ${name} has the wrong length`);
    return source;
  });
  assert.equal(rows.length, T * H, what);
  for (let t = 1; t <= T; t++) {
    for (let u = 0; u < H; u++) {
      const row = rows[(t - 1) * H + u];
      assert.deepEqual(row.slice(0, 3), [String(t), trace.tokens?.[t - 1] ?? '', String(u)], `${what}: row of t=${t}, unit ${u}`);
      sources.forEach((source, c) => {
        const expected = source.width === 1 ? source.values[t - 1] : source.values[(t - 1) * H + u];
        // -0 is written as 0 (String(-0))
        assert.ok(Number(row[3 + c]) === expected || (Number.isNaN(expected) && row[3 + c] === 'NaN'),
          `${what}: ${header[3 + c]} at t=${t}, unit ${u}: ${row[3 + c]} for ${expected}`);
      });
    }
  }
}

const exampleTrace = (name: string): Trace => {
  const { spec } = parseSpec(fs.readFileSync(path.join(__dirname, `../../examples/${name}.lstm.json`), 'utf8'));
  assert.ok(spec, name);
  return computeTrace(spec);
};

describe('chart panel: streamed exports', () => {
  const collect = async (pieces: Iterable<string>, options: Parameters<typeof writeChunked>[2] = {}): Promise<{ text: string; writes: number; done: boolean }> => {
    let saved: Uint8Array | undefined;
    let writes = 0;
    const inner = memorySink(async bytes => { saved = bytes; });
    const sink: ChunkSink = { ...inner, write: bytes => { writes++; return inner.write(bytes); } };
    const done = await writeChunked(pieces, sink, options);
    return { text: saved ? new TextDecoder().decode(saved) : '', writes, done };
  };

  it('writes a hand-checked trace exactly as worked out by hand', () => {
    assert.equal(traceToCsv(handTrace()), HAND_CSV);
    assert.deepEqual([...traceCsvLines(handTrace())], HAND_CSV.trimEnd().split('\n'));
    assert.equal(traceCsvLineCount(handTrace()), 5);
  });

  it('yields the CSV line by line: every (t, unit) row holds the trace values, read back from the text', () => {
    for (const [what, trace] of [
      ['synthetic lstm', syntheticTrace(4, 3, 5, ['a', 'b,c', '"q"', 'd\ne'])], ['gru-movie', exampleTrace('gru-movie')],
      ['rnn-movie', exampleTrace('rnn-movie')], ['peephole-movie', exampleTrace('peephole-movie')],
    ] as const) {
      const lines = [...traceCsvLines(trace)];
      assert.equal(lines.length, traceCsvLineCount(trace), what);
      const csv = lines.join('\n') + '\n';
      checkCsvAgainstTrace(csv, trace, what);
      assert.equal(traceToCsv(trace), csv, `${what}: the whole-string export`);
    }
  });

  it('writes the CSV in several chunks whose bytes are the whole CSV', async () => {
    const trace = syntheticTrace(30, 7, 3, Array.from({ length: 30 }, (_, k) => `tök ${k}`));
    // the content is checked above; here the chunks must add up to the same text
    const reference = traceToCsv(trace);
    const progress: number[] = [];
    const { text, writes, done } = await collect(traceCsvLines(trace), { terminator: '\n', chunkChars: 2000, onProgress: count => progress.push(count) });
    assert.equal(done, true);
    assert.equal(text, reference);
    // each chunk is 2000 characters plus at most one line
    const longestLine = Math.max(...reference.split('\n').map(l => l.length + 1));
    assert.ok(writes >= Math.floor(reference.length / (2000 + longestLine)) && writes > 10, `${writes} writes for ${reference.length} characters`);
    assert.equal(progress.at(-1), traceCsvLineCount(trace));
    assert.ok(progress.every((n, k) => k === 0 || n > progress[k - 1]), 'progress only grows');
  });

  it('gives the event loop a turn between chunks', async () => {
    let turns = 0;
    let pending = true;
    const tick = (): void => { turns++; if (pending) setImmediate(tick); };
    setImmediate(tick);
    const seen: number[] = [];
    const sink: ChunkSink = { write: async () => { seen.push(turns); }, close: async () => undefined, abort: async () => undefined };
    await writeChunked(Array.from({ length: 50 }, () => 'x'.repeat(100)), sink, { chunkChars: 100 });
    pending = false;
    assert.equal(seen.length, 50);
    // a synchronous loop would see the same count at every write
    assert.ok(new Set(seen).size >= 40, `turns seen at the writes: ${seen.join(',')}`);
  });

  it('writes a local file; a cancelled export leaves the file it would replace untouched and no partial file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-export-'));
    try {
      const trace = syntheticTrace(40, 5, 8);
      const file = path.join(dir, 'out.csv');
      assert.equal(await writeChunked(traceCsvLines(trace), await fileSink(file), { terminator: '\n', chunkChars: 1000 }), true);
      checkCsvAgainstTrace(fs.readFileSync(file, 'utf8'), trace, 'the written file');
      assert.deepEqual(fs.readdirSync(dir), ['out.csv'], 'no temporary file left after a finished export');
      // a cancelled export over an existing file
      const existing = path.join(dir, 'existing.csv');
      fs.writeFileSync(existing, 'the user\'s earlier export\n');
      let chunks = 0;
      let seenWhileWriting: string[] = [];
      const done = await writeChunked(traceCsvLines(trace), await fileSink(existing), {
        terminator: '\n', chunkChars: 1000,
        onProgress: () => { chunks++; seenWhileWriting = fs.readdirSync(dir); },
        isCancelled: () => chunks >= 2,
      });
      assert.equal(done, false);
      assert.equal(chunks, 2, 'stopped after the chunk that saw the cancellation');
      assert.equal(fs.readFileSync(existing, 'utf8'), 'the user\'s earlier export\n', 'the file it was replacing is untouched');
      assert.ok(seenWhileWriting.some(name => /^\.existing\.csv\.[0-9a-f]+\.partial$/.test(name)), `written beside the target: ${seenWhileWriting.join(', ')}`);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['existing.csv', 'out.csv'], 'the partial file is removed');
      // a cancelled export to a new file leaves nothing
      chunks = 0;
      assert.equal(await writeChunked(traceCsvLines(trace), await fileSink(path.join(dir, 'new.csv')), {
        terminator: '\n', chunkChars: 1000, onProgress: () => { chunks++; }, isCancelled: () => chunks >= 1,
      }), false);
      assert.deepEqual(fs.readdirSync(dir).sort(), ['existing.csv', 'out.csv']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the target and removes the partial file when the final rename fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-export-'));
    try {
      // a non-empty directory where the file should go: rename cannot replace it
      const target = path.join(dir, 'taken.csv');
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, 'inside'), 'x');
      await assert.rejects(writeChunked(['a', 'b'], await fileSink(target), { chunkChars: 1 }));
      assert.deepEqual(fs.readdirSync(dir), ['taken.csv']);
      assert.deepEqual(fs.readdirSync(target), ['inside']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes the partial file and rethrows when a write fails', async () => {
    let aborted = false;
    const sink: ChunkSink = { write: async () => { throw new Error('disk full'); }, close: async () => undefined, abort: async () => { aborted = true; } };
    await assert.rejects(writeChunked(['a', 'b'], sink, { chunkChars: 1 }), /disk full/);
    assert.equal(aborted, true);
  });

  it('cuts the JSON into fragments that join to exactly JSON.stringify', async () => {
    for (const name of ['this-movie-is-good', 'gru-movie', 'rnn-movie', 'peephole-movie']) {
      const json = traceToJson(exampleTrace(name));
      const pieces = [...jsonPieces(json)];
      assert.ok(pieces.length > 20, `${name}: ${pieces.length} pieces`);
      assert.equal(pieces.join(''), JSON.stringify(json), name);
      const { text } = await collect(jsonPieces(json), { chunkChars: 256 });
      assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(json)));
    }
    const odd = {
      a: undefined, b: [undefined, () => 1, NaN, Infinity, [], {}], 'quo"te': 'line\nbreak', c: { d: [[1, 2], [3]], e: null },
      when: new Date(0), f: () => 2, nested: [[[]], [{ x: undefined }]], empty: {},
    };
    assert.equal([...jsonPieces(odd)].join(''), JSON.stringify(odd));
    for (const value of [null, 1, 'x', [], {}, [1, [2]], [[]]]) assert.equal([...jsonPieces(value)].join(''), JSON.stringify(value));
  });
});
