// Every gradient the engine reports, checked by central finite differences on an independent
// naive reference (helpers/referenceCells.ts): every weight, bias, peephole, h0, c0 and input
// entry, the TOTAL per-step dL/dh_t and dL/dc_t (by perturbing h_t / c_t inside the reference
// run) and every per-step pre-activation delta dL/da_t, dL/dhn_t (by perturbing the
// pre-activation inside the reference run), for every cell kind and both losses, on several
// seeded random specs. The forward values, the path products and the vanilla-RNN comparison are
// checked against the reference too.
import * as assert from 'node:assert/strict';
import { computeTrace, type CellKind, type Spec, type Trace } from '../../src/engine';
import { comparisonRnnSpec, randomSpec, referenceRun, type Injection, type InjectionTarget } from './helpers/referenceCells';
import { assertGradient, EPS } from './helpers/finiteDifference';


/** central difference of the reference loss when `array[index]` of a copy of the spec moves */
function numericGradient(spec: Spec, pick: (s: Spec) => Float64Array, index: number): number {
  const at = (delta: number): number => {
    const copy: Spec = {
      ...spec,
      params: Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, Float64Array.from(v)])),
      h0: Float64Array.from(spec.h0), c0: Float64Array.from(spec.c0), inputs: Float64Array.from(spec.inputs),
    };
    pick(copy)[index] += delta;
    return referenceRun(copy).L;
  };
  return (at(EPS) - at(-EPS)) / (2 * EPS);
}

function numericStateGradient(spec: Spec, t: number, state: 'h' | 'c', unit: number, comparison = false): number {
  const injected = (delta: number): number => {
    const injection: Injection = { t, state, unit, delta };
    return referenceRun(comparison ? comparisonRnnSpec(spec) : spec, injection).L;
  };
  return (injected(EPS) - injected(-EPS)) / (2 * EPS);
}

/** Each cell's pre-activations (as the reference names them) and the trace field of their total gradient. */
const PREACTIVATIONS: Record<CellKind, [InjectionTarget, string][]> = {
  lstm: [['a_f', 'dL_da_f'], ['a_i', 'dL_da_i'], ['a_g', 'dL_da_g'], ['a_o', 'dL_da_o']],
  lstm_peephole: [['a_f', 'dL_da_f'], ['a_i', 'dL_da_i'], ['a_g', 'dL_da_g'], ['a_o', 'dL_da_o']],
  gru: [['a_r', 'dL_da_r'], ['a_z', 'dL_da_z'], ['a_n', 'dL_da_n'], ['hn', 'dL_dhn']],
  rnn: [['a', 'dL_da']],
};

const DERIVATIVES: Record<CellKind, Record<string, (a: number) => number>> = {
  lstm: { f: sigmoidPrime, i: sigmoidPrime, g: tanhPrime, o: sigmoidPrime },
  lstm_peephole: { f: sigmoidPrime, i: sigmoidPrime, g: tanhPrime, o: sigmoidPrime },
  gru: {}, rnn: {},
};
function sigmoidPrime(a: number): number {
  const s = 1 / (1 + Math.exp(-a));
  return s * (1 - s);
}
function tanhPrime(a: number): number {
  return 1 - Math.tanh(a) ** 2;
}

const CASES: [number, number, number, number][] = [
  // H, I, T, seed
  [1, 1, 1, 11],
  [2, 3, 4, 12],
  [3, 2, 5, 13],
  [5, 2, 3, 14],
];

for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn'] as CellKind[]) {
  for (const lossKind of ['sum', 'mse'] as const) {
    describe(`engine gradients: ${cell}, loss ${lossKind}`, () => {
      for (const [H, I, T, seed] of CASES) {
        const spec = randomSpec(cell, H, I, T, lossKind, seed * 10 + (lossKind === 'mse' ? 1 : 0));
        const label = `H=${H} I=${I} T=${T} seed=${seed}`;
        let trace: Trace;
        before(() => {
          trace = computeTrace(spec);
        });

        it(`${label}: forward values and the loss match the naive reference`, () => {
          const reference = referenceRun(spec);
          assert.ok(Math.abs(trace.loss.L - reference.L) <= 1e-12 * (1 + Math.abs(reference.L)), 'loss');
          for (const [field, rows] of Object.entries(reference.steps)) {
            const flat = trace.forward[field];
            assert.ok(flat, `forward.${field} exists`);
            for (let t = 0; t < T; t++) {
              for (let j = 0; j < H; j++) {
                assert.ok(Math.abs(flat[t * H + j] - rows[t][j]) <= 1e-12, `${field}_${t + 1}[${j}]: ${flat[t * H + j]} vs ${rows[t][j]}`);
              }
            }
          }
          assert.equal(trace.nonFinite, undefined);
        });

        it(`${label}: dL/dW, dL/db${cell === 'lstm_peephole' ? ', dL/dp' : ''} match finite differences`, () => {
          const groups: [string, Record<string, Float64Array>][] = [['dL_dW', trace.backward.dL_dW], ['dL_db', trace.backward.dL_db]];
          if (cell === 'lstm_peephole') groups.push(['dL_dp', trace.backward.dL_dp ?? {}]);
          let checked = 0;
          for (const [group, gradients] of groups) {
            for (const [name, gradient] of Object.entries(gradients)) {
              assert.equal(gradient.length, spec.params[name].length, `${group}.${name} shape`);
              for (let k = 0; k < gradient.length; k++) {
                assertGradient(gradient[k], numericGradient(spec, s => s.params[name], k), `${group}.${name}[${k}]`);
                checked++;
              }
            }
          }
          assert.equal(checked, Object.values(spec.params).reduce((n, p) => n + p.length, 0), 'every parameter has a gradient');
        });

        it(`${label}: dL/dx, dL/dh0${cell.startsWith('lstm') ? ', dL/dc0' : ''} match finite differences`, () => {
          const dx = trace.backward.perStep.dL_dx;
          assert.equal(dx.length, T * I);
          for (let k = 0; k < T * I; k++) assertGradient(dx[k], numericGradient(spec, s => s.inputs, k), `dL_dx[${k}]`);
          for (let j = 0; j < H; j++) assertGradient(trace.backward.dL_dh0[j], numericGradient(spec, s => s.h0, j), `dL_dh0[${j}]`);
          if (cell === 'lstm' || cell === 'lstm_peephole') {
            const dc0 = trace.backward.dL_dc0;
            assert.ok(dc0);
            for (let j = 0; j < H; j++) assertGradient(dc0[j], numericGradient(spec, s => s.c0, j), `dL_dc0[${j}]`);
          }
        });

        it(`${label}: total dL/dh_t${cell.startsWith('lstm') ? ' and dL/dc_t' : ''} at every step match perturbations of the state`, () => {
          const states: ('h' | 'c')[] = cell.startsWith('lstm') ? ['h', 'c'] : ['h'];
          for (const state of states) {
            const field = trace.backward.perStep[`dL_d${state}`];
            for (let t = 1; t <= T; t++) {
              for (let j = 0; j < H; j++) {
                assertGradient(field[(t - 1) * H + j], numericStateGradient(spec, t, state, j), `dL_d${state}_${t}[${j}]`);
              }
            }
          }
        });

        if (cell === 'lstm' || cell === 'lstm_peephole') {
          it(`${label}: pre-activation deltas follow from the total gradients`, () => {
            const reference = referenceRun(spec).steps;
            const { dL_dh, dL_dc } = trace.backward.perStep;
            for (let t = 0; t < T; t++) {
              for (let j = 0; j < H; j++) {
                const k = t * H + j;
                const cPrev = t === 0 ? spec.c0[j] : reference.c[t - 1][j];
                const expected: Record<string, number> = {
                  f: dL_dc[k] * cPrev * DERIVATIVES[cell].f(reference.a_f[t][j]),
                  i: dL_dc[k] * reference.g[t][j] * DERIVATIVES[cell].i(reference.a_i[t][j]),
                  g: dL_dc[k] * reference.i[t][j] * DERIVATIVES[cell].g(reference.a_g[t][j]),
                  o: dL_dh[k] * Math.tanh(reference.c[t][j]) * DERIVATIVES[cell].o(reference.a_o[t][j]),
                };
                for (const gate of ['f', 'i', 'g', 'o']) {
                  const actual = trace.backward.perStep[`dL_da_${gate}`][k];
                  assert.ok(Math.abs(actual - expected[gate]) <= 1e-12 * (1 + Math.abs(expected[gate])), `dL_da_${gate}_${t + 1}[${j}]`);
                }
              }
            }
          });
        }

        it(`${label}: ${PREACTIVATIONS[cell].map(([, field]) => field).join(', ')} at every step match perturbing that pre-activation`, () => {
          // the reference adds ±EPS to a_t[j] (hn_t[j] for the GRU's dL/dhn) before its activation
          // and runs on: the central difference is the total gradient through every later path
          for (const [target, field] of PREACTIVATIONS[cell]) {
            const delta = trace.backward.perStep[field];
            assert.equal(delta.length, T * H, `${field} shape`);
            for (let t = 1; t <= T; t++) {
              for (let j = 0; j < H; j++) {
                const injected = (d: number): number => referenceRun(spec, { t, state: target, unit: j, delta: d }).L;
                const numeric = (injected(EPS) - injected(-EPS)) / (2 * EPS);
                assertGradient(delta[(t - 1) * H + j], numeric, `${field}_${t}[${j}]`);
              }
            }
          }
        });

        if (cell !== 'rnn') {
          it(`${label}: the path product is the suffix product of the reference gates`, () => {
            const gate = cell === 'gru' ? 'z' : 'f';
            const decay = trace.pathDecay;
            assert.ok(decay);
            const product = decay.kind === 'cellPathDecay' ? decay.forgetProduct : decay.zProduct;
            assert.equal(decay.kind, cell === 'gru' ? 'updateGatePathDecay' : 'cellPathDecay');
            const gates = referenceRun(spec).steps[gate];
            for (let t = 1; t <= T; t++) {
              for (let j = 0; j < H; j++) {
                let expected = 1;
                for (let s = t + 1; s <= T; s++) expected *= gates[s - 1][j];
                assert.ok(Math.abs(product[(t - 1) * H + j] - expected) <= 1e-14, `product row ${t}[${j}]`);
              }
            }
          });
        }

        it(`${label}: the vanilla-RNN comparison's h, dL/dh_t (loss sum) and norms`, () => {
          const comparison = referenceRun(comparisonRnnSpec(spec)).steps.h;
          const { h, dL_dh, dL_dh_norm } = trace.vanillaRNN;
          assert.equal(dL_dh_norm.length, T);
          for (let t = 1; t <= T; t++) {
            let squares = 0;
            for (let j = 0; j < H; j++) {
              const k = (t - 1) * H + j;
              assert.ok(Math.abs(h[k] - comparison[t - 1][j]) <= 1e-12, `vanilla h_${t}[${j}]`);
              assertGradient(dL_dh[k], numericStateGradient(spec, t, 'h', j, true), `vanilla dL_dh_${t}[${j}]`);
              squares += dL_dh[k] ** 2;
            }
            assert.ok(Math.abs(dL_dh_norm[t - 1] - Math.sqrt(squares)) <= 1e-12 * (1 + Math.sqrt(squares)), `norm at ${t}`);
          }
        });
      }
    });
  }
}

describe('engine gradients: a longer sequence keeps agreeing', () => {
  for (const cell of ['lstm', 'lstm_peephole', 'gru', 'rnn'] as CellKind[]) {
    it(`${cell}: H=6 I=5 T=30, dL/dh0, dL/dx_1 and one weight row by finite differences`, () => {
      const spec = randomSpec(cell, 6, 5, 30, 'mse', 99, 0.6);
      const trace = computeTrace(spec);
      for (let j = 0; j < 6; j++) assertGradient(trace.backward.dL_dh0[j], numericGradient(spec, s => s.h0, j), `dL_dh0[${j}]`);
      for (let k = 0; k < 5; k++) assertGradient(trace.backward.perStep.dL_dx[k], numericGradient(spec, s => s.inputs, k), `dL_dx_1[${k}]`);
      const name = Object.keys(trace.backward.dL_dW)[0];
      for (let k = 0; k < 11 && k < spec.params[name].length; k++) {
        assertGradient(trace.backward.dL_dW[name][k], numericGradient(spec, s => s.params[name], k), `${name}[${k}]`);
      }
    });
  }
});
