// Spec files for stacks and the losses of docs/spec-format.md, end to end against PyTorch: every
// case of test/fixtures/golden/stacks (scripts/golden/make_stacks.py: nn.LSTM / nn.GRU / nn.RNN in
// float64, a hand-written autograd GRU for resetAfter = false) is written as a *.lstm.json spec
// (weights under PyTorch's stack names, h0/c0 as (L·D, H), the head inline, samples), parsed,
// traced and turned into the trace JSON, and every field must agree with PyTorch to 1e-9:
// output, h_n, c_n, L, per-sample and per-step losses, logits, probs, frameworkGrads (every
// .grad, the head's too), dL_dx, dL_dh0, dL_dc0. Single-layer cases give the section-3 JSON.
import * as assert from 'node:assert/strict';
import { parseSpec } from '../../src/engine/spec';
import { computeTrace } from '../../src/engine/trace';
import { traceToJson } from '../../src/engine/traceJson';
import { loadGoldenCases } from './helpers/stackGolden';
import { caseSpecText, checkAgainstPyTorch, type Json } from './helpers/traceCheck';

const cases = loadGoldenCases();

describe('stack spec files against PyTorch (golden cases)', () => {
  it('writes a spec for all but the mixed-loss samples case', () => {
    const skipped = cases.filter(c => caseSpecText(c) === undefined).map(c => c.name);
    assert.deepEqual(skipped, ['gru-l2-bi-mse-samples']);
    assert.ok(cases.length >= 18);
  });
  for (const c of cases) {
    const text = caseSpecText(c);
    if (!text) continue;
    it(`${c.name}: parse + computeTrace + trace JSON agree with PyTorch on every field`, () => {
      const { spec, issues } = parseSpec(text);
      assert.deepEqual(issues.map(i => i.message), []);
      const json = JSON.parse(JSON.stringify(traceToJson(computeTrace(spec!)))) as Json;
      checkAgainstPyTorch(json, c);
    });
  }
});
