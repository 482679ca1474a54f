// The seeds' own numbers: the worked "This movie is good" example (the seed's table, within
// its loose 1.5e-3 rounding) and the textbook single-dimension conveyor-belt example (f = .9 .5 .8, i = .1 .3 .2, c̃ = 1 2 3).
import * as assert from 'node:assert/strict';
import { cellStateUpdate, computeTrace, forgetProduct, stepRow, type Spec } from '../../src/engine';

function seedExampleSpec(): Spec {
  const H = 2, I = 2;
  const params: Record<string, Float64Array> = {};
  for (const name of ['W_f', 'W_i', 'W_c', 'W_o']) params[name] = new Float64Array(H * (H + I)).fill(0.5);
  for (const name of ['b_f', 'b_i', 'b_c', 'b_o']) params[name] = new Float64Array(H);
  return {
    name: 'This movie is good', cell: 'lstm', inputSize: I, hiddenSize: H, T: 4, params,
    h0: new Float64Array(H), c0: new Float64Array(H),
    inputs: Float64Array.from([0.5, -0.1, 0.3, 0.8, -0.2, 0.1, 0.9, 0.7]),
    tokens: ['This', 'movie', 'is', 'good'],
    loss: { kind: 'sum' },
  };
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

describe('engine: the seed\'s worked example (all weights 0.5)', () => {
  const trace = computeTrace(seedExampleSpec());
  const seedTable = {
    c: [0.1085, 0.4225, 0.3467, 0.8018],
    h: [0.0594, 0.2585, 0.1840, 0.4841],
    f: [0.5498, 0.6478, 0.5519, 0.7279],
  };

  for (const field of ['c', 'h', 'f'] as const) {
    it(`reproduces the seed's ${field}_t for t = 1..4 in both units`, () => {
      for (let t = 1; t <= 4; t++) {
        const row = stepRow(trace.forward[field], 2, t);
        for (let unit = 0; unit < 2; unit++) assertClose(row[unit], seedTable[field][t - 1], 1.5e-3, `${field}_${t}[${unit}]`);
      }
    });
  }

  it('gives the seed\'s cell-path gradient 0.728, 0.402, 0.260 at t = 3, 2, 1 from dL/dc_4 = 1', () => {
    assert.equal(trace.pathDecay?.kind, 'cellPathDecay');
    const product = trace.pathDecay.kind === 'cellPathDecay' ? trace.pathDecay.forgetProduct : new Float64Array();
    const expected: Record<number, number> = { 4: 1, 3: 0.728, 2: 0.402, 1: 0.260 };
    for (let t = 1; t <= 4; t++) {
      for (let unit = 0; unit < 2; unit++) assertClose(stepRow(product, 2, t)[unit], expected[t], 1.5e-3, `∏f at t=${t}`);
    }
  });

  it('keeps the tokens and reports no non-finite value', () => {
    assert.deepEqual(trace.tokens, ['This', 'movie', 'is', 'good']);
    assert.equal(trace.nonFinite, undefined);
  });
});

describe('engine: the textbook single-dimension cell example', () => {
  const f = [0.9, 0.5, 0.8], i = [0.1, 0.3, 0.2], g = [1, 2, 3];

  it('the cell-state update gives c = 0.1, 0.65, 1.12 from c_0 = 0', () => {
    const expected = [0.1, 0.65, 1.12];
    let c = 0;
    for (let t = 0; t < 3; t++) {
      c = cellStateUpdate(f[t], c, i[t], g[t]);
      assertClose(c, expected[t], 1e-12, `c_${t + 1}`);
    }
  });

  it('the forget product gives ∂c_3/∂c_1 = f_3·f_2 = 0.40, ∂c_3/∂c_2 = 0.8, ∂c_3/∂c_3 = 1', () => {
    const product = forgetProduct(Float64Array.from(f), 3, 1);
    assertClose(product[0], 0.40, 1e-12, '∂c_3/∂c_1');
    assertClose(product[1], 0.8, 1e-12, '∂c_3/∂c_2');
    assert.equal(product[2], 1);
  });

  it('the forget product is the derivative of the update chain (finite differences on c_1)', () => {
    const chain = (c1: number): number => cellStateUpdate(f[2], cellStateUpdate(f[1], c1, i[1], g[1]), i[2], g[2]);
    const eps = 1e-6;
    const derivative = (chain(0.1 + eps) - chain(0.1 - eps)) / (2 * eps);
    assertClose(derivative, forgetProduct(Float64Array.from(f), 3, 1)[0], 1e-9, '∂c_3/∂c_1');
  });
});
