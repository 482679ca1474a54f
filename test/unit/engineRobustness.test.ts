// The engine never overflows, keeps tiny values, and reports the first non-finite value with
// its step instead of passing NaN on silently; and traceToJson gives the trace shape of
// docs/trace-format.md for every cell.
import * as assert from 'node:assert/strict';
import { computeTrace, sigmoid, tanh, traceToJson, type CellKind, type Spec, type Trace } from '../../src/engine';
import { randomSpec, referenceRun, referenceSigmoid } from './helpers/referenceCells';

function allFinite(trace: Trace): boolean {
  const arrays: Float64Array[] = [
    ...Object.values(trace.forward), ...Object.values(trace.backward.perStep),
    trace.backward.dL_dh0, ...Object.values(trace.backward.dL_dW), ...Object.values(trace.backward.dL_db),
    trace.vanillaRNN.h, trace.vanillaRNN.dL_dh, trace.vanillaRNN.dL_dh_norm,
  ];
  return arrays.every(a => a.every(Number.isFinite)) && Number.isFinite(trace.loss.L);
}

function scaled(spec: Spec, paramScale: number): Spec {
  const params = Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, v.map(x => x * paramScale)]));
  return { ...spec, params };
}

/** The smallest positive float64 (a subnormal): the spacing of representable values near 0. */
const MIN_SUBNORMAL = Number.MIN_VALUE;

describe('engine robustness: activations', () => {
  it('sigmoid and tanh saturate without overflow for |a| > 700', () => {
    for (const a of [701, 709, 710, 720, 740, 800, 1e4, 1e300, Number.MAX_VALUE, Infinity]) {
      assert.equal(sigmoid(a), 1, `sigmoid(${a})`);
      assert.equal(tanh(a), 1, `tanh(${a})`);
      assert.equal(tanh(-a), -1, `tanh(-${a})`);
      // sigmoid(-a) = e^-a / (1 + e^-a) = e^-a to the last bit here; for a in (709.8, 745) e^-a is
      // a subnormal that 1 / (1 + e^a) loses, because e^a overflows to Infinity
      const low = sigmoid(-a);
      assert.ok(!Number.isNaN(low) && low >= 0, `sigmoid(-${a}) = ${low}`);
      assert.ok(Math.abs(low - Math.exp(-a)) <= MIN_SUBNORMAL + 1e-15 * Math.exp(-a), `sigmoid(-${a}) = ${low}, e^-${a} = ${Math.exp(-a)}`);
    }
    for (const a of [710, 720, 740]) assert.ok(sigmoid(-a) > 0, `sigmoid(-${a}) flushed to 0`);
    // the derivative the backward pass uses, s * (1 - s), stays a positive subnormal, not 0 or NaN
    const s = sigmoid(-720);
    assert.ok(s * (1 - s) > 0 && s * (1 - s) === s, `sigmoid'(-720) = ${s * (1 - s)}`);
    assert.ok(Number.isNaN(sigmoid(NaN)) && Number.isNaN(tanh(NaN)), 'NaN stays NaN');
  });

  it('tiny values survive: sigmoid(-740) ≈ e^-740, sigmoid(-40) to full precision, tanh(a) = a for |a| ≤ 1e-300', () => {
    // e^-740 ≈ 4.2e-322 is a subnormal with a few significant bits: exact to one spacing
    assert.ok(sigmoid(-740) > 0 && Math.abs(sigmoid(-740) - Math.exp(-740)) <= MIN_SUBNORMAL, `sigmoid(-740) = ${sigmoid(-740)}`);
    assert.ok(sigmoid(-745) >= 0 && sigmoid(-745) <= 2 * MIN_SUBNORMAL, 'sigmoid(-745) is the last subnormal or 0');
    const s = sigmoid(-690);
    assert.ok(s > 0 && Math.abs(s / Math.exp(-690) - 1) < 1e-12, `sigmoid(-690) = ${s}`);
    // 1 - sigmoid(40) rounds to 0 in float64; its complement sigmoid(-40) = e^-40 / (1 + e^-40) must not
    const e40 = Math.exp(-40);
    assert.ok(Math.abs(sigmoid(-40) / (e40 / (1 + e40)) - 1) <= 4e-16, `sigmoid(-40) = ${sigmoid(-40)}`);
    for (const a of [1e-300, -1e-300, 1e-308, 5e-324, -5e-324]) assert.equal(tanh(a), a, `tanh(${a})`);
    assert.ok(Object.is(tanh(-0), -0), 'tanh(-0) = -0');
    assert.equal(sigmoid(1e-300), 0.5);
    assert.equal(sigmoid(0), 0.5);
  });

  it('a forget gate at a_f = -720 in a trace is e^-720, not 0 (no flush in the forward pass)', () => {
    // lstm, H = I = 1, all weights 0 except b_f = -720: f_1 = sigmoid(-720), c_1 = f_1 * c0 + 0.5 * 0
    const spec = randomSpec('lstm', 1, 1, 1, 'sum', 4);
    for (const p of Object.values(spec.params)) p.fill(0);
    spec.params.b_f[0] = -720;
    spec.c0[0] = 1;
    const trace = computeTrace(spec);
    const expected = Math.exp(-720);
    assert.ok(trace.forward.f[0] > 0 && Math.abs(trace.forward.f[0] - expected) <= MIN_SUBNORMAL + 1e-15 * expected, `f_1 = ${trace.forward.f[0]}`);
    assert.ok(trace.forward.c[0] > 0 && Math.abs(trace.forward.c[0] - expected) <= MIN_SUBNORMAL + 1e-15 * expected, `c_1 = ${trace.forward.c[0]}`);
    assert.equal(trace.nonFinite, undefined);
  });
});

describe('engine robustness: traces', () => {
  for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn'] as CellKind[]) {
    it(`${cell}: pre-activations beyond ±700 give a finite trace and no nonFinite report`, () => {
      const spec = scaled(randomSpec(cell, 3, 2, 6, 'mse', 5), 2000);
      const trace = computeTrace(spec);
      const preacts = Object.entries(trace.forward).filter(([name]) => name.startsWith('a'));
      assert.ok(preacts.some(([, a]) => a.some(v => Math.abs(v) > 700)), 'the spec really saturates');
      assert.equal(trace.nonFinite, undefined);
      assert.ok(allFinite(trace));
    });

    it(`${cell}: a state of 1e-300 survives the step (no flush to zero)`, () => {
      const spec = randomSpec(cell, 2, 2, 1, 'sum', 6);
      for (const p of Object.values(spec.params)) p.fill(0);
      spec.h0.fill(1e-300);
      if (cell === 'lstm' || cell === 'lstm_peephole') spec.c0.fill(1e-300);
      spec.inputs.fill(0);
      const trace = computeTrace(spec);
      const h1 = trace.forward.h[0];
      // all weights zero: lstm c_1 = 0.5 * 1e-300 and h_1 = 0.5 * tanh(c_1); gru h_1 = 0.5 * h0; rnn h_1 = 0
      const expected = { lstm: 0.25e-300, lstm_peephole: 0.25e-300, gru: 0.5e-300, rnn: 0 }[cell];
      assert.ok(Math.abs(h1 - expected) <= 1e-12 * expected, `h_1 = ${h1}`);
      if (cell.startsWith('lstm')) assert.ok(Math.abs(trace.forward.c[0] - 0.5e-300) <= 1e-312, `c_1 = ${trace.forward.c[0]}`);
      assert.equal(trace.nonFinite, undefined);
    });

    it(`${cell}: a NaN input at step 3 is reported as the first non-finite value, forward t = 3`, () => {
      const spec = randomSpec(cell, 2, 2, 5, 'sum', 7);
      spec.inputs[2 * 2 + 1] = NaN;
      const trace = computeTrace(spec);
      assert.deepEqual(trace.nonFinite, { phase: 'forward', t: 3, field: cell === 'gru' ? 'a_r' : cell === 'rnn' ? 'a' : 'a_f' });
      assert.ok(trace.backward.perStep.dL_dh, 'a trace is still returned');
    });

    it(`${cell}: an infinite weight is reported at step 1`, () => {
      const spec = randomSpec(cell, 2, 2, 4, 'mse', 8);
      const name = Object.keys(spec.params)[0];
      spec.params[name][0] = Infinity;
      const trace = computeTrace(spec);
      assert.equal(trace.nonFinite?.phase, 'forward');
      assert.equal(trace.nonFinite?.t, 1);
    });

    it(`${cell}: an input that overflows only at step 4 is reported at step 4`, () => {
      const spec = randomSpec(cell, 2, 2, 5, 'sum', 9);
      for (const [name, p] of Object.entries(spec.params)) if (!name.startsWith('b')) p.fill(1);
      spec.inputs.set([1.5e308, 1.5e308], 3 * 2);
      const trace = computeTrace(spec);
      assert.equal(trace.nonFinite?.t, 4);
      assert.equal(trace.nonFinite?.phase, 'forward');
    });
  }

  it('a gradient that overflows only in the backward phase is reported there, with its step', () => {
    // rnn, H = 1: every dL/dh_{t-1} = w * (1 - h^2) * dL/dh_t with w = 1e200 and h ≈ 0 grows by 1e200 per step
    const spec: Spec = {
      cell: 'rnn', inputSize: 1, hiddenSize: 1, T: 4,
      params: { W: Float64Array.from([1e200, 0]), b: Float64Array.from([0]) },
      h0: Float64Array.from([0]), c0: Float64Array.from([0]), inputs: new Float64Array(4), loss: { kind: 'sum' },
    };
    const trace = computeTrace(spec);
    // dL/dh_4 = 1, dL/dh_3 = 1e200, dL/dh_2 = 1e400 = Inf
    assert.deepEqual(trace.nonFinite, { phase: 'backward', t: 2, field: 'dL_dh' });
  });
});

describe('engine: lazily computed fields', () => {
  it('are enumerable, give the forward pass\'s numbers, and survive a structured clone (the worker path)', () => {
    const spec = randomSpec('lstm', 3, 2, 4, 'sum', 31);
    const trace = computeTrace(spec);
    assert.deepEqual(Object.keys(trace.forward), ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h']);
    const clone = structuredClone(trace);
    assert.ok(clone.pathDecay?.kind === 'cellPathDecay' && clone.pathDecay.forgetProduct.length === 12);
    for (const gate of ['f', 'i', 'o']) {
      const a = trace.forward[`a_${gate}`];
      // independent of the engine's kernels: σ from its definition, to one rounding
      Array.from(clone.forward[gate]).forEach((v, k) => assert.ok(Math.abs(v - referenceSigmoid(a[k])) <= 2e-16, `${gate}[${k}]`));
    }
    assert.deepEqual(Array.from(clone.forward.g), Array.from(trace.forward.a_g, v => Math.tanh(v)));
    assert.equal(trace.forward.f, trace.forward.f, 'a lazy field is computed once and kept');
  });
});

describe('traceToJson: the shape of docs/trace-format.md', () => {
  const expectations: Record<CellKind, { forward: string[]; backward: string[]; W: Record<string, number>; b: string[] }> = {
    lstm: {
      forward: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
      backward: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx', 'dL_dh0', 'dL_dc0', 'dL_dW', 'dL_db'],
      W: { W_f: 5, W_i: 5, W_c: 5, W_o: 5 }, b: ['b_f', 'b_i', 'b_c', 'b_o'],
    },
    lstm_peephole: {
      forward: ['a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h'],
      backward: ['dL_dh', 'dL_dc', 'dL_da_f', 'dL_da_i', 'dL_da_g', 'dL_da_o', 'dL_dx', 'dL_dh0', 'dL_dc0', 'dL_dW', 'dL_db', 'dL_dp'],
      W: { W_f: 5, W_i: 5, W_c: 5, W_o: 5 }, b: ['b_f', 'b_i', 'b_c', 'b_o'],
    },
    gru: {
      forward: ['a_r', 'a_z', 'hn', 'a_n', 'r', 'z', 'n', 'h'],
      backward: ['dL_dh', 'dL_da_r', 'dL_da_z', 'dL_da_n', 'dL_dhn', 'dL_dx', 'dL_dh0', 'dL_dW', 'dL_db'],
      W: { W_ir: 2, W_iz: 2, W_in: 2, W_hr: 3, W_hz: 3, W_hn: 3 }, b: ['b_ir', 'b_iz', 'b_in', 'b_hr', 'b_hz', 'b_hn'],
    },
    rnn: {
      forward: ['a', 'h'],
      backward: ['dL_dh', 'dL_da', 'dL_dx', 'dL_dh0', 'dL_dW', 'dL_db'],
      W: { W: 5 }, b: ['b'],
    },
  };
  const H = 3, I = 2, T = 4;

  for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn'] as CellKind[]) {
    it(`${cell}: keys, nested [T][H] arrays, weight gradients [rows][cols], exact numbers`, () => {
      const spec = { ...randomSpec(cell, H, I, T, 'mse', 21), tokens: ['a', 'b', 'c', 'd'] };
      const trace = computeTrace(spec);
      const json = JSON.parse(JSON.stringify(traceToJson(trace)));
      const expected = expectations[cell];
      const decayKey = cell === 'gru' ? 'updateGatePathDecay' : cell === 'rnn' ? undefined : 'cellPathDecay';
      assert.deepEqual(Object.keys(json), ['cell', 'inputSize', 'hiddenSize', 'T', 'tokens', 'forward', 'loss', 'backward', ...(decayKey ? [decayKey] : []), 'vanillaRNN']);
      assert.deepEqual([json.cell, json.inputSize, json.hiddenSize, json.T], [cell, I, H, T]);
      assert.deepEqual(json.tokens, ['a', 'b', 'c', 'd']);
      assert.deepEqual(Object.keys(json.forward), expected.forward);
      assert.deepEqual(Object.keys(json.backward), expected.backward);
      // L from the independent naive reference, not from the trace itself
      assert.equal(json.loss.kind, 'mse');
      const referenceL = referenceRun(spec).L;
      assert.ok(Math.abs(json.loss.L - referenceL) <= 1e-12 * (1 + Math.abs(referenceL)), `L = ${json.loss.L}, reference ${referenceL}`);
      const isMatrix = (m: unknown, rows: number, cols: number): boolean =>
        Array.isArray(m) && m.length === rows && m.every(r => Array.isArray(r) && r.length === cols && r.every(v => typeof v === 'number'));
      for (const field of expected.forward) {
        assert.ok(isMatrix(json.forward[field], T, H), `forward.${field} is [${T}][${H}]`);
        for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) assert.equal(json.forward[field][t][j], trace.forward[field][t * H + j]);
      }
      for (const field of expected.backward.filter(f => f !== 'dL_dh0' && f !== 'dL_dc0' && !f.startsWith('dL_dW') && f !== 'dL_db' && f !== 'dL_dp')) {
        assert.ok(isMatrix(json.backward[field], T, field === 'dL_dx' ? I : H), `backward.${field}`);
      }
      assert.equal(json.backward.dL_dh0.length, H);
      assert.deepEqual(Object.keys(json.backward.dL_dW), Object.keys(expected.W));
      for (const [name, cols] of Object.entries(expected.W)) {
        assert.ok(isMatrix(json.backward.dL_dW[name], H, cols), `dL_dW.${name} is [${H}][${cols}]`);
        assert.equal(json.backward.dL_dW[name][H - 1][cols - 1], trace.backward.dL_dW[name][H * cols - 1]);
      }
      assert.deepEqual(Object.keys(json.backward.dL_db), expected.b);
      if (cell === 'lstm_peephole') assert.deepEqual(Object.keys(json.backward.dL_dp), ['p_f', 'p_i', 'p_o']);
      if (decayKey) {
        const productKey = cell === 'gru' ? 'zProduct' : 'forgetProduct';
        assert.deepEqual(Object.keys(json[decayKey]), [productKey]);
        assert.ok(isMatrix(json[decayKey][productKey], T, H));
        assert.deepEqual(json[decayKey][productKey][T - 1], [1, 1, 1]);
      }
      assert.deepEqual(Object.keys(json.vanillaRNN), ['h', 'dL_dh', 'dL_dh_norm']);
      assert.ok(isMatrix(json.vanillaRNN.h, T, H) && isMatrix(json.vanillaRNN.dL_dh, T, H));
      assert.equal(json.vanillaRNN.dL_dh_norm.length, T);
    });
  }

  it('leaves tokens out when the spec has none', () => {
    const spec = randomSpec('lstm', 2, 2, 2, 'sum', 3);
    const json = traceToJson(computeTrace(spec)) as { loss: { kind: string; L: number } };
    assert.equal('tokens' in json, false);
    // L = h_T[0] + h_T[1] from the independent naive reference
    const { h } = referenceRun(spec).steps;
    const expectedL = h[1][0] + h[1][1];
    assert.deepEqual(Object.keys(json.loss), ['kind', 'L']);
    assert.equal(json.loss.kind, 'sum');
    assert.ok(Math.abs(json.loss.L - expectedL) <= 1e-12, `L = ${json.loss.L}, reference ${expectedL}`);
  });
});
