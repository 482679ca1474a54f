// Checks of a trace JSON (section 3, or the stack form of docs/trace-format.md) against PyTorch's
// numbers in the layout of test/fixtures/golden/stacks (scripts/golden/make_stacks.py,
// make_model_specs.py), to 1e-9 on every field; and the spec text a user would write for a
// golden stack case.
import * as assert from 'node:assert/strict';
import { flat, type GoldenCase } from './stackGolden';

const TOL = 1e-9;

export type Json = Record<string, unknown>;

export function assertClose(actual: unknown, expected: unknown, what: string): void {
  const a = flat(actual as never), e = flat(expected as never);
  assert.equal(a.length, e.length, `${what}: length ${a.length} vs PyTorch ${e.length}`);
  for (let k = 0; k < e.length; k++) {
    assert.ok(Math.abs(a[k] - e[k]) <= TOL * Math.max(1, Math.abs(e[k])), `${what}[${k}]: engine ${a[k]} vs PyTorch ${e[k]}`);
  }
}

/** The spec file a user would write for the case; undefined when the spec format cannot say it. */
export function caseSpecText(c: GoldenCase): string | undefined {
  const losses = c.samples.map(s => s.loss);
  const first = losses[0];
  // samples share one loss (kind, at, on); only their targets differ
  if (losses.some(l => l.kind !== first.kind || l.at !== first.at || l.on !== first.on)) return undefined;
  const weights: Json = {};
  for (const [name, value] of Object.entries(c.weights)) if (!name.startsWith('fc.')) weights[name] = value;
  const loss: Json = { kind: first.kind };
  if (first.at) loss.at = first.at;
  if (first.on) loss.on = first.on;
  if (first.kind === 'crossEntropy') loss.head = { weight: c.weights['fc.weight'], bias: c.weights['fc.bias'] };
  const spec: Json = {
    name: c.name, cell: c.cell, inputSize: c.inputSize, hiddenSize: c.hiddenSize,
    numLayers: c.numLayers, bidirectional: c.bidirectional,
  };
  if (c.resetAfter === false) spec.resetAfter = false;
  spec.weights = weights;
  spec.h0 = c.h0;
  if (c.c0) spec.c0 = c.c0;
  const data = (l: GoldenCase['samples'][number]['loss']): Json =>
    l.kind === 'given' ? { dL_dy: l.dL_dy } : l.kind === 'sum' ? {} : { target: l.target };
  if (c.samples.length === 1) {
    spec.inputs = c.samples[0].inputs;
    Object.assign(loss, data(first));
  } else {
    spec.samples = c.samples.map(s => ({ inputs: s.inputs, ...data(s.loss) }));
  }
  spec.loss = loss;
  return JSON.stringify(spec, null, 1);
}

/** Checks a trace JSON (section 3 or the stack form) against the case's PyTorch numbers. */
export function checkAgainstPyTorch(json: Json, c: GoldenCase): void {
  const e = c.expected;
  const stacked = c.numLayers > 1 || c.bidirectional;
  const loss = json.loss as Json;
  assertClose([loss.L], [e.L], 'loss.L');
  if (c.samples.length > 1) assertClose(loss.sampleLosses, e.sampleLosses, 'loss.sampleLosses');
  else assert.equal(loss.sampleLosses, undefined);
  if (e.perStep) assertClose(loss.perStep, e.perStep, 'loss.perStep'); else assert.equal(loss.perStep, undefined);
  if (e.logits && e.probs) {
    const every = c.samples[0].loss.at === 'every';
    assertClose(loss.logits, every ? e.logits : (e.logits as unknown[])[0], 'loss.logits');
    assertClose(loss.probs, every ? e.probs : (e.probs as unknown[])[0], 'loss.probs');
  } else assert.equal(loss.logits, undefined);
  const grads = json.frameworkGrads as Json;
  assert.deepEqual(Object.keys(grads).sort(), Object.keys(e.grads).sort(), 'frameworkGrads names');
  for (const [name, value] of Object.entries(e.grads)) assertClose(grads[name], value, `frameworkGrads.${name}`);
  const backward = json.backward as Json;
  assertClose(backward.dL_dx, e.dL_dx, 'backward.dL_dx');
  if (stacked) {
    assert.equal(json.numLayers, c.numLayers);
    assert.equal(json.bidirectional, c.bidirectional);
    assertClose(json.output, e.output, 'output');
    assertClose(json.h_n, e.h_n, 'h_n');
    if (e.c_n) assertClose(json.c_n, e.c_n, 'c_n');
    assertClose(backward.dL_dh0, e.dL_dh0, 'backward.dL_dh0');
    if (e.dL_dc0) assertClose(backward.dL_dc0, e.dL_dc0, 'backward.dL_dc0');
    const stack = json.stack as Json[];
    assert.equal(stack.length, c.numLayers * (c.bidirectional ? 2 : 1));
    const D = c.bidirectional ? 2 : 1;
    stack.forEach((entry, k) => {
      assert.equal(entry.layer, Math.floor(k / D));
      assert.equal(entry.direction, k % D === 1 ? 'reverse' : 'forward');
      // the entry's dL_dh0 is its row of PyTorch's h0.grad
      assertClose((entry.backward as Json).dL_dh0, (e.dL_dh0 as number[][])[k], `stack[${k}].backward.dL_dh0`);
      assert.ok((entry.backward as Json).dL_dinput, 'dL_dinput');
    });
    // the top layer's h in time order is PyTorch's output, direction by direction
    const H = c.hiddenSize, out = e.output as number[][];
    for (let d = 0; d < D; d++) {
      const h = (stack[(c.numLayers - 1) * D + d].forward as Json).h as number[][];
      assertClose(h, out.map(row => row.slice(d * H, (d + 1) * H)), `top layer ${d} h`);
    }
  } else {
    assert.equal(json.stack, undefined);
    assertClose((json.forward as Json).h, e.output, 'forward.h');
    assertClose(backward.dL_dh0, (e.dL_dh0 as number[][])[0], 'backward.dL_dh0');
    if (e.dL_dc0) assertClose(backward.dL_dc0, (e.dL_dc0 as number[][])[0], 'backward.dL_dc0');
    assert.ok(json.vanillaRNN, 'section 3 keeps vanillaRNN');
  }
}

