// A trace carries what it was computed from (trace.source: h0, c0, inputs), so no view mixes an
// older trace with a newer spec: the chart panel's c_1 equation and conveyor belt and the States
// tree's tooltip read the trace's c0 even when handed a newer spec, the trace's copies do not
// follow later changes to the spec's arrays, the trace JSON does not change, and the source
// crosses the worker boundary (transferred, not copied).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeTrace, parseSpec, traceToJson, type Spec } from '../../src/engine';
import { packTrace, unpackTrace } from '../../src/engine/traceTransfer';
import { buildBelt, buildEquations, fmt } from '../../src/views/chartSnapshot';
import { unitEquation } from '../../src/views/traceFields';

const movieText = fs.readFileSync(path.join(__dirname, '../../examples/this-movie-is-good.lstm.json'), 'utf8');

/** The seed's example with another initial state (the text edited, as a user would). */
function movieWith(h0: string, c0: string): Spec {
  const { spec, issues } = parseSpec(movieText.replace('"h0": [0, 0]', `"h0": ${h0}`).replace('"c0": [0, 0]', `"c0": ${c0}`));
  assert.ok(spec, JSON.stringify(issues));
  return spec;
}

describe('trace source: what a trace was computed from', () => {
  const older = movieWith('[0.25, -0.75]', '[0.5, -0.3]');
  const newer = movieWith('[0.9, 0.9]', '[0.9, 0.9]');
  const trace = computeTrace(older);

  it('holds copies of h0, c0 and the inputs, which later changes to the spec do not reach', () => {
    const spec = movieWith('[0.25, -0.75]', '[0.5, -0.3]');
    const own = computeTrace(spec);
    assert.deepEqual(Array.from(own.source.h0), [0.25, -0.75]);
    assert.deepEqual(Array.from(own.source.c0), [0.5, -0.3]);
    assert.deepEqual(Array.from(own.source.inputs), [0.5, -0.1, 0.3, 0.8, -0.2, 0.1, 0.9, 0.7]);
    spec.c0.fill(7);
    spec.inputs.fill(7);
    assert.deepEqual(Array.from(own.source.c0), [0.5, -0.3]);
    assert.equal(own.source.inputs[0], 0.5);
  });

  it("the panel's c_1 equation substitutes the trace's c_0, not a newer spec's", () => {
    // the panel passes the session's current spec as the initial state; the trace is older
    const lines = buildEquations(trace, { phase: 'forward', t: 1 }, 1, newer);
    const c1 = lines.find(line => line.startsWith('c_1 = '));
    assert.ok(c1, lines.join('\n'));
    const f = trace.forward.f[1], i = trace.forward.i[1], g = trace.forward.g[1];
    assert.equal(c1, `c_1 = f·c_0 + i·g = ${fmt(f)}·(${fmt(-0.3)}) + ${fmt(i)}·${g < 0 ? `(${fmt(g)})` : fmt(g)} = ${fmt(f * -0.3 + i * g)}`);
    assert.ok(!c1.includes(fmt(0.9)), c1);
    const t0 = buildEquations(trace, { phase: 'forward', t: 0 }, 1, newer)[0];
    assert.ok(t0.includes(`h_0 = ${fmt(-0.75)}, c_0 = ${fmt(-0.3)}`), t0);
  });

  it("the conveyor belt keeps f·c_0 of the trace's c_0", () => {
    const { belt } = buildBelt(trace, 1, [0, 1], newer);
    assert.ok(Math.abs(belt[0].kept - trace.forward.f[0] * 0.5) < 1e-15);
    assert.ok(Math.abs(belt[1].kept - trace.forward.f[1] * -0.3) < 1e-15);
  });

  it("the States tree's tooltip for c_1 substitutes the trace's c_0", () => {
    const text = unitEquation(trace, 'c', 1, 1, 4);
    assert.ok(text.includes(`·(${fmt(-0.3)}) +`), text);
    const gru = computeTrace(parseSpec(fs.readFileSync(path.join(__dirname, '../../examples/gru-movie.lstm.json'), 'utf8')
      .replace(/"inputs"/, '"h0": [0.125, -0.625], "inputs"')).spec!);
    const h1 = unitEquation(gru, 'h', 1, 1, 4);
    assert.ok(h1.includes(`·(${fmt(-0.625)}) =`), h1);
  });

  it('is not part of the trace JSON', () => {
    const json = traceToJson(trace) as Record<string, unknown>;
    assert.ok(!('source' in json));
    assert.deepEqual(Object.keys(json), ['cell', 'inputSize', 'hiddenSize', 'T', 'tokens', 'forward', 'loss', 'backward', 'cellPathDecay', 'vanillaRNN']);
  });

  it('crosses the worker boundary with the trace, its buffers transferred', () => {
    const sent = computeTrace(older);
    const { plain, buffers } = packTrace(sent);
    for (const name of ['h0', 'c0', 'inputs'] as const) assert.ok(buffers.includes(sent.source[name].buffer as ArrayBuffer), `${name} is not in the transfer list`);
    const received = unpackTrace(structuredClone(plain, { transfer: buffers }));
    assert.equal(sent.source.c0.byteLength, 0, 'c0 was copied, not transferred');
    assert.deepEqual(Array.from(received.source.h0), [0.25, -0.75]);
    assert.deepEqual(Array.from(received.source.c0), [0.5, -0.3]);
    assert.deepEqual(Array.from(received.source.inputs), [0.5, -0.1, 0.3, 0.8, -0.2, 0.1, 0.9, 0.7]);
    const line = buildEquations(received, { phase: 'forward', t: 1 }, 1).find(l => l.startsWith('c_1 = '));
    assert.ok(line?.includes(`·(${fmt(-0.3)}) +`), line);
  });
});
