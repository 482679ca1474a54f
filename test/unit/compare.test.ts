// "LSTM: Compare Cells" (src/engine/compare.ts) and the seeds' idealised curves. Each compared
// cell's trace must equal computeTrace of the spec a user would write for that cell: the same
// sizes, inputs and loss with `"init"` (the spec's own init options, or the defaults for explicit
// weights), parsed from JSON text by the spec parser, which draws the weights on its own path.
// The norms are checked against a naive sum of squares; w^k against the seeds' literal figures.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMPARED_CELLS, DEFAULT_INIT, compareCells, constantFactorDecay } from '../../src/engine/compare';
import { computeTrace, parseSpec, type Spec, type Trace } from '../../src/engine';
import { initOptionsOf } from '../../src/views/compareSnapshot';

const exampleDir = path.join(__dirname, '..', '..', 'examples');
const read = (name: string): string => fs.readFileSync(path.join(exampleDir, name), 'utf8');

function parse(text: string): Spec {
  const { spec, issues } = parseSpec(text);
  assert.ok(spec, JSON.stringify(issues));
  return spec;
}

/** The spec a user would write for `cell` instead: the example's JSON with its cell and weights replaced by an init. */
function specFor(json: Record<string, unknown>, cell: string, init: { seed: number; scale: number; forgetBias: number }): Spec {
  const { weights: _weights, init: _init, description: _description, c0, ...rest } = json;
  const withInit: Record<string, unknown> = { ...rest, cell, init: cell === 'rnn' ? { seed: init.seed, scale: init.scale } : init };
  if (c0 !== undefined && (cell === 'lstm' || cell === 'lstm_peephole')) withInit.c0 = c0;
  return parse(JSON.stringify(withInit));
}

function assertSameRun(actual: Trace, expected: Trace, what: string): void {
  assert.equal(actual.cell, expected.cell, what);
  assert.equal(actual.T, expected.T, what);
  assert.deepEqual(Array.from(actual.forward.h), Array.from(expected.forward.h), `${what}: h`);
  assert.deepEqual(Array.from(actual.backward.perStep.dL_dh), Array.from(expected.backward.perStep.dL_dh), `${what}: dL_dh`);
  assert.equal(actual.loss.L, expected.loss.L, `${what}: L`);
}

function naiveNorms(field: Float64Array, T: number, H: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += field[t * H + j] ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

describe('compare cells', () => {
  it('the seed example: its own lstm weights, and gru and rnn drawn by the default init, each equal to the spec written for that cell', () => {
    const text = read('this-movie-is-good.lstm.json');
    const json = JSON.parse(text) as Record<string, unknown>;
    const spec = parse(text);
    const init = initOptionsOf(text);
    assert.deepEqual(init, { seed: 0, scale: 0.1, forgetBias: 0 });
    const comparison = compareCells(spec, init);
    assert.deepEqual(comparison.cells.map(c => c.cell), ['lstm', 'gru', 'rnn']);
    assert.deepEqual(comparison.cells.map(c => c.own), [true, false, false]);
    assertSameRun(comparison.cells[0].trace, computeTrace(spec), 'lstm');
    for (const run of comparison.cells.slice(1)) {
      assertSameRun(run.trace, computeTrace(specFor(json, run.cell, { seed: 0, scale: 0.1, forgetBias: 0 })), run.cell);
      assert.deepEqual(run.trace.forward.h.length, 4 * 2);
    }
    for (const run of comparison.cells) {
      const expected = naiveNorms(run.trace.backward.perStep.dL_dh, 4, 2);
      run.dL_dh_norm.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-15, `${run.cell} norm t=${k + 1}`));
    }
    // the seed's cell path 0.728, 0.402, 0.260 at t = 3, 2, 1 in the lstm's summary, and gru's ∏z; the rnn has none
    const lstm = comparison.cells[0].pathDecayMean!;
    assert.deepEqual([lstm[2], lstm[1], lstm[0]].map(v => Number(v.toFixed(3))), [0.728, 0.402, 0.26]);
    assert.ok(comparison.cells[1].pathDecayMean);
    assert.equal(comparison.cells[2].pathDecayMean, undefined);
    assert.equal(comparison.shown, '');
  });

  it('a spec with init: the other cells use its own seed, scale and forget bias', () => {
    const text = read('long-sequence.lstm.json');
    const json = JSON.parse(text) as Record<string, unknown>;
    const init = initOptionsOf(text);
    assert.deepEqual(init, { seed: 3, scale: 0.5, forgetBias: 3 });
    const comparison = compareCells(parse(text), init);
    for (const run of comparison.cells.filter(c => !c.own)) {
      assertSameRun(run.trace, computeTrace(specFor(json, run.cell, init)), run.cell);
    }
    assert.match(comparison.cells[1].label, /gru \(init seed 3, scale 0.5, forgetBias 3\)/);
  });

  it('a spec of another kind (gru) is compared with an lstm and an rnn, and the own trace is reused', () => {
    const text = read('gru-movie.lstm.json');
    const spec = parse(text);
    const own = computeTrace(spec);
    const comparison = compareCells(spec, DEFAULT_INIT, own);
    assert.deepEqual(comparison.cells.map(c => c.cell), [...COMPARED_CELLS]);
    assert.equal(comparison.cells.find(c => c.own)!.trace, own);
    assert.equal(comparison.cells.find(c => c.own)!.cell, 'gru');
    const json = JSON.parse(text) as Record<string, unknown>;
    assertSameRun(comparison.cells[0].trace, computeTrace(specFor(json, 'lstm', { seed: 0, scale: 0.1, forgetBias: 0 })), 'lstm');
  });

  it('a 2-layer stack with samples: every entry drawn from seed + e, layer 0 summarised', () => {
    const base = {
      cell: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2,
      samples: [
        { inputs: [[0.5, -0.1], [0.3, 0.8], [-0.2, 0.1]], target: [0.1, 0.2, 0.3] },
        { inputs: [[0.1, 0.4], [-0.3, 0.2], [0.6, -0.5]], target: [-0.1, 0, 0.2] },
      ],
      loss: { kind: 'mse' },
    };
    const init = { seed: 5, scale: 0.4, forgetBias: 1 };
    const spec = parse(JSON.stringify({ ...base, init }));
    const comparison = compareCells(spec, init);
    assert.match(comparison.shown, /first of 2 layers/);
    for (const run of comparison.cells) {
      const expected = computeTrace(parse(JSON.stringify({ ...base, cell: run.cell, init: run.cell === 'rnn' ? { seed: 5, scale: 0.4 } : init })));
      assertSameRun(run.trace, expected, run.cell);
      assert.ok(run.trace.stack, `${run.cell} ran as a stack`);
      assert.equal(run.h, run.trace.forward.h);
    }
  });

  it('initOptionsOf reads JSONC and falls back to the defaults', () => {
    assert.deepEqual(initOptionsOf('{"cell": "lstm", // x\n "init": {"seed": 7, "scale": 0.2,},}'), { seed: 7, scale: 0.2, forgetBias: 0 });
    assert.deepEqual(initOptionsOf('not json'), DEFAULT_INIT);
    assert.deepEqual(initOptionsOf('{"init": {"seed": "x"}}'), DEFAULT_INIT);
  });
});

describe('idealised constant-factor decay', () => {
  const sig2 = (v: number): number => Number(v.toPrecision(2));

  it('w = 0.5 leaves the seed\'s 0.125 after 3 steps; 0.95^99 ≈ 0.0062 and 0.5^99 ≈ 1.6e-30 after 99', () => {
    const four = constantFactorDecay(0.5, 4);
    assert.deepEqual(Array.from(four), [0.125, 0.25, 0.5, 1]);
    assert.equal(four[0], Math.pow(0.5, 3));
    const forget = constantFactorDecay(0.95, 100);
    assert.equal(sig2(forget[0]), 0.0062);
    assert.equal(forget[99], 1);
    const rnn = constantFactorDecay(0.5, 100);
    assert.equal(sig2(rnn[0]), 1.6e-30);
    assert.ok(Math.abs(forget[0] - Math.pow(0.95, 99)) < 1e-15);
  });

  it('an empty sequence has no curve', () => {
    assert.equal(constantFactorDecay(0.5, 0).length, 0);
  });
});
