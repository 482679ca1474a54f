// The chart panel's equations with every number written out (src/views/chartSnapshot.ts) and the
// line of the debugger's current micro-step: the seed's t=1 line is the worked example's own
// arithmetic (0.5·0 + 0.5·0 + 0.5·0.5 + 0.5·(−0.1) + 0 = 0.2), typed here from the seed text.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseSpec } from '../../../src/engine/specParse';
import { computeTrace } from '../../../src/engine/trace';
import { buildStepDetail } from '../../../src/views/chartSnapshot';
import type { ViewOptions } from '../../../src/protocol/messages';
import { GOLDEN, ROOT } from './dap';

const view = { units: [0, 1], equationUnit: 0, gateView: 'lines', heatmapField: 'f' } as unknown as ViewOptions;
const load = (file: string) => {
  const { spec } = parseSpec(fs.readFileSync(file, 'utf8'));
  assert.ok(spec);
  return { spec, trace: computeTrace(spec) };
};

describe('chart panel equations for the debugger', () => {
  const { spec, trace } = load(path.join(GOLDEN, 'example-this-movie-is-good.lstm.json'));

  it('writes out every term of a pre-activation: the seed\'s a_f at t=1', () => {
    const detail = buildStepDetail(trace, { phase: 'forward', t: 1 }, view, undefined, { params: spec.params });
    const line = detail.equations.find(l => l.startsWith('a_f '));
    assert.equal(line, 'a_f = W_f·z + b_f = 0.5·0 + 0.5·0 + 0.5·0.5 + 0.5·(−0.1) + 0 = 0.2000 → f = σ(0.2000) = 0.5498');
  });

  it('without the parameters (a stale trace) the equations keep their short form', () => {
    const detail = buildStepDetail(trace, { phase: 'forward', t: 1 }, view);
    assert.equal(detail.equations.find(l => l.startsWith('a_f ')), 'a_f = W_f·z + b_f = 0.2000 → f = σ(0.2000) = 0.5498');
    assert.equal(detail.currentEquation, undefined);
  });

  it('marks the line of the current micro-step, forward and backward', () => {
    const at = (phase: 'forward' | 'backward', equation: string) => {
      const detail = buildStepDetail(trace, { phase, t: 2 }, view, undefined, { params: spec.params, equation });
      return detail.currentEquation === undefined ? undefined : detail.equations[detail.currentEquation].split(' ')[0];
    };
    assert.equal(at('forward', 'z'), 'z_2');
    assert.equal(at('forward', 'a_i'), 'a_i');
    assert.equal(at('forward', 'i'), 'a_i'); // the activation shares its pre-activation's line
    assert.equal(at('forward', 'c'), 'c_2');
    assert.equal(at('forward', 'h'), 'h_2');
    assert.equal(at('backward', 'dL_dc'), 'dL/dc_2');
    assert.equal(at('backward', 'dL_da_o'), 'dL/da_o');
  });

  it('for a large H prints the first terms and how many more, and the sum', () => {
    const wide = load(path.join(ROOT, 'test/fixtures/debug-h512.lstm.json'));
    const detail = buildStepDetail(wide.trace, { phase: 'forward', t: 2 }, view, undefined, { params: wide.spec.params });
    const line = detail.equations.find(l => l.startsWith('a_f '))!;
    assert.match(line, /^a_f = W_f·z \+ b_f = (\S+·\S+ \+ ){3}… \(517 more terms\) \+ 1 = \S+ → f = σ/);
    assert.ok(line.length < 200, `${line.length} characters`);
  });
});
